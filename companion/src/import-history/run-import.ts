import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import {
  type Annotation,
  type Comparison,
  emptyImportSummary,
  type HistorySourceChoice,
  type ImportRun,
  type ImportSummary,
  type Item,
  toEpoch,
} from '../../../shared/index.ts';
import { conversationMarkKey, type ItemStore } from '../storage/item-store.ts';
import type { SyncStore } from '../storage/store.ts';
import { buildAnnotation, buildComparison, buildItem, importedAnnotationId } from './build-records.ts';
import { openExportInput } from './export-input.ts';
import { ImportError } from './import-error.ts';
import { addCount, type ImportedConversation, type ImportedResponse } from './records.ts';
import { interruptAbandonedRuns, RUN_HEARTBEAT_MS } from './run-lease.ts';
import { detectSource, HISTORY_SOURCES, type HistorySource } from './sources.ts';

/** The device id recorded with the annotations and comparisons an import writes. */
export const HISTORY_IMPORT_DEVICE_ID = 'history-import';
/** The extension's default annotator name: whose ratings the file holds when nothing says otherwise. */
export const DEFAULT_LOCAL_ANNOTATOR = 'me';
const BATCH_CONVERSATIONS = 200;
const BATCH_RESPONSES = 1_000;
const RUN_UPDATE_MS = 500;

export interface HistoryImportDeps {
  store: SyncStore;
  items: ItemStore;
  clock?: () => Date;
}

export interface HistoryImportOptions {
  /** The export on disk: a ZIP, a folder or one JSON file. */
  file: string;
  /** The name shown for it (an upload's original name); the file's own name by default. */
  fileName?: string;
  source: HistorySourceChoice;
  /** Only responses written at or after this ISO date or date-time. */
  since?: string;
  dryRun?: boolean;
  /** Whose ratings the file holds; the extension's annotator (else `me`) by default. */
  annotator?: string;
  runId?: string;
  /** Aborting stops the import after the batch in progress (a resumable stop). */
  signal?: AbortSignal;
  /** Called as bytes are read and batches stored; the summary object is live, copy what you keep. */
  onProgress?: (summary: ImportSummary) => void;
}

export interface HistoryImportResult {
  run: ImportRun;
  summary: ImportSummary;
  annotator: string;
}

interface Pending {
  conversations: ImportedConversation[];
  responses: number;
}

/**
 * Imports one chat export (docs/history-import.md): streams it one conversation at a time and stores
 * it in batches (annotations and comparisons through the sync write path first, then the items and
 * the conversations' fingerprints), so a stop or a kill loses at most the batch in progress and a
 * rerun completes it. Bad input throws an ImportError after storing everything read before it.
 */
export async function importHistory(
  deps: HistoryImportDeps,
  options: HistoryImportOptions,
): Promise<HistoryImportResult> {
  const clock = deps.clock ?? (() => new Date());
  const summary = emptyImportSummary();
  const dryRun = options.dryRun ?? false;
  const started = clock().toISOString();
  const run: ImportRun = {
    id: options.runId ?? randomUUID(),
    source: options.source,
    file: options.fileName ?? basename(options.file),
    status: 'running',
    dryRun,
    startedAt: started,
    updatedAt: started,
    finishedAt: null,
    summary,
    error: null,
  };
  const annotator = options.annotator ?? (await deps.items.captureAnnotator()) ?? DEFAULT_LOCAL_ANNOTATOR;
  // A run whose process died before this one started reads as interrupted from now on.
  await interruptAbandonedRuns(deps.items, clock());
  await deps.items.startRun(run);
  let lastUpdate = Date.now();
  /** Run updates go out one after another, so a heartbeat in flight never lands after the final status. */
  let runWrites = Promise.resolve();
  const saveRun = (status: ImportRun['status'], error: string | null = null, force = false): Promise<void> => {
    if (!force && Date.now() - lastUpdate < RUN_UPDATE_MS) return Promise.resolve();
    lastUpdate = Date.now();
    const now = clock();
    // A failed heartbeat does not fail the updates queued after it.
    runWrites = runWrites
      .catch(() => {})
      .then(async () => {
        await deps.items.updateRun(run.id, { status, summary, error, now });
        Object.assign(run, {
          status,
          error,
          updatedAt: now.toISOString(),
          finishedAt: status === 'running' ? null : now.toISOString(),
        });
      });
    return runWrites;
  };
  // The lease (run-lease.ts): touched while a long batch or a slow read keeps the flushes apart.
  const heartbeat = setInterval(() => {
    if (Date.now() - lastUpdate >= RUN_HEARTBEAT_MS) saveRun('running', null, true).catch(() => {});
  }, RUN_HEARTBEAT_MS);
  heartbeat.unref();
  const pending: Pending = { conversations: [], responses: 0 };
  let source: HistorySource | undefined;
  const flush = async () => {
    if (!source || pending.conversations.length === 0) return;
    const batch = pending.conversations;
    pending.conversations = [];
    pending.responses = 0;
    await storeBatch(deps, batch, { source, annotator, summary, dryRun, runId: run.id, since: options.since, clock });
    options.onProgress?.(summary);
    await saveRun('running');
  };
  const input = await openExportInput(options.file, options.fileName ?? options.file).catch(async (error: unknown) => {
    clearInterval(heartbeat);
    await saveRun('failed', (error as Error).message, true);
    throw error;
  });
  try {
    source = HISTORY_SOURCES[options.source === 'auto' ? await detectSource(input) : options.source];
    summary.source = source.id;
    const onBytes = (bytes: number) => {
      summary.bytes.read += bytes;
      options.onProgress?.(summary);
    };
    for await (const event of source.read(input, { onBytes })) {
      if (event.kind === 'total') summary.bytes.total = event.bytes;
      else if (event.kind === 'file') summary.files.push(event.name);
      else if (event.kind === 'skipped') addCount(summary.skipped, event.reason, event.count);
      else {
        pending.conversations.push(event.conversation);
        pending.responses += event.conversation.responses.length;
        if (pending.conversations.length >= BATCH_CONVERSATIONS || pending.responses >= BATCH_RESPONSES) {
          await flush();
          if (options.signal?.aborted) break;
        }
      }
    }
    await flush();
    const reasons = Object.keys(summary.skipped);
    if (summary.conversations.read === 0 && reasons.length > 0 && !options.signal?.aborted) {
      throw new ImportError(
        input.label,
        `no ${source.label} conversation in it (${reasons.join(', ')}): is it a ${source.label} export? ` +
          'Without --source, Margin recognizes the export itself',
      );
    }
    const status = options.signal?.aborted ? 'interrupted' : 'done';
    clearInterval(heartbeat);
    await saveRun(status, null, true);
    return { run: { ...run, summary: structuredClone(summary) }, summary, annotator };
  } catch (error) {
    // What was read before the problem is whole: keep it.
    await flush().catch(() => {});
    clearInterval(heartbeat);
    await saveRun('failed', (error as Error).message, true);
    throw error;
  } finally {
    clearInterval(heartbeat);
    await input.close();
  }
}

interface BatchContext {
  source: HistorySource;
  annotator: string;
  summary: ImportSummary;
  dryRun: boolean;
  runId: string;
  since: string | undefined;
  clock: () => Date;
}

/** Drops what `--since` leaves out; returns false when the whole conversation is older. */
function applySince(conversation: ImportedConversation, since: number, summary: ImportSummary): boolean {
  if (conversation.updatedAt !== null && Date.parse(conversation.updatedAt) < since) {
    addCount(summary.skipped, 'conversation before --since');
    return false;
  }
  const kept = conversation.responses.filter((response) => Date.parse(response.createdAt) >= since);
  addCount(summary.skipped, 'response before --since', conversation.responses.length - kept.length);
  conversation.responses = kept;
  return true;
}

async function storeBatch(
  deps: HistoryImportDeps,
  batch: ImportedConversation[],
  context: BatchContext,
): Promise<void> {
  const { source, annotator, summary, dryRun } = context;
  const since = context.since === undefined ? undefined : toEpoch(context.since);
  const fingerprintOf = (conversation: ImportedConversation) =>
    context.since === undefined ? conversation.fingerprint : `${conversation.fingerprint}@${context.since}`;
  summary.conversations.read += batch.length;
  const stored = await deps.items.fingerprints(batch);
  const fresh = batch.filter((conversation) => {
    const unchanged =
      stored.get(conversationMarkKey(conversation.site, conversation.conversationId)) === fingerprintOf(conversation);
    if (unchanged) summary.conversations.unchanged += 1;
    return !unchanged && (since === undefined || applySince(conversation, since, summary));
  });
  summary.conversations.imported += fresh.length;

  const items: Item[] = [];
  /** Responses that get an annotation: rated in the file, or a side of a comparison. */
  const annotated = new Map<string, { item: Item; response: ImportedResponse }>();
  for (const conversation of fresh) {
    for (const [reason, count] of Object.entries(conversation.skipped)) addCount(summary.skipped, reason, count);
    const byMessage = new Map<string, { item: Item; response: ImportedResponse }>();
    for (const response of conversation.responses) {
      summary.responses.read += 1;
      const built = buildItem(response, source);
      if ('skip' in built) {
        addCount(summary.skipped, built.skip);
        continue;
      }
      items.push(built);
      byMessage.set(response.messageId, { item: built, response });
      if (response.rating) {
        summary.ratings.read += 1;
        annotated.set(built.key, { item: built, response });
      }
    }
    for (const comparison of conversation.comparisons) {
      for (const side of [comparison.a, comparison.b]) {
        const found = byMessage.get(side);
        if (found) annotated.set(found.item.key, found);
      }
    }
  }

  const candidates = [...annotated.values()].map(({ item, response }) => ({
    key: item.key,
    id: importedAnnotationId(item.key, annotator, source),
    item,
    response,
  }));
  const existing = await deps.items.existingRecordIds(
    'annotation',
    candidates.map((candidate) => candidate.id),
  );
  const live = await deps.items.liveAnnotationIds(
    candidates.map((candidate) => candidate.key),
    annotator,
  );
  const annotationIdByKey = new Map<string, string>();
  const annotations: Annotation[] = [];
  for (const { key, id, item, response } of candidates) {
    const rated = response.rating !== undefined;
    const liveId = live.get(key);
    if (existing.has(id)) {
      annotationIdByKey.set(key, id);
      if (rated) summary.ratings.present += 1;
    } else if (liveId !== undefined) {
      // The person rated this response in Margin already: theirs stands, and comparisons name it.
      annotationIdByKey.set(key, liveId);
      if (rated) summary.ratings.alreadyAnnotated += 1;
    } else {
      const annotation = buildAnnotation(item, response.rating, annotator, source, response.modelSource);
      if ('skip' in annotation) {
        addCount(summary.skipped, annotation.skip);
        continue;
      }
      annotationIdByKey.set(key, annotation.id);
      annotations.push(annotation);
      if (rated) summary.ratings.added += 1;
    }
  }

  const comparisons: Comparison[] = [];
  for (const conversation of fresh) {
    for (const comparison of conversation.comparisons) {
      summary.comparisons.read += 1;
      const keyOf = (messageId: string) => `${source.site}:${conversation.conversationId}:${messageId}`;
      const a = annotationIdByKey.get(keyOf(comparison.a));
      const b = annotationIdByKey.get(keyOf(comparison.b));
      if (!a || !b || a === b) {
        addCount(summary.skipped, 'comparison whose responses are not both in the export');
        continue;
      }
      const built = buildComparison(comparison, { a, b }, source.site, conversation.conversationId, context.annotator);
      if ('skip' in built) addCount(summary.skipped, built.skip);
      else comparisons.push(built);
    }
  }
  const existingComparisons = await deps.items.existingRecordIds(
    'comparison',
    comparisons.map((comparison) => comparison.id),
  );
  const newComparisons = comparisons.filter((comparison) => !existingComparisons.has(comparison.id));
  summary.comparisons.present += comparisons.length - newComparisons.length;
  summary.comparisons.added += newComparisons.length;

  if (dryRun) {
    const keys = await deps.items.existingItemKeys(items.map((item) => item.key));
    summary.responses.present += keys.size;
    summary.responses.added += items.length - keys.size;
    return;
  }
  if (annotations.length > 0 || newComparisons.length > 0) {
    await deps.store.applyChanges({
      deviceId: HISTORY_IMPORT_DEVICE_ID,
      receivedAt: context.clock().toISOString(),
      annotations,
      comparisons: newComparisons,
    });
  }
  const written = await deps.items.writeBatch(
    {
      runId: context.runId,
      items,
      conversations: fresh.map((conversation) => ({
        site: conversation.site,
        conversationId: conversation.conversationId,
        fingerprint: fingerprintOf(conversation),
      })),
    },
    context.clock(),
  );
  summary.responses.added += written.added;
  summary.responses.present += written.present;
}
