import type { ExportSummaryResponse } from '../../../../shared/api/index.ts';
import { describeSkipReason, type SkipThresholds } from '../../../../shared/export/skip-reasons.ts';
import type { ExportKind } from '../../../../shared/export-options.ts';
import { formatCount } from '../format.ts';

interface Props {
  summary: ExportSummaryResponse;
  kind: ExportKind | undefined;
  split: boolean;
  thresholds: SkipThresholds;
  /** The query these counts are for (tests and people can tell a fresh answer from an old one). */
  previewKey: string;
  /** A newer query is being counted: these counts are about to be replaced. */
  stale: boolean;
}

/** The whole run's counts, and what was not exported, in words with the rule behind each reason. */
export function ExportCounts({ summary, kind, split, thresholds, previewKey, stale }: Props) {
  const skipped = Object.entries(summary.skipped).sort((a, b) => b[1] - a[1]);
  return (
    <section
      class={`card export-counts${stale ? ' stale' : ''}`}
      aria-label="Counts"
      aria-busy={stale}
      data-preview-key={previewKey}
    >
      <h2>Counts</h2>
      <table class="counts">
        <tbody>
          <tr>
            <th scope="row">Annotations read</th>
            <td data-count="annotationsRead">{formatCount(summary.annotationsRead)}</td>
          </tr>
          <tr>
            <th scope="row">Examples written</th>
            <td data-count="examplesWritten">{formatCount(summary.examplesWritten)}</td>
          </tr>
          {split && (
            <tr>
              <th scope="row">Train / validation lines</th>
              <td>
                {formatCount(summary.lines.train)} / {formatCount(summary.lines.validation)}
              </td>
            </tr>
          )}
          {kind === 'pair' && (
            <tr>
              <th scope="row">Preference pairs</th>
              <td data-count="pairs">{formatCount(summary.pairs)}</td>
            </tr>
          )}
          {kind === 'kto' && (
            <tr>
              <th scope="row">Desirable / undesirable</th>
              <td>
                {formatCount(summary.labels.desirable)} / {formatCount(summary.labels.undesirable)}
              </td>
            </tr>
          )}
          {summary.partialCaptures > 0 && (
            <tr>
              <th scope="row">Partial captures</th>
              <td data-count="partialCaptures">{formatCount(summary.partialCaptures)}</td>
            </tr>
          )}
          {summary.redactions.total > 0 && (
            <tr>
              <th scope="row">Redactions</th>
              <td>{formatCount(summary.redactions.total)}</td>
            </tr>
          )}
        </tbody>
      </table>
      <h2>Not exported, and why</h2>
      {skipped.length === 0 ? (
        <p class="muted">Everything read made a line.</p>
      ) : (
        <ul class="skips" aria-label="Not exported">
          {skipped.map(([reason, count]) => {
            const text = describeSkipReason(reason, thresholds);
            return (
              <li key={reason} data-skip={reason}>
                <span class="skip-count">{formatCount(count)}</span>
                <span class="skip-words">{text.words}</span>
                {text.rule !== '' && <span class="skip-rule muted">{text.rule}</span>}
              </li>
            );
          })}
        </ul>
      )}
      {summary.warnings.map((warning) => (
        <p key={warning} class="error">
          {warning}
        </p>
      ))}
    </section>
  );
}
