import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { type ExportRun, type ParquetSchema, type SplitName, summaryLine } from '../../../shared/export/index.ts';
import { ParquetRows } from './parquet-rows.ts';

/**
 * Streams one file of a run to `out` (an HTTP response): the `part` lines (as Parquet, a row group at
 * a time, when `parquet` gives the columns), or with `sidecar` their metadata ending in the summary.
 * Stops reading the store when `out` closes early, and cuts `out` on a failure so a reader never
 * sees a complete-looking file.
 */
export async function streamExport(
  out: Writable,
  run: ExportRun,
  choice: { part: SplitName; sidecar: boolean },
  parquet: ParquetSchema | null = null,
): Promise<void> {
  let closed = false;
  out.once('close', () => {
    closed = true;
  });
  const write = async (chunk: string | Uint8Array) => {
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
  };
  const rows = parquet === null || choice.sidecar ? null : new ParquetRows(parquet, write);
  try {
    for await (const record of run.records) {
      if (closed) break; // the client went away: stop reading the store
      if (record.split !== choice.part) continue;
      if (choice.sidecar) await write(record.meta);
      else if (rows) await rows.add(record.line, record.value);
      else await write(record.line);
    }
    if (closed) return;
    if (choice.sidecar) out.write(summaryLine(run.summary()));
    await rows?.finish();
    out.end();
  } catch (error) {
    // The status line is gone already: cut the connection so the client never sees a complete-looking file.
    out.destroy(error as Error);
  }
}
