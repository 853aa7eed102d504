import { type Request, type Response, Router } from 'express';
import { exportOptionsSchema } from '../../../shared/index.ts';
import { type ExportSource, exportFileName, exportFromStore } from '../dataset/export-run.ts';
import { streamExport } from '../dataset/export-stream.ts';
import { HttpError, parseOrThrow } from '../support/http-error.ts';

// Query keys that choose what to send rather than what to export.
const RESPONSE_KEYS = ['part', 'sidecar'] as const;

/**
 * `GET /api/v1/export?format=…&site=…`: streams the dataset (or, with `sidecar=1`, its sidecar ending
 * in the summary). With `split`, `part=train|validation` picks the file (train by default).
 */
export function exportRouter(store: ExportSource): Router {
  const router = Router();
  router.get('/api/v1/export', async (req: Request, res: Response) => {
    const query = { ...(req.query as Record<string, unknown>) };
    const part = query.part ?? 'train';
    const sidecar = query.sidecar === '1' || query.sidecar === 'true';
    for (const key of RESPONSE_KEYS) delete query[key];
    if (part !== 'train' && part !== 'validation') {
      throw new HttpError(400, 'invalid_request', 'part must be "train" or "validation".');
    }
    const options = parseOrThrow(exportOptionsSchema, query, 'export query');
    if (part === 'validation' && options.split === undefined) {
      throw new HttpError(
        400,
        'invalid_request',
        'part=validation needs split (the fraction of conversations for train).',
      );
    }
    const name = exportFileName(options.format, options.split === undefined ? null : part, sidecar);
    res.status(200);
    res.setHeader('Content-Type', 'application/jsonl; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('Cache-Control', 'no-store');

    await streamExport(res, exportFromStore(store, options), { part, sidecar });
  });
  return router;
}
