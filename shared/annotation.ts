import { z } from 'zod';
import { CAPTURE_COUNT_KEYS, CAPTURE_PARTIAL_KEY } from './capture-completeness.ts';
import { annotatorSchema, isoDateTimeSchema, recordIdSchema } from './fields.ts';
import { LIMITS } from './limits.ts';
import { messageSchema } from './message.ts';
import { rubricAnswersSchema } from './rubric.ts';

/**
 * The shape of an annotation. Version 2 added `reasoning` and the `capture.*` completeness metadata;
 * `upgradeAnnotation` turns a version-1 record into version 2 wherever one can still arrive.
 */
export const ANNOTATION_SCHEMA_VERSION = 2;

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
  /** The model's visible reasoning (thoughts, thinking) as the page showed it; absent when it showed none. */
  reasoning: z.string().max(LIMITS.textChars).optional(),
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

/** An annotation as version 1 stored it: no `reasoning`, completeness only as `contextMissingTurns`. */
export type AnnotationV1 = Omit<Annotation, 'schemaVersion' | 'reasoning'> & { schemaVersion: 1 };

/** The version-1 metadata key that counted context turns the page had not rendered. */
const V1_MISSING_TURNS_KEY = 'contextMissingTurns';

/**
 * Turns a version-1 annotation into version 2; anything else (version 2, or not an annotation at all)
 * comes back as it was, for the schema to accept or reject. Pure and deterministic, so a version-1
 * record pushed again after the store upgraded it hashes to the same version 2 (docs/sync-protocol.md,
 * "Schema versions"). Keys keep their order. Version 1 counted unrendered context turns in
 * `metadata.contextMissingTurns`; version 2 names it `capture.unrenderedTurns` and flags the capture
 * `capture.partial`, unless the metadata is already at its key limit (the count alone then says it).
 */
export function upgradeAnnotation(raw: AnnotationV1 | Annotation): Annotation;
export function upgradeAnnotation(raw: unknown): unknown;
export function upgradeAnnotation(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const record = raw as Record<string, unknown>;
  if (record.schemaVersion !== 1) return raw;
  const upgraded: Record<string, unknown> = { ...record, schemaVersion: 2 };
  const metadata = record.metadata;
  if (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)) {
    upgraded.metadata = upgradeMetadata(metadata as Record<string, unknown>);
  }
  return upgraded;
}

function upgradeMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const missing = metadata[V1_MISSING_TURNS_KEY];
  if (typeof missing !== 'number' || !Number.isInteger(missing) || missing <= 0) return metadata;
  if (Object.hasOwn(metadata, CAPTURE_COUNT_KEYS.unrenderedTurns)) return metadata;
  const { [V1_MISSING_TURNS_KEY]: _renamed, ...rest } = metadata;
  const upgraded: Record<string, unknown> = { ...rest, [CAPTURE_COUNT_KEYS.unrenderedTurns]: missing };
  if (Object.keys(upgraded).length < LIMITS.metadataKeys && !Object.hasOwn(upgraded, CAPTURE_PARTIAL_KEY)) {
    upgraded[CAPTURE_PARTIAL_KEY] = true;
  }
  return upgraded;
}

/** The key that names one response: one annotation per key per annotator. */
export function annotationKey(site: string, conversationId: string, messageId: string): string {
  return `${site}:${conversationId}:${messageId}`;
}
