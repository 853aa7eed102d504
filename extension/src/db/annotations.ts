import {
  ANNOTATION_SCHEMA_VERSION,
  type Annotation,
  annotationKey,
  annotationSchema,
  completenessMetadata,
  describeIssues,
  LIMITS,
  withoutCompleteness,
} from '../../../shared/index.ts';
import type { AnnotationInput, AnnotationState } from '../utils/annotation-input.ts';
import type { AppDB } from './app-db.ts';

export interface SaveContext {
  annotator: string;
  /** Tags every new annotation starts with (options page). */
  defaultTags: readonly string[];
  now: () => Date;
  newId: () => string;
}

/** A save that did not happen; `message` says why in words a person can act on. */
export class SaveError extends Error {
  override name = 'SaveError';
}

export function toState(annotation: Annotation): AnnotationState {
  const { messageId, thumb, score, comment, tags, correction, revision, updatedAt, variant, rubric } = annotation;
  return {
    messageId,
    thumb,
    score,
    comment,
    tags,
    correction,
    revision,
    updatedAt,
    variant,
    ...(rubric && { rubric }),
  };
}

/**
 * Creates or updates the annotation of one response for one annotator, in one transaction. Every save
 * raises `revision` by one and sets `updatedAt`; the capture (context, response, model) is refreshed
 * from the latest one. Resolves only after the transaction has committed.
 */
export async function saveAnnotation(db: AppDB, input: AnnotationInput, context: SaveContext): Promise<Annotation> {
  const { capture, changes } = input;
  const key = annotationKey(capture.site, capture.conversationId, capture.messageId);
  if (key.length > LIMITS.keyChars) throw new SaveError(`key: longer than ${LIMITS.keyChars} characters`);
  try {
    return await db.transaction('rw', db.annotations, async () => {
      const existing = await db.annotations.where({ key, annotator: context.annotator }).first();
      const now = context.now().toISOString();
      const { missingContextTurns, completeness, source, reasoning, ...captured } = capture;
      // Completeness describes the latest capture: its keys are replaced, never merged with an older one's.
      const metadata = {
        ...withoutCompleteness(existing?.metadata ?? {}),
        ...completenessMetadata({ ...completeness, unrenderedTurns: missingContextTurns }),
      };
      // Selected by hand ("Annotate selection"): the site's adapter did not find this response itself.
      if (source) metadata.capturedFrom = source;
      const candidate: Annotation = {
        schemaVersion: ANNOTATION_SCHEMA_VERSION,
        id: existing?.id ?? context.newId(),
        key,
        ...captured,
        // Absent when the page showed none: an empty block is no reasoning.
        ...(reasoning && { reasoning }),
        thumb: existing?.thumb ?? null,
        score: existing?.score ?? null,
        comment: existing?.comment ?? '',
        tags: existing?.tags ?? [...context.defaultTags],
        correction: existing?.correction ?? null,
        ...(existing?.rubric && { rubric: existing.rubric }),
        ...definedOnly(changes),
        metadata,
        annotator: context.annotator,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        deletedAt: null,
        revision: (existing?.revision ?? 0) + 1,
      };
      const parsed = annotationSchema.safeParse(candidate);
      if (!parsed.success) throw new SaveError(describeIssues(parsed.error));
      await db.annotations.put(parsed.data);
      return parsed.data;
    });
  } catch (error) {
    throw error instanceof SaveError ? error : new SaveError(storageErrorMessage(error));
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/**
 * What a person reads when a save fails in IndexedDB. Quota errors arrive as an AbortError whose
 * `inner` is the QuotaExceededError (dexie/Dexie.js#840). Margin holds `unlimitedStorage`, so what
 * usually runs out is the disk, and Chrome then only aborts the transaction (an AbortError or
 * UnknownError with nothing inside, seen in test/e2e/extension-disk-full.test.ts): say what is likely.
 */
export function storageErrorMessage(error: unknown): string {
  const names: unknown[] = [];
  for (let cause = error, depth = 0; cause && depth < 4; depth++) {
    names.push((cause as { name?: string }).name);
    cause = (cause as { inner?: unknown }).inner;
  }
  if (names.includes('QuotaExceededError')) return 'the browser has no storage space left for Margin';
  if (names.includes('AbortError') || names.includes('UnknownError')) {
    return 'the browser could not write to its storage; the disk may be full. What you entered is still here: free some space and save again';
  }
  return `storage failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** The live annotations of one conversation for one annotator. */
export async function listConversationAnnotations(
  db: AppDB,
  site: string,
  conversationId: string,
  annotator: string,
): Promise<Annotation[]> {
  const rows = await db.annotations.where({ site, conversationId }).toArray();
  return rows.filter((row) => row.annotator === annotator && row.deletedAt === null);
}
