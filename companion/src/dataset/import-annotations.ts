import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Annotation, type ConversationRating, conversationRatingSchema } from '../../../shared/index.ts';
import type { SyncStore } from '../storage/store.ts';
import { checkAnnotation, checkRecord } from '../sync/check-record.ts';
import { describeForeignRecord } from './foreign-lines.ts';

const BATCH_SIZE = 500;
/** Lines that are not annotations at all, reported one by one up to this many. */
const FOREIGN_REPORTS = 3;

export interface ImportSummary {
  lines: number;
  accepted: number;
  unchanged: number;
  superseded: number;
  rejected: number;
}

/**
 * Imports a JSONL file of annotations under the same conflict rule as sync, so importing a file twice
 * changes nothing. Bad lines are reported (line number, field, problem) and skipped; good lines are
 * stored in batches, each one transaction.
 */
export async function importAnnotations(
  store: SyncStore,
  file: string,
  deviceId: string,
  report: (problem: string) => void,
): Promise<ImportSummary> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  return importAnnotationLines(store, lines, deviceId, report);
}

/**
 * The import itself, over lines from anywhere (a file, or a backup the dashboard uploads in chunks).
 * `firstLine` numbers the first line, so a chunk's problems name lines of the whole file.
 */
export async function importAnnotationLines(
  store: SyncStore,
  lines: AsyncIterable<string> | Iterable<string>,
  deviceId: string,
  report: (problem: string) => void,
  firstLine = 1,
): Promise<ImportSummary> {
  const summary: ImportSummary = { lines: 0, accepted: 0, unchanged: 0, superseded: 0, rejected: 0 };
  let batch: Annotation[] = [];
  let ratings: ConversationRating[] = [];
  const flush = async () => {
    if (batch.length === 0 && ratings.length === 0) return;
    const applied = await store.applyChanges({
      deviceId,
      receivedAt: new Date().toISOString(),
      annotations: batch,
      comparisons: [],
      conversationRatings: ratings,
    });
    for (const result of [...applied.annotations, ...applied.conversationRatings]) summary[result.status] += 1;
    batch = [];
    ratings = [];
  };
  let lineNumber = firstLine - 1;
  let foreignReported = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    summary.lines += 1;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      summary.rejected += 1;
      report(`line ${lineNumber}: not valid JSON (${(error as Error).message})`);
      continue;
    }
    // A `raw` export's line carries its conversation's rating beside the annotation: a summary, not a
    // record (conversation ratings travel whole in backups), so the annotation is imported without it.
    if (typeof raw === 'object' && raw !== null && 'conversationRating' in raw && 'messageId' in raw) {
      const { conversationRating: _summary, ...annotation } = raw as Record<string, unknown>;
      raw = annotation;
    }
    if (isConversationRatingLine(raw)) {
      // A backup holds conversation ratings after the annotations, as whole records.
      const rating = checkRecord(conversationRatingSchema, raw);
      if (!rating.ok) {
        summary.rejected += 1;
        const problems = rating.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
        report(`line ${lineNumber}${rating.id ? ` (id ${rating.id})` : ''}: conversation rating: ${problems}`);
        continue;
      }
      ratings.push(rating.record);
      if (ratings.length >= BATCH_SIZE) await flush();
      continue;
    }
    const checked = checkAnnotation(raw);
    if (!checked.ok) {
      summary.rejected += 1;
      const foreign = describeForeignRecord(raw);
      if (foreign !== null) {
        // The same sentence for every line of a dataset file would bury the summary: say it once.
        if (foreignReported < FOREIGN_REPORTS) report(`line ${lineNumber}: ${foreign}`);
        else if (foreignReported === FOREIGN_REPORTS) report('… more lines like these are not reported one by one');
        foreignReported += 1;
        continue;
      }
      const problems = checked.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      report(`line ${lineNumber}${checked.id ? ` (id ${checked.id})` : ''}: ${problems}`);
      continue;
    }
    batch.push(checked.record);
    if (batch.length >= BATCH_SIZE) await flush();
  }
  await flush();
  return summary;
}

/** A whole conversation rating record (a backup line), told from an annotation by its fields. */
function isConversationRatingLine(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && 'rating' in raw && 'conversationId' in raw && !('messageId' in raw);
}
