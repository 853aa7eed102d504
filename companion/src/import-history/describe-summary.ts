import type { ImportSummary } from '../../../shared/index.ts';
import { HISTORY_SOURCES, type HistorySourceId } from './sources.ts';

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** The counts of an import in words, one line per kind, as `margin import-history` prints them. */
export function describeImportSummary(summary: ImportSummary, options: { dryRun: boolean; file: string }): string {
  const verb = options.dryRun ? 'Would import' : 'Imported';
  const { conversations, responses, ratings, comparisons } = summary;
  const skipped = Object.entries(summary.skipped)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([reason, count]) => `${count} ${reason}`);
  const lines = [
    `${verb} ${summary.source ? HISTORY_SOURCES[summary.source as HistorySourceId].label : 'chat'} export ${options.file}` +
      (summary.files.length > 0 ? ` (${plural(summary.files.length, 'file')} read)` : '') +
      (options.dryRun ? ' (dry run: nothing was written)' : '') +
      ':',
    `  conversations  ${conversations.read} read: ${conversations.imported} imported, ${conversations.unchanged} unchanged since the last import`,
    `  responses      ${responses.read} (${responses.added} new, ${responses.present} already present)`,
    `  ratings        ${ratings.read} (${ratings.added} new, ${ratings.present} already present` +
      (ratings.alreadyAnnotated > 0 ? `, ${ratings.alreadyAnnotated} already annotated in Margin` : '') +
      ')',
    `  comparisons    ${comparisons.read} (${comparisons.added} new, ${comparisons.present} already present)`,
    `  skipped        ${skipped.length > 0 ? skipped.join(', ') : 'nothing'}`,
  ];
  return `${lines.join('\n')}\n`;
}
