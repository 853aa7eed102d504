import type { AnnotationV1, Comparison } from '../../../shared/index.ts';
import { V1_ANNOTATIONS, V1_SCHEMA } from './dexie-v1.ts';

/**
 * A frozen copy of the extension's database at version 2 (sync, annotation schema v1): its schema and
 * rows as the extension stored them before annotation schema v2. Never edit: the version-3 upgrade
 * test opens this.
 */
export const V2_SCHEMA = {
  ...V1_SCHEMA,
  comparisons: 'id, a, b, updatedAt',
  outbox: '[kind+id], [state+queuedAt]',
  recordOrder: '[kind+id], [kind+site+conversationId+seq]',
  syncMeta: 'key',
};

export const V2_ANNOTATIONS: AnnotationV1[] = [
  ...V1_ANNOTATIONS,
  {
    ...(V1_ANNOTATIONS[0] as AnnotationV1),
    id: '5e5e5e5e-0000-4000-8000-000000000004',
    key: 'claude:4b1d-conv:m-ddd',
    messageId: 'm-ddd',
    metadata: { capturedFrom: 'selection', contextMissingTurns: 7 },
    deletedAt: '2026-08-31T08:00:00.000Z',
    revision: 5,
  },
];

export const V2_COMPARISONS: Comparison[] = [
  {
    schemaVersion: 1,
    id: 'c0c0c0c0-0000-4000-8000-000000000001',
    a: V1_ANNOTATIONS[0]?.id as string,
    b: V1_ANNOTATIONS[1]?.id as string,
    winner: 'b',
    annotator: 'me',
    createdAt: '2026-08-30T09:20:00.000Z',
    updatedAt: '2026-08-30T09:20:00.000Z',
    deletedAt: null,
    revision: 1,
  },
];

/** Outbox rows as version 2 kept them: a pending edit (an older version than the row), a rejected one, a comparison. */
export const V2_OUTBOX = [
  {
    kind: 'annotation',
    id: V1_ANNOTATIONS[0]?.id,
    record: { ...(V1_ANNOTATIONS[0] as AnnotationV1), revision: 2, metadata: { contextMissingTurns: 1 } },
    state: 'pending',
    queuedAt: 1_788_000_000_000,
  },
  {
    kind: 'annotation',
    id: V2_ANNOTATIONS[3]?.id,
    record: V2_ANNOTATIONS[3],
    state: 'rejected',
    issues: [{ path: 'url', message: 'Invalid URL' }],
    queuedAt: 1_788_000_000_001,
  },
  {
    kind: 'comparison',
    id: V2_COMPARISONS[0]?.id,
    record: V2_COMPARISONS[0],
    state: 'pending',
    queuedAt: 1_788_000_000_002,
  },
];

export const V2_RECORD_ORDER = V2_ANNOTATIONS.map((annotation, index) => ({
  kind: 'annotation',
  id: annotation.id,
  site: annotation.site,
  conversationId: annotation.conversationId,
  seq: index + 1,
}));

export const V2_SYNC_META = [
  { key: 'orderCounter', value: V2_ANNOTATIONS.length },
  { key: 'deviceId', value: 'device-frozen-v2' },
  { key: 'checkpoint', value: 41 },
];
