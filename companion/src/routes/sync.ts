import { Router } from 'express';
import type { z } from 'zod';
import {
  type Annotation,
  type AnnotationPushResult,
  type ApiIssue,
  annotationSchema,
  type Comparison,
  type ComparisonPushResult,
  comparisonSchema,
  SYNC_ROUTES,
  type SyncPullResponse,
  type SyncPushResponse,
  syncPullQuerySchema,
  syncPushRequestSchema,
} from '../../../shared/index.ts';
import type { SyncStore, WriteResult } from '../storage/store.ts';
import { parseOrThrow } from '../support/http-error.ts';
import { type CheckedRecord, checkRecord } from '../sync/check-record.ts';

interface SyncDeps {
  store: SyncStore;
  clock: () => Date;
}

function checkAll<T>(schema: z.ZodType<T>, raws: readonly unknown[]) {
  const checked = raws.map((raw) => checkRecord(schema, raw));
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

export function syncRouter({ store, clock }: SyncDeps): Router {
  const router = Router();

  router.post(SYNC_ROUTES.push.path, (req, res) => {
    const push = parseOrThrow(syncPushRequestSchema, req.body, 'push');
    const annotations = checkAll<Annotation>(annotationSchema, push.annotations);
    const comparisons = checkAll<Comparison>(comparisonSchema, push.comparisons);
    // One transaction for the whole batch, committed (and fsynced) before the 200 goes out.
    const applied = store.applyChanges({
      deviceId: push.deviceId,
      receivedAt: clock().toISOString(),
      annotations: annotations.valid,
      comparisons: comparisons.valid,
    });
    const body: SyncPushResponse = {
      annotations: mergeResults(annotations.checked, applied.annotations) as AnnotationPushResult[],
      comparisons: mergeResults(comparisons.checked, applied.comparisons) as ComparisonPushResult[],
      checkpoint: applied.checkpoint,
    };
    res.json(body);
  });

  router.get(SYNC_ROUTES.pull.path, (req, res) => {
    const query = parseOrThrow(syncPullQuerySchema, req.query, 'query');
    const page: SyncPullResponse = store.changesSince(query.since, query.limit);
    res.json(page);
  });

  return router;
}
