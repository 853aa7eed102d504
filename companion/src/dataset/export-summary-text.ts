import {
  describeSkipReason,
  type ExportSummary,
  type SkipThresholds,
  unknownValueWarning,
} from '../../../shared/export/index.ts';
import { EXPORT_SOURCES, orList } from '../../../shared/index.ts';

const flagOf = (option: string) => `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Which sources were read, and what the others would add: the opt-in is visible in every summary. */
function sourcesLine(summary: ExportSummary): string {
  const { included, excluded } = summary.sources;
  const left = EXPORT_SOURCES.filter((source) => (excluded[source] ?? 0) > 0);
  if (left.length === 0) return `sources: ${included.join(', ')}`;
  const counts = left.map((source) => `${excluded[source]} ${source}`).join(', ');
  return `sources: ${included.join(', ')} (left out: ${counts}; add them with --source ${[...included, ...left].join(',')})`;
}

/**
 * The summary the CLI prints to stderr: lines, sources, labels, redactions, and each skip reason in
 * words (with its id, as the sidecar counts it). With `rules`, each reason's rule too, with the
 * thresholds in force.
 */
export function describeSummary(
  summary: ExportSummary,
  out: string,
  thresholds: SkipThresholds,
  rules = false,
): string {
  const unknown = new Set(summary.unknownValues.map(unknownValueWarning));
  const skipped = Object.entries(summary.skipped)
    .sort(([, a], [, b]) => b - a)
    .flatMap(([reason, count]) => {
      const text = describeSkipReason(reason, thresholds);
      const line = `  ${String(count).padStart(6)}  ${text.words}${text.words === reason ? '' : ` [${reason}]`}`;
      return rules && text.rule ? [line, `          ${text.rule}`] : [line];
    });
  const lines = [
    `${summary.format}: ${summary.examplesWritten} lines${summary.pairs ? ` (${summary.pairs} pairs)` : ''} from ${summary.annotationsRead} annotations` +
      (summary.lines.validation ? ` (train ${summary.lines.train}, validation ${summary.lines.validation})` : '') +
      (out === '-' || summary.examplesWritten === 0 ? '' : ` -> ${out}`),
    sourcesLine(summary),
    ...(summary.labels.desirable + summary.labels.undesirable > 0
      ? [`labels: ${summary.labels.desirable} desirable, ${summary.labels.undesirable} undesirable`]
      : []),
    ...(summary.reasoningLines > 0 ? [`reasoning: ${summary.reasoningLines} lines carry it`] : []),
    ...(summary.redactions.total > 0
      ? [
          `redacted: ${summary.redactions.email} emails, ${summary.redactions.phone} phone numbers, ${summary.redactions.apiKey} API keys`,
        ]
      : []),
    ...(summary.partialCaptures > 0
      ? [
          `partial captures: ${summary.partialCaptures}${summary.skipped['partial-capture'] ? ' (skipped)' : ' (kept; --skip-partial drops them)'}`,
        ]
      : []),
    ...(skipped.length > 0 ? ['skipped:', ...skipped] : []),
    // Unknown filter values in CLI words (the flag), instead of the engine's own warning about them.
    ...summary.warnings.filter((warning) => !unknown.has(warning)).map((warning) => `warning: ${warning}`),
    ...summary.unknownValues.map(
      ({ option, value, suggestions }) =>
        `warning: unknown ${flagOf(option)} value "${value}": no annotation has it` +
        (suggestions.length > 0 ? ` (did you mean ${orList(suggestions)}?)` : ''),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Why this export should not count as done, or null: a filter value no annotation has (a typo, most
 * likely), or no line at all. `allowEmpty` accepts both (a scheduled export may find nothing yet).
 */
export function exportProblem(summary: ExportSummary, allowEmpty: boolean): string | null {
  if (allowEmpty) return null;
  if (summary.unknownValues.length > 0) {
    const values = summary.unknownValues.map(({ option, value }) => `${flagOf(option)} ${value}`).join(', ');
    return `no annotation has ${values} (see above). Nothing was written: check the spelling, or pass --allow-empty to export anyway.`;
  }
  if (summary.examplesWritten === 0) {
    return (
      `no lines: none of the ${summary.annotationsRead} annotations read made a ${summary.format} line (the reasons are above). ` +
      'Nothing was written; --allow-empty writes the empty file anyway.'
    );
  }
  return null;
}
