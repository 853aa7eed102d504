import type { Annotation, Comparison, ConversationRating } from '../../../../shared/index.ts';
import type { WriteResult } from '../store.ts';
import type { Tx } from './connect.ts';
import { type Kind, planChanges, type StoredVersion, stateKey } from './plan-changes.ts';

const KINDS = ['annotation', 'comparison', 'conversation-rating'] as const;
const TABLE: Record<Kind, string> = {
  annotation: 'annotations',
  comparison: 'comparisons',
  'conversation-rating': 'conversation_ratings',
};
const EXTRA: Record<Kind, string[]> = {
  annotation: ['key', 'site', 'conversation_id'],
  comparison: ['a', 'b'],
  'conversation-rating': ['key', 'site', 'conversation_id'],
};
const COMMON = [
  'annotator',
  'revision',
  'updated_at',
  'updated_at_ms',
  'deleted_at',
  'device_id',
  'hash',
  'received_at',
  'body',
] as const;
const COMMON_TYPES = ['text', 'bigint', 'text', 'bigint', 'text', 'text', 'text', 'text', 'text'];

interface StoredRow {
  id: string;
  seq: number;
  revision: number;
  updated_at: string;
  updated_at_ms: number;
  deleted_at: string | null;
  annotator: string;
  device_id: string;
  hash: string;
  received_at: string;
}

function upsertSql(kind: Kind): string {
  const columns = ['id', 'seq', ...EXTRA[kind], ...COMMON];
  const types = ['text', 'bigint', ...EXTRA[kind].map(() => 'text'), ...COMMON_TYPES];
  const unnest = types.map((type, index) => `$${index + 1}::${type}[]`).join(', ');
  const set = columns
    .filter((column) => column !== 'id')
    .map((column) => `${column} = excluded.${column}`)
    .join(', ');
  return `INSERT INTO ${TABLE[kind]} (${columns.join(', ')}) SELECT * FROM unnest(${unnest})
    ON CONFLICT (id) DO UPDATE SET ${set}`;
}
const UPSERT: Record<Kind, string> = {
  annotation: upsertSql('annotation'),
  comparison: upsertSql('comparison'),
  'conversation-rating': upsertSql('conversation-rating'),
};

function columnArrays(kind: Kind, versions: StoredVersion[]): unknown[][] {
  return [
    versions.map((v) => v.id),
    versions.map((v) => v.seq),
    ...EXTRA[kind].map((column) => versions.map((v) => v.extra[column])),
    versions.map((v) => v.annotator),
    versions.map((v) => v.revision),
    versions.map((v) => v.updatedAt),
    versions.map((v) => v.updatedAtMs),
    versions.map((v) => v.deletedAt),
    versions.map((v) => v.deviceId),
    versions.map((v) => v.hash),
    versions.map((v) => v.receivedAt),
    versions.map((v) => v.body),
  ];
}

async function readCurrent(tx: Tx, kind: Kind, ids: string[], into: Map<string, StoredVersion>): Promise<void> {
  if (ids.length === 0) return;
  const rows = await tx.unsafe<StoredRow[]>(
    `SELECT id, seq, revision, updated_at, updated_at_ms, deleted_at, annotator, device_id, hash, received_at
     FROM ${TABLE[kind]} WHERE id = ANY($1::text[])`,
    [ids],
  );
  for (const row of rows) {
    into.set(stateKey(kind, row.id), {
      kind,
      id: row.id,
      seq: row.seq,
      revision: row.revision,
      updatedAt: row.updated_at,
      updatedAtMs: row.updated_at_ms,
      deletedAt: row.deleted_at,
      annotator: row.annotator,
      deviceId: row.device_id,
      hash: row.hash,
      receivedAt: row.received_at,
      body: undefined,
      extra: {},
    });
  }
}

/** Reads the bodies of stored rows the plan needs (versions going to history, current versions a loser is told about). */
async function readBodies(tx: Tx, versions: StoredVersion[]): Promise<void> {
  for (const kind of KINDS) {
    const missing = versions.filter((v) => v.kind === kind && v.body === undefined);
    if (missing.length === 0) continue;
    const rows = await tx.unsafe<{ id: string; body: string }[]>(
      `SELECT id, body FROM ${TABLE[kind]} WHERE id = ANY($1::text[])`,
      [[...new Set(missing.map((v) => v.id))]],
    );
    const bodies = new Map(rows.map((row) => [row.id, row.body]));
    for (const version of missing) version.body = bodies.get(version.id);
  }
}

export interface WrittenVersions {
  annotations: WriteResult<Annotation>[];
  comparisons: WriteResult<Comparison>[];
  conversationRatings: WriteResult<ConversationRating>[];
  checkpoint: number;
}

/**
 * Stores `incoming` (already in their stored form, see `toVersion`) in the transaction `tx` under the
 * conflict rule, and records `devices` as seen. It first locks the sequence counter: writers then run
 * one at a time and commit in the order of the numbers they hand out, which is what keeps a pull by
 * checkpoint from missing a change (docs/postgres.md, "The sequence gap").
 */
export async function writeVersions(
  tx: Tx,
  incoming: readonly StoredVersion[],
  devices: ReadonlyArray<{ id: string; at: string }>,
): Promise<WrittenVersions> {
  const [counter] = await tx<{ last_seq: number }[]>`SELECT last_seq FROM sync_sequence FOR UPDATE`;
  const current = new Map<string, StoredVersion>();
  for (const kind of KINDS) {
    const ids = [...new Set(incoming.filter((v) => v.kind === kind).map((v) => v.id))];
    await readCurrent(tx, kind, ids, current);
  }
  const plan = planChanges(incoming, current, counter?.last_seq ?? 0);
  const needBodies = [
    ...plan.history.map((entry) => entry.version),
    ...plan.results.flatMap(({ result }) => ('of' in result ? [result.of] : [])),
  ];
  await readBodies(tx, needBodies);

  const writes: Promise<unknown>[] = [];
  for (const kind of KINDS) {
    const versions = [...plan.writes.values()].filter((v) => v.kind === kind);
    if (versions.length > 0) writes.push(tx.unsafe(UPSERT[kind], columnArrays(kind, versions)));
  }
  const seen = new Set<string>();
  const history = plan.history.filter(({ version }) => {
    const key = `${stateKey(version.kind, version.id)}\u0000${version.hash}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (history.length > 0) {
    const v = history.map((entry) => entry.version);
    writes.push(
      tx.unsafe(
        `INSERT INTO history (kind, id, hash, revision, updated_at, deleted_at, device_id, received_at, superseded_at, body)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[],
           $8::text[], $9::text[], $10::text[])
         ON CONFLICT DO NOTHING`,
        [
          v.map((x) => x.kind),
          v.map((x) => x.id),
          v.map((x) => x.hash),
          v.map((x) => x.revision),
          v.map((x) => x.updatedAt),
          v.map((x) => x.deletedAt),
          v.map((x) => x.deviceId),
          v.map((x) => x.receivedAt),
          history.map((entry) => entry.supersededAt),
          v.map((x) => x.body),
        ],
      ),
    );
  }
  // One row per device (the last time wins): an upsert may not touch a row twice.
  const lastSeen = new Map(devices.map((device) => [device.id, device.at]));
  if (lastSeen.size > 0) {
    writes.push(
      tx.unsafe(
        `INSERT INTO devices (id, first_seen, last_seen) SELECT id, at, at FROM unnest($1::text[], $2::text[]) AS d (id, at)
         ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen`,
        [[...lastSeen.keys()], [...lastSeen.values()]],
      ),
    );
  }
  if (plan.lastSeq !== counter?.last_seq) writes.push(tx`UPDATE sync_sequence SET last_seq = ${plan.lastSeq}`);
  // Sent together: one round trip for every write of the batch.
  await Promise.all(writes);

  const results: WrittenVersions = {
    annotations: [],
    comparisons: [],
    conversationRatings: [],
    checkpoint: plan.lastSeq,
  };
  for (const { kind, result } of plan.results) {
    const final =
      'of' in result
        ? { status: 'superseded' as const, seq: result.seq, current: JSON.parse(result.of.body as string) }
        : result;
    if (kind === 'annotation') results.annotations.push(final as WriteResult<Annotation>);
    else if (kind === 'comparison') results.comparisons.push(final as WriteResult<Comparison>);
    else results.conversationRatings.push(final as WriteResult<ConversationRating>);
  }
  return results;
}
