import type { DatabaseTarget } from '../storage/open-database.ts';
import { openDatabase } from '../storage/open-database.ts';
import { pgText } from '../storage/postgres/connect.ts';
import { type BatchPlan, type CopyEndpoint, historyRowOf } from './copy-endpoint.ts';
import { COPY_KINDS, type CopyKind, type Row } from './copy-kinds.ts';
import { postgresEndpoint } from './postgres-endpoint.ts';
import { sqliteEndpoint } from './sqlite-endpoint.ts';

/** What happened to the rows of one kind. */
export interface KindCounts {
  label: string;
  read: number;
  added: number;
  /** Target rows replaced by a newer version the source holds (the older one kept in history). */
  updated: number;
  unchanged: number;
  /** The target already holds a newer version than the source's. */
  targetNewer: number;
  conflicts: number;
}

export interface CopyConflict {
  kind: string;
  key: string;
  reason: string;
}

export interface CopyResult {
  kinds: KindCounts[];
  /** Up to 100, for the report; `kinds[].conflicts` counts them all. */
  conflicts: CopyConflict[];
}

export interface CopyProgress {
  kind: string;
  /** Rows read so far over every kind, and how many there are in all (counted before the copy). */
  done: number;
  total: number;
}

export const COPY_BATCH = 500;

function openEndpoint(target: DatabaseTarget): CopyEndpoint {
  return target.kind === 'postgres' ? postgresEndpoint(target.url) : sqliteEndpoint(target.path);
}

/** Opens (migrating) each side, with errors that say which side failed; refuses a store copied onto itself. */
export async function openCopyEnds(from: DatabaseTarget, to: DatabaseTarget): Promise<[CopyEndpoint, CopyEndpoint]> {
  const opened: CopyEndpoint[] = [];
  try {
    for (const [flag, target] of [
      ['--from', from],
      ['--to', to],
    ] as const) {
      // The stores' own opening: creates and migrates the schema, and refuses a newer one than this Margin's.
      const stores = await openDatabase(target).catch((error: Error) => {
        throw new Error(`${flag}: ${error.message}`);
      });
      await stores.close();
      opened.push(openEndpoint(target));
    }
    const [source, destination] = opened as [CopyEndpoint, CopyEndpoint];
    if ((await source.identity()) === (await destination.identity())) {
      throw new Error(`--from and --to are the same database (${source.location}): nothing to copy`);
    }
    return [source, destination];
  } catch (error) {
    for (const end of opened) await end.close();
    throw error;
  }
}

/** Two rows are the same once both are what PostgreSQL can hold (U+0000 in a column becomes U+FFFD there). */
function sameRow(kind: CopyKind, a: Row, b: Row): boolean {
  const norm = (value: unknown) => (typeof value === 'string' ? pgText(value) : (value ?? null));
  return kind.columns.every((column) => column === 'seq' || norm(a[column]) === norm(b[column]));
}

const keyOf = (columns: readonly string[], row: Row) => columns.map((column) => pgText(String(row[column])));
const keyText = (columns: readonly string[], row: Row) => keyOf(columns, row).join('\u0001');

/**
 * Copies every kind of copy-kinds.ts from `source` to `target`, batch by batch (each batch one
 * transaction in the target), never overwriting a target row the source has not seen: see
 * docs/team.md, "Copying a store". Running it again adds only what is new. The source is read in one
 * snapshot, so a companion writing to it meanwhile cannot make the copy hold half of a change.
 */
export async function copyStore(
  source: CopyEndpoint,
  target: CopyEndpoint,
  options: { onProgress?: (progress: CopyProgress) => void; now?: () => Date } = {},
): Promise<CopyResult> {
  const endSnapshot = await source.snapshot();
  try {
    return await copyKinds(source, target, options);
  } finally {
    await endSnapshot();
  }
}

async function copyKinds(
  source: CopyEndpoint,
  target: CopyEndpoint,
  options: { onProgress?: (progress: CopyProgress) => void; now?: () => Date },
): Promise<CopyResult> {
  const now = options.now ?? (() => new Date());
  let total = 0;
  for (const kind of COPY_KINDS) total += await source.count(kind);
  const result: CopyResult = { kinds: [], conflicts: [] };
  let done = 0;
  for (const kind of COPY_KINDS) {
    const counts: KindCounts = {
      label: kind.label,
      read: 0,
      added: 0,
      updated: 0,
      unchanged: 0,
      targetNewer: 0,
      conflicts: 0,
    };
    result.kinds.push(counts);
    const conflict = (row: Row, reason: string) => {
      counts.conflicts += 1;
      if (result.conflicts.length < 100)
        result.conflicts.push({ kind: kind.label, key: keyOf(kind.key, row).join(' / '), reason });
    };
    let after: unknown[] | undefined;
    for (;;) {
      const page = await source.readPage(kind, after, COPY_BATCH);
      if (page.rows.length === 0) break;
      after = page.last;
      counts.read += page.rows.length;
      const plan = await planBatch(kind, page.rows, source, target, counts, conflict, now().toISOString());
      const added = await target.write(kind, plan);
      if (kind.mode === 'keep') {
        counts.added += added;
        counts.unchanged += plan.ignoring.length - added;
      }
      done += page.rows.length;
      options.onProgress?.({ kind: kind.label, done, total });
    }
  }
  return result;
}

async function planBatch(
  kind: CopyKind,
  rows: Row[],
  source: CopyEndpoint,
  target: CopyEndpoint,
  counts: KindCounts,
  conflict: (row: Row, reason: string) => void,
  supersededAt: string,
): Promise<BatchPlan> {
  const plan: BatchPlan = { ignoring: [], writes: [], history: [] };
  if (kind.mode === 'keep') {
    plan.ignoring = rows;
    return plan;
  }
  const existing = new Map(
    (
      await target.find(
        kind,
        kind.key,
        rows.map((row) => kind.key.map((column) => row[column])),
      )
    ).map((row) => [keyText(kind.key, row), row]),
  );
  // A row new by its key may still clash on another unique column (a review's idempotency key).
  const taken = kind.unique
    ? new Map(
        (
          await target.find(
            kind,
            [kind.unique],
            rows.filter((row) => row[kind.unique as string] != null).map((row) => [row[kind.unique as string]]),
          )
        ).map((row) => [pgText(String(row[kind.unique as string])), keyText(kind.key, row)]),
      )
    : new Map<string, string>();
  for (const row of rows) {
    const current = existing.get(keyText(kind.key, row));
    if (current === undefined) {
      const unique = kind.unique ? row[kind.unique] : null;
      if (unique != null && taken.has(pgText(String(unique)))) {
        conflict(row, `its ${kind.unique} is already used by ${taken.get(pgText(String(unique)))} in the target`);
        continue;
      }
      plan.writes.push({ op: 'insert', row });
      counts.added += 1;
      continue;
    }
    if (sameRow(kind, row, current)) {
      counts.unchanged += 1;
      continue;
    }
    if (kind.mode === 'versioned')
      await planVersion(kind, row, current, source, target, plan, counts, conflict, supersededAt);
    else if (kind.mode === 'review' && current.status === 'pending' && row.status !== 'pending') {
      plan.writes.push({ op: 'update', row });
      counts.updated += 1;
    } else if (kind.mode === 'review' && row.status === 'pending' && current.status !== 'pending') {
      counts.targetNewer += 1;
    } else {
      conflict(
        row,
        kind.mode === 'review'
          ? `decided differently (${current.status} in the target, ${row.status} here)`
          : 'differs from the row in the target',
      );
    }
  }
  return plan;
}

/**
 * A current version that differs from the target's: the target is behind when the source's history
 * holds the target's version (it moves to the target's history, the source's becomes current), ahead
 * when the target's history holds the source's, and otherwise the two were edited apart: a conflict.
 */
async function planVersion(
  kind: CopyKind,
  row: Row,
  current: Row,
  source: CopyEndpoint,
  target: CopyEndpoint,
  plan: BatchPlan,
  counts: KindCounts,
  conflict: (row: Row, reason: string) => void,
  supersededAt: string,
): Promise<void> {
  const history = COPY_KINDS.find((candidate) => candidate.table === 'history') as CopyKind;
  const version = (of: Row) => [[kind.historyKind, of.id, of.hash]];
  if ((await target.find(history, history.key, version(row))).length > 0) {
    counts.targetNewer += 1;
    return;
  }
  if ((await source.find(history, history.key, version(current))).length > 0) {
    plan.history.push(historyRowOf(kind, current, supersededAt));
    plan.writes.push({ op: 'update', row });
    counts.updated += 1;
    return;
  }
  conflict(
    row,
    `edited apart: revision ${String(row.revision)} here, revision ${String(current.revision)} in the target, neither has seen the other`,
  );
}
