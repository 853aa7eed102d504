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
import type { SyncStore, WriteResult } from '../storage/store.ts';
import { type CheckedRecord, checkAnnotation, checkRecord } from '../sync/check-record.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

interface SyncDeps {
  store: SyncStore;
  clock: () => Date;
}

function checkAll<T>(check: (raw: unknown) => CheckedRecord<T>, raws: readonly unknown[]) {
  const checked = raws.map(check);
  const valid = checked.flatMap((item) => (item.ok ? [item.record] : []));
  return { checked, valid };
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

export function syncRoutes({ store, clock }: SyncDeps): RouteDefinition[] {
  return [
    defineRoute(API.sync.push, async ({ body: push }) => {
      const annotations = checkAll<Annotation>(checkAnnotation, push.annotations);
      const comparisons = checkAll<Comparison>((raw) => checkRecord(comparisonSchema, raw), push.comparisons);
      const ratings = checkAll<ConversationRating>(
        (raw) => checkRecord(conversationRatingSchema, raw),
        push.conversationRatings ?? [],
      );
      // One transaction for the whole batch, committed (and fsynced) before the 200 goes out.
      const applied = await store.applyChanges({
        deviceId: push.deviceId,
        receivedAt: clock().toISOString(),
        annotations: annotations.valid,
        comparisons: comparisons.valid,
        conversationRatings: ratings.valid,
      });
      const body: SyncPushResponse = {
        annotations: mergeResults(annotations.checked, applied.annotations) as AnnotationPushResult[],
        comparisons: mergeResults(comparisons.checked, applied.comparisons) as ComparisonPushResult[],
        checkpoint: applied.checkpoint,
      };
      // Only a client that sent the field hears about it: protocol-1 clients parse this strictly.
      if (push.conversationRatings !== undefined) {
        body.conversationRatings = mergeResults(
          ratings.checked,
          applied.conversationRatings,
        ) as ConversationRatingPushResult[];
      }
      return body;
    }),

    defineRoute(API.sync.pull, async ({ query }): Promise<SyncPullResponse> => {
      const { conversationRatings, ...page } = await store.changesSince(query.since, query.limit);
      // Opt-in (see syncPullQuerySchema): a protocol-1 client would refuse the unknown field.
      return query.conversationRatings === 'include' ? { ...page, conversationRatings } : page;
    }),
  ];
}
