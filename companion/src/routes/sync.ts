import {
  type Annotation,
  type AnnotationPushResult,
  API,
  type ApiIssue,
  type Comparison,
  type ComparisonPushResult,
  type ConversationRating,
  type ConversationRatingPushResult,
  comparisonSchema,
  conversationRatingSchema,
  type SyncPullResponse,
  type SyncPushResponse,
} from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { callerOf } from '../accounts/caller.ts';
import type { SyncStore, WriteResult } from '../storage/store.ts';
import { applyInTurns } from '../sync/apply-in-turns.ts';
import { type CheckedRecord, checkAnnotation, checkRecord } from '../sync/check-record.ts';
import { claimRecords, fillAnnotator, validIds } from '../sync/identity.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

interface SyncDeps {
  store: SyncStore;
  clock: () => Date;
  /** Where pushes are audited; left out (an app without accounts), they are not. */
  accounts?: Accounts | undefined;
  /** Records per write transaction (sync/apply-in-turns.ts); left out, the whole push in one. */
  recordsPerTransaction?: number | undefined;
}

function valid<T>(checked: CheckedRecord<T>[]): T[] {
  return checked.flatMap((item) => (item.ok ? [item.record] : []));
}

/** Puts rejected and stored results back in the order the client sent the records. */
function mergeResults<T extends { id: string }>(
  checked: CheckedRecord<T>[],
  written: WriteResult<T>[],
): Array<{ index: number; id: string | null; status: string; seq?: number; current?: T; issues?: ApiIssue[] }> {
  let next = 0;
  return checked.map((item, index) => {
    if (!item.ok) return { index, id: item.id, status: 'rejected', issues: item.issues };
    const result = written[next++] as WriteResult<T>;
    return { index, id: item.record.id, ...result };
  });
}

/** What a push did, counted for the audit log: created, edited and deleted annotations, and the rest. */
function pushCounts(
  annotations: CheckedRecord<Annotation>[],
  written: WriteResult<Annotation>[],
  comparisons: WriteResult<Comparison>[],
) {
  const counts = { created: 0, edited: 0, deleted: 0, unchanged: 0, superseded: 0, rejected: 0, comparisons: 0 };
  const stored = valid(annotations);
  counts.rejected = annotations.length - stored.length;
  written.forEach((result, index) => {
    const record = stored[index] as Annotation;
    if (result.status !== 'accepted') counts[result.status]++;
    else if (record.deletedAt !== null) counts.deleted++;
    else if (record.revision === 1) counts.created++;
    else counts.edited++;
  });
  counts.comparisons = comparisons.filter((result) => result.status === 'accepted').length;
  return counts;
}

export function syncRoutes({ store, clock, accounts, recordsPerTransaction }: SyncDeps): RouteDefinition[] {
  return [
    defineRoute(API.sync.push, async ({ body: push, res }) => {
      const caller = callerOf(res);
      const rawAnnotations = push.annotations.map((raw) => checkAnnotation(fillAnnotator(caller, raw)));
      const rawComparisons = push.comparisons.map((raw) => checkRecord(comparisonSchema, fillAnnotator(caller, raw)));
      const rawRatings = (push.conversationRatings ?? []).map((raw) =>
        checkRecord(conversationRatingSchema, fillAnnotator(caller, raw)),
      );
      // Whose records a push would overwrite: looked up before the write, so another user's push racing
      // this one could still create the same id first; its annotator then stays its own.
      const [annotationOwners, comparisonOwners, ratingOwners] = caller.personal
        ? [new Map<string, string>(), new Map<string, string>(), new Map<string, string>()]
        : await Promise.all([
            store.annotatorsOf('annotations', validIds(rawAnnotations)),
            store.annotatorsOf('comparisons', validIds(rawComparisons)),
            store.annotatorsOf('conversation_ratings', validIds(rawRatings)),
          ]);
      const annotations = claimRecords(caller, rawAnnotations, annotationOwners, 'annotation');
      const comparisons = claimRecords(caller, rawComparisons, comparisonOwners, 'comparison');
      const ratings = claimRecords<ConversationRating>(caller, rawRatings, ratingOwners, 'conversation rating');
      // Every turn committed (and fsynced) before the 200 goes out; readers get the loop between turns.
      const applied = await applyInTurns(
        store,
        {
          deviceId: push.deviceId,
          receivedAt: clock().toISOString(),
          annotations: valid(annotations),
          comparisons: valid(comparisons),
          conversationRatings: valid(ratings),
        },
        recordsPerTransaction ?? Number.POSITIVE_INFINITY,
      );
      const counts = pushCounts(annotations, applied.annotations, applied.comparisons);
      if (counts.created + counts.edited + counts.deleted + counts.comparisons + counts.rejected > 0) {
        await accounts?.log(caller.name, 'annotations.push', null, { deviceId: push.deviceId, ...counts });
      }
      const body: SyncPushResponse = {
        annotations: mergeResults(annotations, applied.annotations) as AnnotationPushResult[],
        comparisons: mergeResults(comparisons, applied.comparisons) as ComparisonPushResult[],
        checkpoint: applied.checkpoint,
      };
      // Only a client that sent the field hears about it: protocol-1 clients parse this strictly.
      if (push.conversationRatings !== undefined) {
        body.conversationRatings = mergeResults(ratings, applied.conversationRatings) as ConversationRatingPushResult[];
      }
      return body;
    }),

    defineRoute(API.sync.pull, async ({ query, res }): Promise<SyncPullResponse> => {
      const { conversationRatings, ...page } = await store.changesSince(query.since, query.limit);
      const caller = callerOf(res);
      const mine = <T extends { annotator: string }>(records: T[]) =>
        caller.personal || caller.role !== 'annotator'
          ? records
          : records.filter((record) => record.annotator === caller.name);
      // An annotator reads only their own work; the checkpoint still moves past the rest.
      const scoped = { ...page, annotations: mine(page.annotations), comparisons: mine(page.comparisons) };
      // Opt-in (see syncPullQuerySchema): a protocol-1 client would refuse the unknown field.
      return query.conversationRatings === 'include'
        ? { ...scoped, conversationRatings: mine(conversationRatings) }
        : scoped;
    }),
  ];
}
