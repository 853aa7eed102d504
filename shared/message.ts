import { z } from 'zod';
import { LIMITS } from './limits.ts';

export const roleSchema = z.enum(['system', 'user', 'assistant', 'tool']);
export type Role = z.infer<typeof roleSchema>;

/** One turn of a conversation, as captured from a chat page or sent by an app. */
export const messageSchema = z.strictObject({
  role: roleSchema,
  content: z.string().max(LIMITS.textChars),
});
export type Message = z.infer<typeof messageSchema>;
