import { once } from 'node:events';
import { type ExportRun, exportDataset, type SplitName, summaryLine } from '../../../shared/export/index.ts';
import { type Annotation, API, type Comparison, type ExportOptions } from '../../../shared/index.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/**
 * What an export reads. `order: 'conversation'` asks for each conversation's annotations together,
 * which the engine needs to pair variants with bounded memory; a store that ignores it still exports,
 * and the summary then warns about conversations that arrived in pieces.
 */
export interface ExportSource {
  iterateAnnotations(options?: { includeDeleted?: boolean; order?: 'sequence' | 'conversation' }): Iterable<Annotation>;
  iterateComparisons(options?: { includeDeleted?: boolean }): Iterable<Comparison>;
}

/** The one way the CLI and the HTTP route run an export, so both give the same bytes. */
export function exportFromStore(store: ExportSource, options: ExportOptions, onAnnotation?: () => void): ExportRun {
  const annotations = store.iterateAnnotations({ order: 'conversation' });
  return exportDataset(
    onAnnotation ? counting(annotations, onAnnotation) : annotations,
    store.iterateComparisons(),
    options,
  );
}

function* counting<T>(items: Iterable<T>, onItem: () => void): Generator<T> {
  for (const item of items) {
    onItem();
    yield item;
  }
}

/** `margin-trl-dpo.jsonl`, `margin-trl-dpo.validation.meta.jsonl`, …: the CLI's default names too. */
export function exportFileName(format: string, part: SplitName | null, sidecar: boolean): string {
  return `margin-${format}${part ? `.${part}` : ''}${sidecar ? '.meta' : ''}.jsonl`;
}

/**
 * `GET /api/v1/export?format=…&site=…`: streams the dataset (or, with `sidecar=1`, its sidecar ending
 * in the summary). With `split`, `part=train|validation` picks the file (train by default).
 */
export function exportRoutes(store: ExportSource): RouteDefinition[] {
  return [
    defineRoute(API.export.download, async ({ query: { options, part, sidecar }, res }) => {
      const name = exportFileName(options.format, options.split === undefined ? null : part, sidecar);
      res.status(200);
      res.setHeader('Content-Type', 'application/jsonl; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      res.setHeader('Cache-Control', 'no-store');

      let closed = false;
      res.once('close', () => {
        closed = true;
      });
      const run = exportFromStore(store, options);
      try {
        for await (const record of run.records) {
          if (closed) break; // the client went away: stop reading the store
          if (record.split !== part) continue;
          if (!res.write(sidecar ? record.meta : record.line))
            await Promise.race([once(res, 'drain'), once(res, 'close')]);
        }
        if (closed) return;
        if (sidecar) res.write(summaryLine(run.summary()));
        res.end();
      } catch (error) {
        // The status line is gone already: cut the connection so the client never sees a complete-looking file.
        res.destroy(error as Error);
      }
    }),
  ];
}
