import { z } from 'zod';
import {
  annotationSchema,
  captureCountsSchema,
  type Rubric,
  thumbSchema,
  winnerSchema,
} from '../../../shared/index.ts';
import type { Shortcuts } from '../../../shared/shortcuts.ts';

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
    reasoning: true,
    variant: true,
  })
  .extend({
    /** Earlier turns the page had virtualized away and the content script never saw. */
    missingContextTurns: z.int().min(0).max(100_000),
    /** What else the capture saw but could not read (images, files, artifacts, tool output); absent = none. */
    completeness: captureCountsSchema.omit({ unrenderedTurns: true }).optional(),
    /** `selection`: the person selected this text and chose "Annotate selection" (the adapter's fallback). */
    source: z.literal('selection').optional(),
  });
export type ResponseCaptureInput = z.infer<typeof responseCaptureSchema>;

/** Only the fields present are changed; `null` clears a thumb, score or correction. */
export const annotationChangesSchema = z.strictObject({
  thumb: thumbSchema.nullable().optional(),
  score: annotationSchema.shape.score.optional(),
  comment: annotationSchema.shape.comment.optional(),
  tags: annotationSchema.shape.tags.optional(),
  correction: annotationSchema.shape.correction.optional(),
  /** Checked by the background against the rubric in force (its version and questions). */
  rubric: annotationSchema.shape.rubric,
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
  variant: true,
  rubric: true,
});
export type AnnotationState = z.infer<typeof annotationStateSchema>;

/** A comparison as a content script sees it: between two responses of its conversation, by message id. */
export interface ComparisonState {
  a: string;
  b: string;
  winner: 'a' | 'b' | 'tie';
  revision: number;
}

/** What a content script gets for one conversation. */
export interface ConversationAnnotations {
  enabled: boolean;
  annotations: AnnotationState[];
  comparisons: ComparisonState[];
}

/**
 * Compare mode: two variants of one prompt, each as captured from the page (the site shows one at a
 * time, so `b` may be a capture made earlier on the same page), and which is better.
 */
export const comparisonInputSchema = z.strictObject({
  a: responseCaptureSchema,
  b: responseCaptureSchema,
  winner: winnerSchema,
});
export type ComparisonInput = z.infer<typeof comparisonInputSchema>;

export type SaveComparisonResult =
  | { ok: true; comparison: ComparisonState; annotations: AnnotationState[] }
  | { ok: false; error: string };

export const conversationQuerySchema = z.strictObject({
  site: annotationSchema.shape.site,
  conversationId: annotationSchema.shape.conversationId,
});
export type ConversationQuery = z.infer<typeof conversationQuerySchema>;

export type SaveResult = { ok: true; annotation: AnnotationState } | { ok: false; error: string };

/** What a content script needs besides annotations: the rubric to show and the keys to listen to. */
export interface PageSettings {
  rubric: Rubric | null;
  shortcuts: Shortcuts;
  /** This page's origin is one the person opted in to the generic adapter. */
  generic: boolean;
}
