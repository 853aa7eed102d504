import { z } from 'zod';
import { annotatorSchema, isoDateTimeSchema, recordIdSchema } from './fields.ts';
import { LIMITS } from './limits.ts';
import { messageSchema } from './message.ts';
import { rubricAnswersSchema } from './rubric.ts';

export const ANNOTATION_SCHEMA_VERSION = 1;

/** A site adapter id (`chatgpt`, `claude`, …) or another source such as `api` for logged LLM calls. */
export const siteIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a lowercase slug such as "chatgpt"');

/** Where the model name came from: the response itself, the page's model picker, or nowhere. */
export const modelSourceSchema = z.enum(['message', 'model-picker', 'unknown']);
export type ModelSource = z.infer<typeof modelSourceSchema>;

export const thumbSchema = z.enum(['up', 'down']);
export type Thumb = z.infer<typeof thumbSchema>;

export const tagSchema = z.string().trim().min(1, 'a tag cannot be empty').max(LIMITS.tagChars);

/** Metadata values are JSON scalars only, so every exporter and database can store them as they are. */
export const metadataValueSchema = z.union([
  z.string().max(LIMITS.metadataValueChars),
  z.number().finite(),
  z.boolean(),
  z.null(),
]);

export const metadataSchema = z
  .record(z.string().min(1).max(LIMITS.metadataKeyChars), metadataValueSchema)
  .refine((value) => Object.keys(value).length <= LIMITS.metadataKeys, {
    message: `at most ${LIMITS.metadataKeys} metadata keys`,
  });
export type Metadata = z.infer<typeof metadataSchema>;

/** Which regeneration or branch of one prompt the response is ("2/3" on the page). */
export const variantSchema = z
  .strictObject({
    index: z.int().min(1),
    count: z.int().min(1),
    /** Shared by every variant of the same prompt (same context); null when unknown. */
    group: z.string().max(LIMITS.idChars).nullable(),
  })
  .refine((variant) => variant.index <= variant.count, {
    message: 'index must not exceed count',
    path: ['index'],
  });
export type Variant = z.infer<typeof variantSchema>;

export const contextSchema = z
  .array(messageSchema)
  .max(LIMITS.contextMessages)
  .refine((turns) => turns.reduce((sum, turn) => sum + turn.content.length, 0) <= LIMITS.contextChars, {
    message: `context holds at most ${LIMITS.contextChars} characters in all`,
  });

/**
 * One person's judgement of one assistant response. `key` names the response (site, conversation,
 * message); there is one annotation per key per annotator. Never deleted in place: `deletedAt` is a
 * tombstone, and `revision` grows with every change so sync can order versions.
 */
export const annotationSchema = z.strictObject({
  schemaVersion: z.literal(ANNOTATION_SCHEMA_VERSION),
  id: recordIdSchema,
  key: z.string().min(1).max(LIMITS.keyChars),
  site: siteIdSchema,
  url: z.url({ protocol: /^https?$/ }).max(LIMITS.urlChars),
  conversationId: recordIdSchema,
  messageId: recordIdSchema,
  model: z.string().max(LIMITS.modelChars).nullable(),
  modelSource: modelSourceSchema,
  context: contextSchema,
  response: z.string().max(LIMITS.textChars),
  variant: variantSchema.nullable(),
  thumb: thumbSchema.nullable(),
  score: z.int().min(0).max(100).nullable(),
  comment: z.string().max(LIMITS.commentChars),
  tags: z.array(tagSchema).max(LIMITS.tags),
  correction: z.string().max(LIMITS.textChars).nullable(),
  /** Answers to the person's rubric (extension options), with its version; absent when none were given. */
  rubric: rubricAnswersSchema.optional(),
  metadata: metadataSchema,
  annotator: annotatorSchema,
  createdAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
  deletedAt: isoDateTimeSchema.nullable(),
  revision: z.int().min(1),
});
export type Annotation = z.infer<typeof annotationSchema>;

/** The key that names one response: one annotation per key per annotator. */
export function annotationKey(site: string, conversationId: string, messageId: string): string {
  return `${site}:${conversationId}:${messageId}`;
}
