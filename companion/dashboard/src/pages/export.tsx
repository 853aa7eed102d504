import { useEffect, useState } from 'preact/hooks';
import { API, type ExportPreviewResponse } from '../../../../shared/api/index.ts';
import {
  EXPORT_FORMAT_KIND,
  EXPORT_FORMATS,
  EXPORT_SOURCE_TEXT,
  EXPORT_SOURCES,
  exportOptionsSchema,
} from '../../../../shared/export-options.ts';
import { api, download, errorText, isAbort, type Query } from '../api.ts';
import { Filters } from '../components/filters.tsx';
import { formatCount } from '../format.ts';
import type { PageProps } from '../page.ts';
import { navigate, routeHref } from '../router.ts';

const PREVIEW_LINES = 20;
const PREVIEW_DELAY_MS = 250;
/** Every export option, plus which file of a split to show. The route keeps them, so a reload keeps the choice. */
const EXPORT_KEYS = [...Object.keys(exportOptionsSchema.shape), 'part'];

const KIND_TEXT = {
  sft: 'supervised examples: the prompt and a good response (or your correction)',
  pair: 'preference pairs: a chosen and a rejected response to the same prompt',
  kto: 'single responses labelled desirable or undesirable',
  raw: 'every annotation as stored',
} as const;

function exportQuery(params: URLSearchParams): Query {
  const query: Query = { format: params.get('format') ?? 'openai-sft' };
  for (const key of EXPORT_KEYS) {
    const value = params.get(key);
    if (value !== null && value !== '') query[key] = value;
  }
  return query;
}

/** Builds an export like `margin export`: the same options, the same engine, the same bytes. */
export function ExportPage({ route }: PageProps) {
  const { params } = route;
  const query = exportQuery(params);
  const key = JSON.stringify(query);
  const format = String(query.format);
  const split = params.get('split') ?? '';
  // Chat captures only unless the person ticks the other sources (reviews, logged calls, imports).
  const sources = (params.get('source') || 'capture').split(',');
  const [preview, setPreview] = useState<({ key: string } & ExportPreviewResponse) | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [downloaded, setDownloaded] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setBusy(true);
    const timer = setTimeout(() => {
      api(
        API.export.preview,
        { query: { ...(JSON.parse(key) as Query), lines: PREVIEW_LINES } },
        controller.signal,
      ).then(
        (body) => {
          setPreview({ key, ...body });
          setError(null);
          setBusy(false);
        },
        (reason: unknown) => {
          if (isAbort(reason)) return;
          setError(errorText(reason));
          setBusy(false);
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key]);

  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(name);
    else next.set(name, value);
    navigate(routeHref('export', [], next), { replace: true });
  };
  const value = (name: string) => params.get(name) ?? '';
  const number = (name: string, label: string, placeholder: string) => (
    <label class="narrow">
      {label}
      <input
        type="number"
        name={name}
        min={0}
        max={100}
        placeholder={placeholder}
        value={value(name)}
        onChange={(event) => set(name, event.currentTarget.value)}
      />
    </label>
  );

  const save = async (sidecar: boolean) => {
    setDownloaded(null);
    try {
      const part = params.get('part') ?? 'train';
      const fallback = `margin-${format}${split ? `.${part}` : ''}${sidecar ? '.meta' : ''}.jsonl`;
      const bytes = await download(
        API.export.download,
        { query: { ...query, ...(sidecar ? { sidecar: '1' } : {}) } },
        fallback,
      );
      setDownloaded(`Downloaded ${fallback} (${formatCount(bytes)} bytes).`);
    } catch (reason) {
      setError(errorText(reason));
    }
  };

  const summary = preview?.summary;
  const skipped = summary ? Object.entries(summary.skipped).sort((a, b) => b[1] - a[1]) : [];
  const kind = EXPORT_FORMAT_KIND[format as keyof typeof EXPORT_FORMAT_KIND];
  return (
    <div class="export">
      <form class="filters" aria-label="Format" onSubmit={(event) => event.preventDefault()}>
        <label>
          Format
          <select name="format" value={format} onChange={(event) => set('format', event.currentTarget.value)}>
            {EXPORT_FORMATS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        {kind && <p class="muted">{KIND_TEXT[kind]}</p>}
        <fieldset class="sources">
          <legend>Sources</legend>
          {EXPORT_SOURCES.map((source) => {
            const on = sources.includes(source);
            return (
              <label key={source} title={EXPORT_SOURCE_TEXT[source]}>
                <input
                  type="checkbox"
                  name="source"
                  value={source}
                  checked={on}
                  // At least one source: the last one cannot be unticked.
                  disabled={on && sources.length === 1}
                  onChange={(event) => {
                    const next = EXPORT_SOURCES.filter((s) =>
                      s === source ? event.currentTarget.checked : sources.includes(s),
                    );
                    set('source', next.length === 1 && next[0] === 'capture' ? '' : next.join(','));
                  }}
                />{' '}
                {source}
              </label>
            );
          })}
        </fieldset>
      </form>
      <Filters params={params} onChange={(next) => navigate(routeHref('export', [], next), { replace: true })} />
      <details class="options">
        <summary>Rules and options</summary>
        <form class="filters" aria-label="Options" onSubmit={(event) => event.preventDefault()}>
          <label>
            <span>
              <input
                type="checkbox"
                name="dedup"
                checked={value('dedup') !== 'false'}
                onChange={(event) => set('dedup', event.currentTarget.checked ? '' : 'false')}
              />{' '}
              Drop duplicate lines
            </span>
          </label>
          <label>
            <span>
              <input
                type="checkbox"
                name="redactPii"
                checked={value('redactPii') === 'true'}
                onChange={(event) => set('redactPii', event.currentTarget.checked ? 'true' : '')}
              />{' '}
              Redact emails, phones, API keys
            </span>
          </label>
          <label class="narrow">
            Train fraction
            <input
              type="number"
              name="split"
              min={0.01}
              max={0.99}
              step={0.05}
              placeholder="no split"
              value={split}
              onChange={(event) => set('split', event.currentTarget.value)}
            />
          </label>
          {split !== '' && (
            <label>
              File
              <select
                name="part"
                value={value('part') || 'train'}
                onChange={(event) => set('part', event.currentTarget.value)}
              >
                <option value="train">train</option>
                <option value="validation">validation</option>
              </select>
            </label>
          )}
          {number('sftMinScore', 'SFT min score', '70')}
          {number('pairMinGap', 'Pair min gap', '15')}
          {number('ktoDesirableMin', 'KTO desirable ≥', '70')}
          {number('ktoUndesirableMax', 'KTO undesirable ≤', '40')}
          <label>
            System prompt (when the conversation has none)
            <input
              type="text"
              name="systemPrompt"
              value={value('systemPrompt')}
              onChange={(event) => set('systemPrompt', event.currentTarget.value)}
            />
          </label>
        </form>
      </details>
      <div class="actions">
        <button type="button" class="primary" onClick={() => save(false)} disabled={error !== null}>
          Download {format}
        </button>
        <button type="button" onClick={() => save(true)} disabled={error !== null}>
          Download sidecar (provenance)
        </button>
        {busy && <span class="muted">Counting…</span>}
        {downloaded && <span class="ok">{downloaded}</span>}
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {summary && (
        <div class="cards">
          <section class="card" aria-label="Counts" data-preview-key={preview?.key}>
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
                {split !== '' && (
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
                {summary.redactions.total > 0 && (
                  <tr>
                    <th scope="row">Redactions</th>
                    <td>{formatCount(summary.redactions.total)}</td>
                  </tr>
                )}
              </tbody>
            </table>
            <h2>Skipped, by reason</h2>
            {skipped.length === 0 ? (
              <p class="muted">Nothing skipped.</p>
            ) : (
              <table class="counts" aria-label="Skipped">
                <tbody>
                  {skipped.map(([reason, count]) => (
                    <tr key={reason} data-skip={reason}>
                      <th scope="row">{reason}</th>
                      <td>{formatCount(count)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {summary.warnings.map((warning) => (
              <p key={warning} class="error">
                {warning}
              </p>
            ))}
          </section>
          <section class="card" aria-label="Preview">
            <h2>
              First {Math.min(PREVIEW_LINES, preview?.lines.length ?? 0)} lines
              {split !== '' ? ` of ${value('part') || 'train'}` : ''}
            </h2>
            {preview && preview.lines.length > 0 ? (
              <pre class="preview" data-lines={preview.lines.length}>
                {preview.lines.join('\n')}
              </pre>
            ) : (
              <p class="muted">No lines: see what was skipped.</p>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
