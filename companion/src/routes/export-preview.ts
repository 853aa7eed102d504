import { Router } from 'express';
import type { ExportSummary } from '../../../shared/export/index.ts';
import { DASHBOARD_ROUTES, exportOptionsSchema } from '../../../shared/index.ts';
import { type ExportSource, exportFromStore } from '../dataset/export-run.ts';
import { HttpError, parseOrThrow } from '../support/http-error.ts';

const DEFAULT_LINES = 20;
const MAX_LINES = 200;
const YIELD_EVERY_BATCHES = 16;

export interface ExportPreviewResponse {
  /** The first lines of the file (train, or validation with `part`), each without its newline. */
  lines: string[];
  /** The whole run's summary: lines written, pairs, skips by reason, warnings. */
  summary: ExportSummary;
}

/**
 * `GET /api/v1/export/preview?format=…&lines=20`: the first lines of exactly what `GET /api/v1/export`
 * (and `margin export`) would write for the same options, and the counts of the whole run. It runs the
 * same engine through the same `exportFromStore`, to the end, because the counts need every record.
 */
export function exportPreviewRouter(store: ExportSource): Router {
  const router = Router();
  router.get(DASHBOARD_ROUTES.exportPreview, async (req, res) => {
    const query = { ...(req.query as Record<string, unknown>) };
    const wanted = query.lines === undefined ? DEFAULT_LINES : Number(query.lines);
    const part = query.part ?? 'train';
    delete query.lines;
    delete query.part;
    if (!Number.isInteger(wanted) || wanted < 0 || wanted > MAX_LINES) {
      throw new HttpError(400, 'invalid_request', `lines must be a whole number from 0 to ${MAX_LINES}.`);
    }
    if (part !== 'train' && part !== 'validation') {
      throw new HttpError(400, 'invalid_request', 'part must be "train" or "validation".');
    }
    const options = parseOrThrow(exportOptionsSchema, query, 'export query');
    let closed = false;
    res.once('close', () => {
      closed = true;
    });
    const run = exportFromStore(store, options);
    const lines: string[] = [];
    let batches = 0;
    for await (const batch of run.batches) {
      // The engine's batches resolve as microtasks: give sync requests (and `close`) a turn now and then.
      if (++batches % YIELD_EVERY_BATCHES === 0) await new Promise((resolve) => setImmediate(resolve));
      if (closed) return; // the person changed the options: stop reading the store
      for (const record of batch) {
        if (lines.length < wanted && record.split === part) lines.push(record.line.slice(0, -1));
      }
    }
    const body: ExportPreviewResponse = { lines, summary: run.summary() };
    res.json(body);
  });
  return router;
}
