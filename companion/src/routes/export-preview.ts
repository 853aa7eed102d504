import { API, type ExportPreviewResponse, type PreviewExample } from '../../../shared/index.ts';
import { callerOf } from '../accounts/caller.ts';
import { type ExportDeps, exportForCaller } from '../dataset/export-campaign.ts';
import { previewExample } from '../dataset/preview-example.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

const YIELD_EVERY_BATCHES = 16;

/**
 * `GET /api/v1/export/preview?format=…&lines=20`: the first lines of exactly what `GET /api/v1/export`
 * (and `margin export`) would write for the same options, and the counts of the whole run. It runs the
 * same engine through the same `exportFromStore`, to the end, because the counts need every record.
 * Each line also comes as the example it carries (prompt, target, chosen/rejected, label), for cards.
 */
export function exportPreviewRoutes(deps: ExportDeps): RouteDefinition[] {
  return [
    defineRoute(API.export.preview, async ({ query: { options, lines: wanted, part }, res }) => {
      const run = await exportForCaller(deps, options, callerOf(res));
      let closed = false;
      res.once('close', () => {
        closed = true;
      });
      const examples: PreviewExample[] = [];
      let batches = 0;
      for await (const batch of run.batches) {
        // The engine's batches resolve as microtasks: give sync requests (and `close`) a turn now and then.
        if (++batches % YIELD_EVERY_BATCHES === 0) await new Promise((resolve) => setImmediate(resolve));
        if (closed) return undefined; // the person changed the options: stop reading the store
        for (const record of batch) {
          if (examples.length < wanted && record.split === part) examples.push(previewExample(record));
        }
      }
      const body: ExportPreviewResponse = {
        lines: examples.map((example) => example.line),
        examples,
        summary: run.summary(),
      };
      return body;
    }),
  ];
}
