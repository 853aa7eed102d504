import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { type ExportRun, type SplitName, summaryLine } from '../../../shared/export/index.ts';

/**
 * Streams one file of a run to `out` (an HTTP response): the `part` lines, or with `sidecar` their
 * metadata ending in the summary. Stops reading the store when `out` closes early, and cuts `out` on
 * a failure so a reader never sees a complete-looking file.
 */
export async function streamExport(
  out: Writable,
  run: ExportRun,
  choice: { part: SplitName; sidecar: boolean },
): Promise<void> {
  let closed = false;
  out.once('close', () => {
    closed = true;
  });
  try {
    for await (const record of run.records) {
      if (closed) break; // the client went away: stop reading the store
      if (record.split !== choice.part) continue;
      if (!out.write(choice.sidecar ? record.meta : record.line))
        await Promise.race([once(out, 'drain'), once(out, 'close')]);
    }
    if (closed) return;
    if (choice.sidecar) out.write(summaryLine(run.summary()));
    out.end();
  } catch (error) {
    // The status line is gone already: cut the connection so the client never sees a complete-looking file.
    out.destroy(error as Error);
  }
}
