import { useEffect, useState } from 'preact/hooks';
import { API, type ExportPreviewResponse } from '../../../../shared/api/index.ts';
import { exportFileKind, exportFormatDefinitions } from '../../../../shared/export/formats/index.ts';
import {
  EXPORT_FORMAT_KIND,
  EXPORT_FORMATS,
  EXPORT_SOURCE_TEXT,
  EXPORT_SOURCES,
  exportOptionsSchema,
} from '../../../../shared/export-options.ts';
import { ApiError, api, download, errorText, isAbort, type Query } from '../api.ts';
import { ExampleCard } from '../components/example-card.tsx';
import { ExportCounts } from '../components/export-counts.tsx';
import { ExportOptionsForm } from '../components/export-options.tsx';
import { Filters } from '../components/filters.tsx';
import { fieldLabel, issueText } from '../field-labels.ts';
import { formatCount } from '../format.ts';
import type { PageProps } from '../page.ts';
import { navigate, routeHref } from '../router.ts';
import './export.css';

const PREVIEW_LINES = 20;
const PREVIEW_DELAY_MS = 250;
/** Every export option, plus which file of a split to show. The route keeps them, so a reload keeps the choice. */
const EXPORT_KEYS = [...Object.keys(exportOptionsSchema.shape), 'part'];
const DEFAULT_OPTIONS = exportOptionsSchema.parse({ format: 'raw' });

const KIND_TEXT = {
  sft: 'supervised examples: the prompt and a good response (or your correction)',
  pair: 'preference pairs: a chosen and a rejected response to the same prompt',
  kto: 'single responses labelled desirable or undesirable',
  raw: 'every annotation as stored',
} as const;

/** What went wrong with the last query: the problems in words, and the fields to mark. */
interface Problem {
  lines: string[];
  fields: ReadonlySet<string>;
}

function problemOf(reason: unknown): Problem {
  if (reason instanceof ApiError && reason.issues.length > 0) {
    return { lines: reason.issues.map(issueText), fields: new Set(reason.issues.map((issue) => issue.path)) };
  }
  return { lines: [errorText(reason)], fields: new Set() };
}

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
  const [problem, setProblem] = useState<Problem | null>(null);
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
          setProblem(null);
          setBusy(false);
        },
        (reason: unknown) => {
          if (isAbort(reason)) return;
          // Counts of the previous choices would read as the counts of these: they go.
          setPreview(null);
          setProblem(problemOf(reason));
          setBusy(false);
        },
      );
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key]);

  const set = (name: string, value: string, drop: readonly string[] = []) => {
    const next = new URLSearchParams(params);
    for (const other of drop) next.delete(other);
    if (value === '') next.delete(name);
    else next.set(name, value);
    navigate(routeHref('export', [], next), { replace: true });
  };

  const save = async (sidecar: boolean) => {
    setDownloaded(null);
    try {
      const part = params.get('part') ?? 'train';
      const definition = exportFormatDefinitions.find((candidate) => candidate.id === format);
      const extension = sidecar ? 'meta.jsonl' : definition ? exportFileKind(definition) : 'jsonl';
      const fallback = `margin-${format}${split ? `.${part}` : ''}.${extension}`;
      const bytes = await download(
        API.export.download,
        { query: { ...query, ...(sidecar ? { sidecar: '1' } : {}) } },
        fallback,
      );
      setDownloaded(`Downloaded ${fallback} (${formatCount(bytes)} bytes).`);
    } catch (reason) {
      setProblem(problemOf(reason));
    }
  };

  const parsed = exportOptionsSchema.safeParse(query);
  const thresholds = parsed.success ? parsed.data : DEFAULT_OPTIONS;
  const kind = EXPORT_FORMAT_KIND[format as keyof typeof EXPORT_FORMAT_KIND];
  const invalid = problem?.fields ?? new Set<string>();
  const stale = busy && preview !== null && preview.key !== key;
  return (
    <div class="export">
      <form class="filters" aria-label="Format" onSubmit={(event) => event.preventDefault()}>
        <label>
          {fieldLabel('format')}
          <select
            name="format"
            value={format}
            aria-invalid={invalid.has('format') || undefined}
            onChange={(event) => set('format', event.currentTarget.value)}
          >
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
      <Filters
        params={params}
        invalid={invalid}
        onChange={(next) => navigate(routeHref('export', [], next), { replace: true })}
      />
      <ExportOptionsForm params={params} invalid={invalid} set={set} />
      <div class="actions">
        <button type="button" class="primary" onClick={() => save(false)} disabled={problem !== null}>
          Download {format}
        </button>
        <button type="button" onClick={() => save(true)} disabled={problem !== null}>
          Download sidecar (provenance)
        </button>
        {busy && <span class="muted">Counting…</span>}
        {downloaded && <span class="ok">{downloaded}</span>}
      </div>
      {problem && (
        <div role="alert" class="error export-problem">
          <p>These choices cannot be exported:</p>
          <ul>
            {problem.lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {preview && (
        <div class="export-results">
          <ExportCounts
            summary={preview.summary}
            kind={kind}
            split={split !== ''}
            thresholds={thresholds}
            previewKey={preview.key}
            stale={stale}
          />
          <section class="export-preview" aria-label="Preview" data-lines={preview.examples.length}>
            <h2>
              First {Math.min(PREVIEW_LINES, preview.examples.length)} lines
              {split !== '' ? ` of ${params.get('part') || 'train'}` : ''}
            </h2>
            {preview.examples.length > 0 ? (
              preview.examples.map((example, index) => (
                <ExampleCard key={`${preview.key}:${index}`} example={example} number={index + 1} />
              ))
            ) : (
              <p class="muted">No lines: see what was not exported, and why.</p>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
