import { z } from 'zod';
import { annotationKey, contextSchema, metadataSchema, siteIdSchema, variantSchema } from './annotation.ts';
import { hashId } from './export/hash.ts';
import { isoDateTimeSchema, recordIdSchema } from './fields.ts';
import { LIMITS } from './limits.ts';

/** Where an item came from: a page capture, a logged call, an imported chat export, or the API. */
export const itemSourceSchema = z.enum(['capture', 'log', 'import', 'api']);
export type ItemSource = z.infer<typeof itemSourceSchema>;

/**
 * A response waiting for judgement: what an annotation would be about, without the judgement. `key`
 * names the response exactly as an annotation's key does (`annotationKey`), so an imported response
 * and the same response captured live on its page meet on the same key. Campaign queues reference
 * items; imports create them (docs/history-import.md).
 */
export const itemSchema = z.strictObject({
  id: recordIdSchema,
  key: z.string().min(1).max(LIMITS.keyChars),
  source: itemSourceSchema,
  site: siteIdSchema,
  conversationId: recordIdSchema,
  messageId: recordIdSchema,
  url: z
    .url({ protocol: /^https?$/ })
    .max(LIMITS.urlChars)
    .nullable(),
  model: z.string().max(LIMITS.modelChars).nullable(),
  context: contextSchema,
  response: z.string().max(LIMITS.textChars),
  /** The model's visible reasoning, kept apart from the response; absent when there was none. */
  reasoning: z.string().max(LIMITS.textChars).optional(),
  variant: variantSchema.nullable(),
  /** When the response was written (not when it was imported). */
  createdAt: isoDateTimeSchema,
  metadata: metadataSchema,
});
export type Item = z.infer<typeof itemSchema>;

/**
 * The id of the item for a key: derived from it, so the same response always gets the same item
 * (two differently seeded 53-bit hashes: about 106 bits, collisions out of reach).
 */
export function itemIdFor(key: string): string {
  return `item-${hashId(key)}${hashId(key, 1)}`;
}

/** The key of an item; the same function as an annotation's. */
export function itemKey(site: string, conversationId: string, messageId: string): string {
  return annotationKey(site, conversationId, messageId);
}
