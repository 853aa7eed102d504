import { useState } from 'preact/hooks';
import { exportParquetSchema, REASONING_MODES, type ReasoningMode } from '../../../../shared/export/index.ts';
import { describeIssues, EXPORT_FORMATS, type ExportFormat, exportOptionsSchema } from '../../../../shared/index.ts';
import { getDb } from '../../db/connection.ts';
import { buildLocalDataset, datasetFileName } from '../../export/local-dataset.ts';
import { siteAdapters } from '../../sites/index.ts';

/** Hands a file to the browser's downloads, from this page (no `downloads` permission needed). */
function saveFile(name: string, file: Blob): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The download has its own reference by now; give it a moment before letting the blob go.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * "Download dataset": the shared export engine over this browser's annotations, so it works with no
 * companion at all and gives the same bytes as `margin export` for the same data and options.
 * Filters, thresholds and splits beyond these are in the CLI and the dashboard.
 */
export function DownloadDatasetSection() {
  const [format, setFormat] = useState<ExportFormat>('openai-sft');
  const [site, setSite] = useState('');
  const [redactPii, setRedactPii] = useState(false);
  const [reasoning, setReasoning] = useState<ReasoningMode>('none');
  const [withSidecar, setWithSidecar] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ error: boolean; text: string } | null>(null);

  async function download(event: Event) {
    event.preventDefault();
    const options = exportOptionsSchema.safeParse({ format, site: site || undefined, redactPii, reasoning });
    if (!options.success) return setResult({ error: true, text: describeIssues(options.error) });
    setBusy(true);
    setResult(null);
    try {
      const dataset = await buildLocalDataset(getDb(), options.data, { sidecar: withSidecar });
      saveFile(datasetFileName(format), dataset.file);
      if (dataset.sidecar) saveFile(datasetFileName(format, true), dataset.sidecar);
      const { summary } = dataset;
      const skipped = Object.entries(summary.skipped)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ');
      // The popup writes Parquet formats' rows as JSONL (docs/export.md, "Parquet"): say how to get Parquet.
      const parquet = exportParquetSchema(options.data)
        ? ` ${format} is Parquet for verl: these are its rows as JSONL; \`margin export --format ${format}\` writes the .parquet file.`
        : '';
      setResult({
        error: false,
        text: `${summary.examplesWritten} lines from ${summary.annotationsRead} annotations${
          summary.pairs > 0 ? ` (${summary.pairs} pairs)` : ''
        }${summary.reasoningLines > 0 ? `, ${summary.reasoningLines} with reasoning` : ''}${skipped ? `; skipped: ${skipped}` : ''}.${
          summary.warnings.length > 0 ? ` ${summary.warnings.join(' ')}` : ''
        }${parquet}`,
      });
    } catch (error) {
      setResult({ error: true, text: `Export failed: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="dataset-heading">
      <h2 id="dataset-heading">Dataset</h2>
      {/* Folded: status and reviews come first, and the popup stays short (under 600 px). */}
      <details class="dataset-fold">
        <summary>Download a dataset from this browser</summary>
        <form class="dataset" onSubmit={download}>
          <label>
            Format
            <select value={format} onChange={(event) => setFormat(event.currentTarget.value as ExportFormat)}>
              {EXPORT_FORMATS.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Site
            <select value={site} onChange={(event) => setSite(event.currentTarget.value)}>
              <option value="">All sites</option>
              {siteAdapters.map((adapter) => (
                <option key={adapter.id} value={adapter.id}>
                  {adapter.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Reasoning
            <select value={reasoning} onChange={(event) => setReasoning(event.currentTarget.value as ReasoningMode)}>
              {REASONING_MODES.map((mode) => (
                <option key={mode} value={mode}>
                  {mode === 'none'
                    ? 'Leave out'
                    : mode === 'field'
                      ? 'As a field (reasoning_content)'
                      : 'Inline (<think>…</think>)'}
                </option>
              ))}
            </select>
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={redactPii}
              onChange={(event) => setRedactPii(event.currentTarget.checked)}
            />
            Redact emails, phone numbers and API keys
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={withSidecar}
              onChange={(event) => setWithSidecar(event.currentTarget.checked)}
            />
            Also download the sidecar (where each line comes from)
          </label>
          <button type="submit" disabled={busy}>
            {busy ? 'Exporting…' : 'Download dataset'}
          </button>
          {result && (
            <p class={result.error ? 'error' : 'dataset-result'} data-dataset-result>
              {result.text}
            </p>
          )}
        </form>
      </details>
    </section>
  );
}
