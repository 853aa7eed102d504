import { useEffect, useState } from 'preact/hooks';
import { API } from '../../../../shared/api/index.ts';
import type { RestoreResponse, SettingsResponse, SignInCodeResponse } from '../../../../shared/dashboard.ts';
import { api, download, errorText } from '../api.ts';
import { signOut, storedToken, storeToken } from '../auth.ts';
import { Notices } from '../components/notices.tsx';
import { invalidateFacets } from '../facets.ts';
import { formatCount } from '../format.ts';
import type { PageProps } from '../page.ts';

/** A restore request stays well under the companion's body limit and the schema's 10,000 lines. */
const CHUNK_BYTES = 4 * 1024 * 1024;
const CHUNK_LINES = 5_000;

/** Reads a JSONL file line by line without holding it whole, in chunks of at most a few MB. */
async function* lineChunks(file: File): AsyncGenerator<string[]> {
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  let chunk: string[] = [];
  let bytes = 0;
  for (;;) {
    const { value, done } = await reader.read();
    const text = rest + (value ?? '');
    const lines = text.split('\n');
    rest = done ? '' : (lines.pop() ?? '');
    for (const line of lines) {
      const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
      if (chunk.length > 0 && (bytes + clean.length > CHUNK_BYTES || chunk.length >= CHUNK_LINES)) {
        yield chunk;
        chunk = [];
        bytes = 0;
      }
      chunk.push(clean);
      bytes += clean.length;
    }
    if (done) break;
  }
  if (chunk.length > 0) yield chunk;
}

/** A v4 UUID; `crypto.randomUUID` exists only on https or localhost, and a team may serve plain http. */
function randomUuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type Totals = Omit<RestoreResponse, 'problems'> & { problems: string[] };

/** Pairing, the token, where the data lives, backup and restore. */
export function SettingsPage(_props: PageProps) {
  const [settings, setSettings] = useState<SettingsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [showToken, setShowToken] = useState(false);
  const [link, setLink] = useState<SignInCodeResponse | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [restore, setRestore] = useState<{ running: boolean; totals: Totals } | null>(null);

  useEffect(() => {
    api(API.dashboard.settings, {}).then(setSettings, (reason: unknown) => setError(errorText(reason)));
  }, []);

  const origin = window.location.origin;
  const token = storedToken() ?? '';
  const copy = (text: string, done: string) =>
    navigator.clipboard.writeText(text).then(
      () => setNotice(done),
      () => setError('The browser did not let the page copy: select the text and copy it by hand.'),
    );

  const newLink = async () => {
    try {
      setLink(await api(API.dashboard.signInCodes, { body: {} }));
    } catch (reason) {
      setError(errorText(reason));
    }
  };

  const rotate = async () => {
    if (
      !window.confirm(
        'Make a new token? The current one stops working at once: paste the new one into the extension options of every browser that syncs.',
      )
    )
      return;
    try {
      const { token: next } = await api(API.dashboard.rotateToken, { body: {} });
      storeToken(next);
      setShowToken(true);
      setNotice('New token made. Paste it into the extension options of every browser that syncs.');
    } catch (reason) {
      setError(errorText(reason));
    }
  };

  const backup = async () => {
    try {
      const bytes = await download(API.dashboard.backup, {}, 'margin-backup.jsonl');
      setNotice(`Backup downloaded (${formatCount(bytes)} bytes).`);
    } catch (reason) {
      setError(errorText(reason));
    }
  };

  const restoreFile = async (file: File) => {
    const totals: Totals = {
      lines: 0,
      rejected: 0,
      stored: false,
      accepted: 0,
      unchanged: 0,
      superseded: 0,
      problems: [],
    };
    setRestore({ running: true, totals: { ...totals } });
    setError(null);
    // The companion stages the chunks and applies them all at the end (an empty last chunk), or none.
    const upload = randomUuid();
    let firstLine = 1;
    const add = (result: RestoreResponse) => {
      totals.lines += result.lines;
      totals.rejected += result.rejected;
      totals.problems = [...totals.problems, ...result.problems].slice(0, 100);
      setRestore({ running: true, totals: { ...totals } });
    };
    try {
      for await (const lines of lineChunks(file)) {
        add(await api(API.dashboard.restore, { body: { upload, firstLine, lines, last: false } }));
        firstLine += lines.length;
      }
      const result = await api(API.dashboard.restore, { body: { upload, firstLine, lines: [], last: true } });
      add(result);
      Object.assign(totals, {
        stored: result.stored,
        accepted: result.accepted,
        unchanged: result.unchanged,
        superseded: result.superseded,
      });
      setRestore({ running: false, totals });
      if (result.stored) invalidateFacets();
    } catch (reason) {
      setRestore({ running: false, totals });
      setError(`Restore stopped at line ${firstLine}: ${errorText(reason)} Nothing was restored; run it again.`);
    }
  };

  return (
    <div class="settings">
      <Notices error={error} notice={notice} />
      <section aria-labelledby="pairing">
        <h2 id="pairing">Pair a browser</h2>
        <p>Pairing lets the extension send what you annotate in that browser to this companion.</p>
        <ol class="pairing-steps">
          <li>
            Load the extension (the README says how: <code>extension/.output/chrome-mv3</code> or{' '}
            <code>firefox-mv3</code>) and open its options.
          </li>
          <li>
            Under <strong>Companion</strong>, enter the companion address <code data-pairing="address">{origin}</code>{' '}
            <button type="button" onClick={() => copy(origin, 'Address copied.')}>
              Copy
            </button>{' '}
            and the token below.
          </li>
          <li>
            Press <strong>Save</strong> (the page has one, at the top). It checks the address and the token with this
            companion first and saves them only if both work; otherwise it says what failed (nothing answers at that
            address, or the token is refused) and keeps the pairing you had, while the page's other changes are saved.
            Once paired, the popup shows this address and annotations sync by themselves.
          </li>
        </ol>
        <p>
          Token: <code data-token-shown={showToken}>{showToken ? token : '•'.repeat(Math.min(token.length, 43))}</code>{' '}
          <button type="button" onClick={() => setShowToken(!showToken)}>
            {showToken ? 'Hide' : 'Show'}
          </button>{' '}
          <button type="button" onClick={() => copy(token, 'Token copied.')}>
            Copy
          </button>
        </p>
        <p>
          <button type="button" onClick={newLink}>
            Sign-in link for another browser
          </button>{' '}
          {link && (
            <span>
              <code>{link.url}</code>{' '}
              <span class="muted">(works once, until {new Date(link.expiresAt).toLocaleTimeString()})</span>
            </span>
          )}
        </p>
      </section>
      <section aria-labelledby="token">
        <h2 id="token">Token</h2>
        <p>
          Rotate the token if it may have leaked: the old one stops working at once, here and in every paired browser.
        </p>
        <button type="button" class="danger" onClick={rotate}>
          Rotate token
        </button>{' '}
        <button type="button" onClick={signOut}>
          Sign out of this tab
        </button>
      </section>
      <section aria-labelledby="data">
        <h2 id="data">Data</h2>
        {settings && (
          <dl class="meta">
            <dt>Data directory</dt>
            <dd>
              <code data-setting="dataDir">{settings.dataDir}</code>
            </dd>
            <dt>Database</dt>
            <dd>
              <code>{settings.databaseFile}</code>
            </dd>
            <dt>Companion</dt>
            <dd>{settings.version}</dd>
          </dl>
        )}
      </section>
      <section aria-labelledby="backup">
        <h2 id="backup">Backup and restore</h2>
        <p>
          A backup is every annotation and conversation rating (deleted ones too, so a delete is never undone by a
          restore) as JSONL, the format of <code>margin import</code>. A restore is all or nothing: every line is
          checked first, and one bad line (listed by number) restores nothing. Restoring is idempotent: a line already
          stored changes nothing, and an older version never replaces a newer one.
        </p>
        <p>
          It does not hold earlier versions, comparisons, reviews, items, users, queues or the audit log. For a backup
          of the whole store, restored all or nothing, run <code>npx margin backup FILE</code> (and{' '}
          <code>npx margin restore FILE</code> with the companion stopped): see docs/backup.md.
        </p>
        <button type="button" onClick={backup}>
          Download backup
        </button>{' '}
        <label class="file">
          Restore from a backup:{' '}
          <input
            type="file"
            name="restore"
            accept=".jsonl,application/jsonl,application/x-ndjson,text/plain"
            disabled={restore?.running}
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              if (file) void restoreFile(file);
              event.currentTarget.value = '';
            }}
          />
        </label>
        {restore && (
          <div class="restore" data-running={restore.running} role="status">
            {restore.running ? (
              <p>
                Checking… {formatCount(restore.totals.lines)} lines, {formatCount(restore.totals.rejected)} rejected.
              </p>
            ) : restore.totals.stored ? (
              <p>
                Restored: {formatCount(restore.totals.lines)} lines, {formatCount(restore.totals.accepted)} stored,{' '}
                {formatCount(restore.totals.unchanged)} already present, {formatCount(restore.totals.superseded)} older
                than the stored version.
              </p>
            ) : (
              <p>
                Nothing was restored: {formatCount(restore.totals.lines)} lines, {formatCount(restore.totals.rejected)}{' '}
                rejected. Fix the lines below and restore again.
              </p>
            )}
            {restore.totals.problems.length > 0 && (
              <ul class="error">
                {restore.totals.problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </section>
    </div>
  );
}
