import { exportParquetSchema } from '../../../shared/export/index.ts';
import { API, PARQUET_CONTENT_TYPE } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { callerOf } from '../accounts/caller.ts';
import { type ExportSource, exportFileName, exportFromStore } from '../dataset/export-run.ts';
import { streamExport } from '../dataset/export-stream.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/**
 * `GET /api/v1/export?format=…&site=…`: streams the dataset (JSONL, or Parquet for the Parquet
 * formats) or, with `sidecar=1`, its sidecar ending in the summary. With `split`,
 * `part=train|validation` picks the file (train by default).
 */
export function exportRoutes(store: ExportSource, accounts?: Accounts): RouteDefinition[] {
  return [
    defineRoute(API.export.download, async ({ query: { options, part, sidecar }, res }) => {
      const caller = callerOf(res);
      const name = exportFileName(options.format, options.split === undefined ? null : part, sidecar);
      const parquet = sidecar ? null : exportParquetSchema(options);
      res.status(200);
      res.setHeader('Content-Type', parquet ? PARQUET_CONTENT_TYPE : 'application/jsonl; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      res.setHeader('Cache-Control', 'no-store');
      const run = exportFromStore(store, options);
      await streamExport(res, run, { part, sidecar }, parquet);
      // Who took what out of the store: the format and how many lines of this file (a cut-off download included).
      await accounts?.log(caller.name, 'export', null, {
        format: options.format,
        part: options.split === undefined ? null : part,
        sidecar,
        lines: run.summary().lines[part],
        complete: res.writableFinished,
      });
    }),
  ];
}
