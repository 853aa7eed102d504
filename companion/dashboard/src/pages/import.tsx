import { useEffect, useRef, useState } from 'preact/hooks';
import { API } from '../../../../shared/api/index.ts';
import {
  HISTORY_SOURCE_CHOICES,
  type HistorySourceChoice,
  type ImportRun,
  type ImportSummary,
} from '../../../../shared/history.ts';
import { api, errorText, isAbort } from '../api.ts';
import { invalidateFacets } from '../facets.ts';
import { formatCount, formatDate } from '../format.ts';
import { followRun, startImport, uploadExport } from '../history-upload.ts';
import type { PageProps } from '../page.ts';
import { routeHref } from '../router.ts';
import './history.css';

const SOURCE_NAMES: Record<HistorySourceChoice, string> = {
  auto: 'Recognize it',
  chatgpt: 'ChatGPT (data export ZIP or conversations.json)',
  claude: 'Claude (data export)',
  gemini: 'Gemini (Google Takeout, My Activity in JSON)',
  openwebui: 'Open WebUI (chat export JSON)',
  librechat: 'LibreChat (conversation export JSON)',
};

/** What the companion calls each export (`summary.source`), in words. */
const DETECTED: Record<string, string> = {
  chatgpt: 'ChatGPT',
  claude: 'Claude',
  gemini: 'Gemini',
  openwebui: 'Open WebUI',
  librechat: 'LibreChat',
};

type Phase =
  | { kind: 'idle' }
  | { kind: 'uploading'; sent: number; size: number }
  | { kind: 'importing'; run: ImportRun }
  | { kind: 'ended'; run: ImportRun };

const MB = 1024 * 1024;
const megabytes = (bytes: number) => `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;

function Counts({ summary }: { summary: ImportSummary }) {
  const { conversations, responses, ratings, comparisons } = summary;
  const skipped = Object.entries(summary.skipped).sort(([, a], [, b]) => b - a);
  return (
    <dl class="import-counts" data-testid="import-counts">
      <dt>Conversations</dt>
      <dd>
        {formatCount(conversations.read)} read: {formatCount(conversations.imported)} imported,{' '}
        {formatCount(conversations.unchanged)} unchanged since the last import
      </dd>
      <dt>Responses</dt>
      <dd data-count="responses">
        {formatCount(responses.read)} ({formatCount(responses.added)} new, {formatCount(responses.present)} already
        present)
      </dd>
      <dt>Ratings</dt>
      <dd data-count="ratings">
        {formatCount(ratings.read)} in the file ({formatCount(ratings.added)} new, {formatCount(ratings.present)}{' '}
        already present
        {ratings.alreadyAnnotated > 0 ? `, ${formatCount(ratings.alreadyAnnotated)} already rated in Margin` : ''})
      </dd>
      <dt>Comparisons</dt>
      <dd>
        {formatCount(comparisons.read)} ({formatCount(comparisons.added)} new, {formatCount(comparisons.present)}{' '}
        already present)
      </dd>
      <dt>Left out</dt>
      <dd>
        {skipped.length === 0 ? (
          'nothing'
        ) : (
          <ul>
            {skipped.map(([reason, count]) => (
              <li key={reason}>
                {formatCount(count)} {reason}
              </li>
            ))}
          </ul>
        )}
      </dd>
    </dl>
  );
}

/** Upload a chat export to the local companion, follow its import, then go rate what came in. */
export function ImportPage(_props: PageProps) {
  const [file, setFile] = useState<File | null>(null);
  const [source, setSource] = useState<HistorySourceChoice>('auto');
  const [since, setSince] = useState('');
  const [dryRun, setDryRun] = useState(false);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const [runs, setRuns] = useState<ImportRun[]>([]);
  const [unrated, setUnrated] = useState<number | null>(null);
  const abort = useRef<AbortController | null>(null);

  const refresh = () => {
    api(API.history.runs, {}).then(
      ({ runs: list }) => setRuns(list),
      () => {},
    );
    api(API.history.facets, {}).then(
      (facets) => setUnrated(facets.unrated),
      () => {},
    );
  };
  useEffect(() => {
    refresh();
    return () => abort.current?.abort();
  }, []);

  const busy = phase.kind === 'uploading' || phase.kind === 'importing';

  const run = async () => {
    if (!file) return;
    const controller = new AbortController();
    abort.current = controller;
    setError(null);
    setPhase({ kind: 'uploading', sent: 0, size: file.size });
    try {
      const id = await uploadExport(
        file,
        (sent) => setPhase({ kind: 'uploading', sent, size: file.size }),
        controller.signal,
      );
      const started = await startImport(id, { source, dryRun, ...(since ? { since } : {}) });
      setPhase({ kind: 'importing', run: started });
      const ended = await followRun(
        started.id,
        (current) => setPhase({ kind: 'importing', run: current }),
        controller.signal,
      );
      setPhase({ kind: 'ended', run: ended });
      if (ended.status === 'failed') setError(ended.error ?? 'The import failed.');
      invalidateFacets();
    } catch (reason) {
      if (!isAbort(reason)) setError(errorText(reason));
      setPhase({ kind: 'idle' });
    } finally {
      refresh();
    }
  };

  return (
    <div class="history-import">
      <section aria-labelledby="import-title">
        <h2 id="import-title">Bring your history</h2>
        <p class="muted">
          Import the export of ChatGPT, Claude, Gemini (Google Takeout), Open WebUI or LibreChat. Every response becomes
          one to rate; the thumbs and comparison picks already in the file become your annotations. The file goes to the
          Margin companion on this machine and nowhere else. Importing the same export again adds nothing; a newer one
          adds what is new.
        </p>
        <form
          class="import-form"
          onSubmit={(event) => {
            event.preventDefault();
            void run();
          }}
        >
          <label>
            Export file{' '}
            <input
              type="file"
              name="export"
              accept=".zip,.json,application/zip,application/json"
              disabled={busy}
              onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
            />
          </label>
          <label>
            Source{' '}
            <select
              name="source"
              value={source}
              disabled={busy}
              onChange={(event) => setSource(event.currentTarget.value as HistorySourceChoice)}
            >
              {HISTORY_SOURCE_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {SOURCE_NAMES[choice]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Only since{' '}
            <input
              type="date"
              name="since"
              value={since}
              disabled={busy}
              onInput={(event) => setSince(event.currentTarget.value)}
            />
          </label>
          <label class="check">
            <input
              type="checkbox"
              name="dryRun"
              checked={dryRun}
              disabled={busy}
              onChange={(event) => setDryRun(event.currentTarget.checked)}
            />{' '}
            Dry run (count only, write nothing)
          </label>
          <button type="submit" class="primary" disabled={!file || busy}>
            Import
          </button>
          {busy && (
            <button type="button" onClick={() => abort.current?.abort()} disabled={phase.kind !== 'uploading'}>
              Cancel upload
            </button>
          )}
        </form>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        {phase.kind === 'uploading' && (
          <div class="import-progress" role="status" data-phase="uploading">
            <label>
              Uploading {file?.name}: {megabytes(phase.sent)} of {megabytes(phase.size)}
              <progress aria-label="Upload" value={phase.sent} max={phase.size} />
            </label>
          </div>
        )}
        {(phase.kind === 'importing' || phase.kind === 'ended') && (
          <div
            class="import-progress"
            role="status"
            data-phase={phase.kind === 'ended' ? phase.run.status : 'importing'}
          >
            <label>
              {phase.kind === 'importing'
                ? `Importing ${phase.run.file}: ${megabytes(phase.run.summary.bytes.read)} of ${megabytes(phase.run.summary.bytes.total)} read`
                : phase.run.status === 'done'
                  ? `${phase.run.dryRun ? 'Dry run of' : 'Imported'} ${phase.run.file}${phase.run.summary.source ? ` (${DETECTED[phase.run.summary.source] ?? phase.run.summary.source})` : ''}`
                  : `Import of ${phase.run.file} ${phase.run.status}`}
              <progress
                aria-label="Import"
                value={phase.run.summary.bytes.read}
                max={Math.max(phase.run.summary.bytes.total, phase.run.summary.bytes.read, 1)}
              />
            </label>
            <Counts summary={phase.run.summary} />
          </div>
        )}
        {unrated !== null && unrated > 0 && (
          <p>
            <a href={routeHref('rate-history')} class="button primary" data-testid="rate-link">
              Rate your history: {formatCount(unrated)} responses waiting
            </a>
          </p>
        )}
      </section>
      <section aria-labelledby="runs-title">
        <h2 id="runs-title">Recent imports</h2>
        {runs.length === 0 ? (
          <p class="muted">
            None yet. From a terminal: <code>margin import-history path/to/export.zip</code>
          </p>
        ) : (
          <table class="runs">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">File</th>
                <th scope="col">Source</th>
                <th scope="col">Status</th>
                <th scope="col">New responses</th>
                <th scope="col">New ratings</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((item) => (
                <tr key={item.id} data-status={item.status}>
                  <td>{formatDate(item.startedAt)}</td>
                  <td>{item.file}</td>
                  <td>{DETECTED[item.summary.source ?? ''] ?? item.source}</td>
                  <td title={item.error ?? ''}>
                    {item.status}
                    {item.dryRun ? ' (dry run)' : ''}
                  </td>
                  <td>{formatCount(item.summary.responses.added)}</td>
                  <td>{formatCount(item.summary.ratings.added)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
