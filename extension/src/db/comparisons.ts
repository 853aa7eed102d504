import {
  type Annotation,
  annotationKey,
  type Comparison,
  comparisonSchema,
  describeIssues,
} from '../../../shared/index.ts';
import type { ComparisonInput, ComparisonState, ResponseCaptureInput } from '../utils/annotation-input.ts';
import {
  listConversationAnnotations,
  type SaveContext,
  SaveError,
  saveAnnotation,
  storageErrorMessage,
} from './annotations.ts';
import type { AppDB } from './app-db.ts';

export interface SavedComparison {
  comparison: Comparison;
  a: Annotation;
  b: Annotation;
}

/** Why two captures cannot be compared, in words a person can act on; null when they can. */
export function comparisonProblem(a: ResponseCaptureInput, b: ResponseCaptureInput): string | null {
  if (a.site !== b.site || a.conversationId !== b.conversationId) {
    return 'the two responses are not from the same conversation';
  }
  if (a.messageId === b.messageId) return 'a response cannot be compared with itself';
  const group = a.variant?.group ?? null;
  if (group === null || b.variant?.group !== group) return 'the two responses are not variants of the same prompt';
  if (JSON.stringify(a.context) !== JSON.stringify(b.context)) {
    return 'the two variants do not share the same conversation before them';
  }
  return null;
}

/**
 * Stores which of two variants of one prompt is better (or a tie), in one transaction: each side's
 * annotation is created if the person has not annotated it yet (no rating, just the response and its
 * context), or refreshed if the page now shows it differently; then the one comparison of that pair
 * by this annotator is created or updated (revision + 1). Resolves after the transaction committed.
 */
export async function saveComparison(
  db: AppDB,
  input: ComparisonInput,
  context: SaveContext,
): Promise<SavedComparison> {
  const problem = comparisonProblem(input.a, input.b);
  if (problem) throw new SaveError(problem);
  try {
    return await db.transaction('rw', db.annotations, db.comparisons, async () => {
      const a = await ensureAnnotation(db, input.a, context);
      const b = await ensureAnnotation(db, input.b, context);
      const existing = (await db.comparisons.where('a').anyOf(a.id, b.id).toArray()).find(
        (row) =>
          row.annotator === context.annotator &&
          ((row.a === a.id && row.b === b.id) || (row.a === b.id && row.b === a.id)),
      );
      const now = context.now().toISOString();
      const candidate: Comparison = {
        schemaVersion: 1,
        id: existing?.id ?? context.newId(),
        a: a.id,
        b: b.id,
        winner: input.winner,
        annotator: context.annotator,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        deletedAt: null,
        revision: (existing?.revision ?? 0) + 1,
      };
      const parsed = comparisonSchema.safeParse(candidate);
      if (!parsed.success) throw new SaveError(describeIssues(parsed.error));
      await db.comparisons.put(parsed.data);
      return { comparison: parsed.data, a, b };
    });
  } catch (error) {
    throw error instanceof SaveError ? error : new SaveError(storageErrorMessage(error));
  }
}

/** The live annotation of this capture by this annotator, saved (without any rating) if missing or stale. */
async function ensureAnnotation(db: AppDB, capture: ResponseCaptureInput, context: SaveContext): Promise<Annotation> {
  const key = annotationKey(capture.site, capture.conversationId, capture.messageId);
  const existing = await db.annotations.where({ key, annotator: context.annotator }).first();
  const current =
    existing &&
    existing.deletedAt === null &&
    existing.response === capture.response &&
    JSON.stringify(existing.context) === JSON.stringify(capture.context);
  if (current) return existing;
  return saveAnnotation(db, { capture, changes: {} }, context);
}

/** The live comparisons among one conversation's annotations by one annotator, by message id. */
export async function listConversationComparisons(
  db: AppDB,
  site: string,
  conversationId: string,
  annotator: string,
): Promise<ComparisonState[]> {
  const annotations = await listConversationAnnotations(db, site, conversationId, annotator);
  const messageIds = new Map(annotations.map((annotation) => [annotation.id, annotation.messageId]));
  if (messageIds.size === 0) return [];
  const rows = await db.comparisons
    .where('a')
    .anyOf([...messageIds.keys()])
    .toArray();
  return rows.flatMap((row) => {
    const a = messageIds.get(row.a);
    const b = messageIds.get(row.b);
    if (row.deletedAt !== null || row.annotator !== annotator || !a || !b) return [];
    return [{ a, b, winner: row.winner, revision: row.revision }];
  });
}
