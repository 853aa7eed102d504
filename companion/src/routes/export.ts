import { exportParquetSchema } from '../../../shared/export/index.ts';
import { API, PARQUET_CONTENT_TYPE } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { callerOf } from '../accounts/caller.ts';
import { exportForCaller } from '../dataset/export-campaign.ts';
import { type ExportSource, exportFileName } from '../dataset/export-run.ts';
import { streamExport } from '../dataset/export-stream.ts';
import type { QueueService } from '../queues/queue-service.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/**
 * `GET /api/v1/export?format=…&site=…`: streams the dataset (JSONL, or Parquet for the Parquet
 * formats) or, with `sidecar=1`, its sidecar ending in the summary. With `split`,
 * `part=train|validation` picks the file (train by default).
 */
export function exportRoutes(store: ExportSource, accounts?: Accounts, queues?: QueueService): RouteDefinition[] {
  return [
    defineRoute(API.export.download, async ({ query: { options, part, sidecar }, res }) => {
      const caller = callerOf(res);
      const name = exportFileName(options.format, options.split === undefined ? null : part, sidecar);
      const parquet = sidecar ? null : exportParquetSchema(options);
      // Before the status line: an unknown queue or a format it cannot give is a plain error answer.
      const run = await exportForCaller({ store, queues, accounts }, options, caller);
      res.status(200);
      res.setHeader('Content-Type', parquet ? PARQUET_CONTENT_TYPE : 'application/jsonl; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      res.setHeader('Cache-Control', 'no-store');
      await streamExport(res, run, { part, sidecar }, parquet);
      // Who took what out of the store: the format and how many lines of this file (a cut-off download included).
      await accounts?.log(caller.name, 'export', null, {
        format: options.format,
        ...(options.queue === undefined ? {} : { queue: options.queue }),
        part: options.split === undefined ? null : part,
        sidecar,
        lines: run.summary().lines[part],
        complete: res.writableFinished,
      });
    }),
  ];
}
