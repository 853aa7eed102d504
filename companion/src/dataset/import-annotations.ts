import { type Annotation, type ConversationRating, conversationRatingSchema } from '../../../shared/index.ts';
import type { ChangeSet, SyncStore } from '../storage/store.ts';
import { checkAnnotation, checkRecord } from '../sync/check-record.ts';
import { describeForeignRecord } from './foreign-lines.ts';
import { readLinesSync } from './read-lines-sync.ts';

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

/** What one line of an import file is: nothing (blank), a record, or a problem to report. */
export type CheckedLine =
  | { kind: 'blank' }
  | { kind: 'annotation'; record: Annotation }
  | { kind: 'rating'; record: ConversationRating }
  | { kind: 'problem'; message: string; foreign: boolean };

/**
 * Imports a JSONL file of annotations (and conversation ratings) under the same conflict rule as sync,
 * so importing a file twice changes nothing. All or nothing: the whole file is checked first, and one
 * bad line (reported with its number, field and problem) stores nothing; a good file is applied in one
 * transaction, read from disk again a batch at a time, so a kill or a full disk leaves the store as it
 * was and memory does not grow with the file.
 */
export async function importAnnotations(
  store: SyncStore,
  file: string,
  deviceId: string,
  report: (problem: string) => void,
): Promise<ImportSummary> {
  const checked = await checkImportLines(readLinesSync(file), report);
  if (checked.rejected > 0) return { ...checked, accepted: 0, unchanged: 0, superseded: 0 };
  const counts = await store.applyAllChanges(stagedChanges(file, deviceId, new Date().toISOString()));
  return { ...checked, ...counts };
}

/**
 * Checks lines without storing anything: how many records there are and how many were rejected, each
 * problem reported. `firstLine` numbers the first line, so a chunk's problems name lines of the whole
 * file; `foreign` carries the count of "not an annotation" lines across chunks.
 */
export async function checkImportLines(
  lines: AsyncIterable<string> | Iterable<string>,
  report: (problem: string) => void,
  firstLine = 1,
  foreign = { reported: 0 },
): Promise<{ lines: number; rejected: number }> {
  const counts = { lines: 0, rejected: 0 };
  let lineNumber = firstLine - 1;
  for await (const line of lines) {
    lineNumber += 1;
    const checked = checkImportLine(line, lineNumber);
    if (checked.kind === 'blank') continue;
    counts.lines += 1;
    if (checked.kind !== 'problem') continue;
    counts.rejected += 1;
    if (!checked.foreign) report(checked.message);
    // The same sentence for every line of a dataset file would bury the summary: say it a few times.
    else if (foreign.reported < FOREIGN_REPORTS) report(checked.message);
    else if (foreign.reported === FOREIGN_REPORTS) report('… more lines like these are not reported one by one');
    if (checked.foreign) foreign.reported += 1;
  }
  return counts;
}

/**
 * The records of a checked file as change sets of BATCH_SIZE, read synchronously a piece at a time
 * (for `applyAllChanges`). A line that no longer passes (the file changed since it was checked)
 * throws, which rolls the whole import back.
 */
export function* stagedChanges(path: string, deviceId: string, receivedAt: string): Generator<ChangeSet> {
  let annotations: Annotation[] = [];
  let conversationRatings: ConversationRating[] = [];
  const batch = (): ChangeSet => ({ deviceId, receivedAt, annotations, comparisons: [], conversationRatings });
  let lineNumber = 0;
  for (const line of readLinesSync(path)) {
    lineNumber += 1;
    const checked = checkImportLine(line, lineNumber);
    if (checked.kind === 'blank') continue;
    if (checked.kind === 'problem') throw new Error(`${checked.message} (the file changed while it was imported)`);
    if (checked.kind === 'annotation') annotations.push(checked.record);
    else conversationRatings.push(checked.record);
    if (annotations.length + conversationRatings.length >= BATCH_SIZE) {
      yield batch();
      annotations = [];
      conversationRatings = [];
    }
  }
  if (annotations.length + conversationRatings.length > 0) yield batch();
}

/** One line of an import file, checked: what it holds, or what is wrong with it ("line 12: score: …"). */
export function checkImportLine(line: string, lineNumber: number): CheckedLine {
  if (line.trim() === '') return { kind: 'blank' };
  const problem = (message: string, foreign = false): CheckedLine => ({
    kind: 'problem',
    message: `line ${lineNumber}${message}`,
    foreign,
  });
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return problem(`: not valid JSON (${(error as Error).message})`);
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
    if (rating.ok) return { kind: 'rating', record: rating.record };
    const problems = rating.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return problem(`${rating.id ? ` (id ${rating.id})` : ''}: conversation rating: ${problems}`);
  }
  const checked = checkAnnotation(raw);
  if (checked.ok) return { kind: 'annotation', record: checked.record };
  const foreign = describeForeignRecord(raw);
  if (foreign !== null) return problem(`: ${foreign}`, true);
  const problems = checked.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return problem(`${checked.id ? ` (id ${checked.id})` : ''}: ${problems}`);
}

/** A whole conversation rating record (a backup line), told from an annotation by its fields. */
function isConversationRatingLine(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && 'rating' in raw && 'conversationId' in raw && !('messageId' in raw);
}
