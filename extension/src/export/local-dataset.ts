import type { Table } from 'dexie';
import { type ExportRecord, type ExportSummary, exportDataset, summaryLine } from '../../../shared/export/index.ts';
import type { Annotation, Comparison, ConversationRating, ExportOptions } from '../../../shared/index.ts';
import type { AppDB } from '../db/app-db.ts';
import { ChunkedText } from './chunked-text.ts';

/** Records read per IndexedDB round trip. */
const PAGE = 500;

/**
 * The live annotations in the order the companion's export reads them: by site, conversation id, then
 * sequence number (`recordOrder` mirrors the companion's numbering, see db/sync-tables.ts). The
 * same order gives the same bytes as `margin export` and `GET /api/v1/export` for the same data.
 * IndexedDB compares strings by UTF-16 code unit and SQLite by UTF-8 byte: the two orders differ only
 * for ids mixing characters above U+FFFF with ones in U+E000–U+FFFF, which site and conversation ids
 * (ASCII in practice) do not.
 */
export async function* annotationsInExportOrder(db: AppDB): AsyncGenerator<Annotation> {
  yield* inOrder(db, 'annotation', db.annotations as unknown as Table<Annotation, string>);
}

/** Live comparisons in the order the companion numbered them. */
export async function* comparisonsInExportOrder(db: AppDB): AsyncGenerator<Comparison> {
  yield* inOrder(db, 'comparison', db.comparisons as unknown as Table<Comparison, string>);
}

async function* inOrder<T extends Annotation | Comparison>(
  db: AppDB,
  kind: 'annotation' | 'comparison',
  table: Table<T, string>,
): AsyncGenerator<T> {
  // In IndexedDB's key order, [kind] sorts before every [kind, …] and [kind, []] after every
  // [kind, string, …] (arrays sort after strings): together they bound one kind.
  const upper = [kind, []];
  let lower: unknown[] = [kind];
  let includeLower = true;
  for (;;) {
    // Keyset paging: each page starts after the last key of the one before.
    const rows = await db.recordOrder
      .where('[kind+site+conversationId+seq]')
      .between(lower, upper, includeLower, true)
      .limit(PAGE)
      .toArray();
    if (rows.length === 0) return;
    const records = await table.bulkGet(rows.map((row) => row.id));
    for (const record of records) if (record && record.deletedAt === null) yield record;
    const last = rows[rows.length - 1] as (typeof rows)[number];
    lower = [last.kind, last.site, last.conversationId, last.seq];
    includeLower = false;
  }
}

/** The CLI's and the HTTP route's file name for a format: `margin-trl-dpo.jsonl`. */
export function datasetFileName(format: string, sidecar = false): string {
  return `margin-${format}${sidecar ? '.meta' : ''}.jsonl`;
}

const JSONL = 'application/jsonl';

export interface LocalDataset {
  /** The train file (all lines when there is no split), JSONL. */
  file: Blob;
  /** The sidecar (one line per line, then the summary), when asked for; null otherwise. */
  sidecar: Blob | null;
  summary: ExportSummary;
}

/**
 * Runs the shared export engine over this browser's annotations, with no companion involved. Split
 * exports keep the train part, like `GET /api/v1/export` without `part`. The files are built as Blobs
 * a chunk at a time, so the heap stays flat whatever their size; the sidecar's lines are only built
 * when it is asked for.
 */
export async function buildLocalDataset(
  db: AppDB,
  options: ExportOptions,
  { sidecar: withSidecar = false }: { sidecar?: boolean } = {},
): Promise<LocalDataset> {
  // Read whole (one small row per rated conversation): the engine indexes them before the annotations.
  const ratings: ConversationRating[] = await db.conversationRatings.toArray();
  const run = exportDataset(annotationsInExportOrder(db), comparisonsInExportOrder(db), options, ratings);
  const file = new ChunkedText();
  const sidecar = withSidecar ? new ChunkedText() : null;
  for await (const record of run.records as AsyncIterable<ExportRecord>) {
    if (record.split !== 'train') continue;
    file.append(record.line);
    sidecar?.append(record.meta);
  }
  const summary = run.summary();
  sidecar?.append(summaryLine(summary));
  return { file: file.toBlob(JSONL), sidecar: sidecar?.toBlob(JSONL) ?? null, summary };
}
