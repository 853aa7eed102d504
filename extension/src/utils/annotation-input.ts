import { z } from 'zod';
import { annotationSchema, thumbSchema } from '../../../shared/index.ts';

/**
 * What a content script may send to save an annotation: the response as captured from the page and
 * the fields the person changed. The background builds the full `Annotation` (id, key, annotator,
 * revision, timestamps) and validates it with `annotationSchema` before anything is stored.
 */
export const responseCaptureSchema = annotationSchema
  .pick({
    site: true,
    url: true,
    conversationId: true,
    messageId: true,
    model: true,
    modelSource: true,
    context: true,
    response: true,
    variant: true,
  })
  .extend({
    /** Earlier turns the page had virtualized away and the content script never saw. */
    missingContextTurns: z.int().min(0).max(100_000),
  });
export type ResponseCaptureInput = z.infer<typeof responseCaptureSchema>;

/** Only the fields present are changed; `null` clears a thumb, score or correction. */
export const annotationChangesSchema = z.strictObject({
  thumb: thumbSchema.nullable().optional(),
  score: annotationSchema.shape.score.optional(),
  comment: annotationSchema.shape.comment.optional(),
  tags: annotationSchema.shape.tags.optional(),
  correction: annotationSchema.shape.correction.optional(),
});
export type AnnotationChanges = z.infer<typeof annotationChangesSchema>;

export const annotationInputSchema = z.strictObject({
  capture: responseCaptureSchema,
  changes: annotationChangesSchema,
});
export type AnnotationInput = z.infer<typeof annotationInputSchema>;

/** What a content script is told about a saved annotation: enough to show its state, nothing more. */
export const annotationStateSchema = annotationSchema.pick({
  messageId: true,
  thumb: true,
  score: true,
  comment: true,
  tags: true,
  correction: true,
  revision: true,
  updatedAt: true,
});
export type AnnotationState = z.infer<typeof annotationStateSchema>;

export const conversationQuerySchema = z.strictObject({
  site: annotationSchema.shape.site,
  conversationId: annotationSchema.shape.conversationId,
});
export type ConversationQuery = z.infer<typeof conversationQuerySchema>;

export type SaveResult = { ok: true; annotation: AnnotationState } | { ok: false; error: string };
