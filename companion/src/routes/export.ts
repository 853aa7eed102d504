import { exportParquetSchema } from '../../../shared/export/index.ts';
import { API, PARQUET_CONTENT_TYPE } from '../../../shared/index.ts';
import { type ExportSource, exportFileName, exportFromStore } from '../dataset/export-run.ts';
import { streamExport } from '../dataset/export-stream.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/**
 * `GET /api/v1/export?format=…&site=…`: streams the dataset (JSONL, or Parquet for the Parquet
 * formats) or, with `sidecar=1`, its sidecar ending in the summary. With `split`,
 * `part=train|validation` picks the file (train by default).
 */
export function exportRoutes(store: ExportSource): RouteDefinition[] {
  return [
    defineRoute(API.export.download, async ({ query: { options, part, sidecar }, res }) => {
      const name = exportFileName(options.format, options.split === undefined ? null : part, sidecar);
      const parquet = sidecar ? null : exportParquetSchema(options);
      res.status(200);
      res.setHeader('Content-Type', parquet ? PARQUET_CONTENT_TYPE : 'application/jsonl; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      res.setHeader('Cache-Control', 'no-store');
      await streamExport(res, exportFromStore(store, options), { part, sidecar }, parquet);
    }),
  ];
}
