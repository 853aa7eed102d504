import { describeIssues, type MeResponse } from '../../../shared/index.ts';
import type { AppDB } from '../db/app-db.ts';
import { backoffDelayMs } from './backoff.ts';
import {
  type CompanionClient,
  CompanionError,
  createCompanionClient,
  type FetchLike,
  normalizeCompanionUrl,
} from './companion-client.ts';
import { countPending, queueEverything, requeueRejected } from './outbox.ts';
import { getDeviceId, readMeta, writeMeta } from './sync-meta.ts';
import { type SyncReport, syncOnce } from './sync-once.ts';
import {
  type CompanionSettings,
  type ConfigureResult,
  companionSettingsSchema,
  configureInputSchema,
  INITIAL_SYNC_STATE,
  type SignedIn,
  type SyncFailure,
  type SyncState,
} from './sync-state.ts';

export const SYNC_ALARM = 'margin-sync';

/** What the popup and the options page say about who is signed in, from `/me` (null: it has none). */
export function signedInFrom(url: string, me: MeResponse | null, version = ''): SignedIn {
  return me
    ? { url, user: me.user, team: me.server.team, version: me.server.version }
    : { url, user: null, team: false, version };
}

/** The part of `browser.alarms` the engine uses (`fakeBrowser.alarms` in tests). */
export interface AlarmsApi {
  create(name: string, info: { when: number }): unknown;
  clear(name: string): Promise<boolean>;
  get(name: string): Promise<{ name: string; scheduledTime: number } | undefined>;
}

export interface SyncEngineDeps {
  db: AppDB;
  alarms: AlarmsApi;
  fetch?: FetchLike;
  now?: () => number;
  random?: () => number;
  /** How long after a local change the push starts, so a burst of edits goes in one request. */
  pushDelayMs?: number;
  /** After a run that pushed and pulled everything (e.g. refresh the pending-reviews badge). */
  afterSuccess?: (client: CompanionClient) => Promise<void>;
}

/**
 * Schedules and runs sync in the background. Triggers: a local change (soon after, debounced), the
 * `margin-sync` alarm (the regular interval, or the backoff while the companion is down), a new
 * pairing, and "Sync now". What it has to remember (schedule, attempt count, last failure) is in
 * IndexedDB; the alarm is set before each run as if the run will fail, so a worker stopped mid-run
 * is woken again by it, and `start()` re-creates it after a browser restart (alarms may not persist).
 */
export function createSyncEngine(deps: SyncEngineDeps) {
  const { db, alarms } = deps;
  const now = deps.now ?? (() => Date.now());
  const random = deps.random ?? Math.random;
  const pushDelayMs = deps.pushDelayMs ?? 500;
  // One run at a time in this context; only the background runs sync, so nothing else can overlap it.
  let running: Promise<void> | null = null;
  let again = false;
  let paused = false;
  let soon: ReturnType<typeof setTimeout> | undefined;

  async function readState(): Promise<SyncState> {
    return (await readMeta(db, 'state')) ?? INITIAL_SYNC_STATE;
  }

  async function schedule(state: SyncState): Promise<void> {
    await writeMeta(db, 'state', state);
    if (state.nextAttemptAt === null) await alarms.clear(SYNC_ALARM);
    else await alarms.create(SYNC_ALARM, { when: state.nextAttemptAt });
  }

  /** Whether a change should wait for the alarm: token rejected, not paired, or backing off. */
  function waitsForAlarm(state: SyncState): boolean {
    if (state.failure === null) return false;
    if (state.failure.kind === 'unauthorized' || state.failure.kind === 'not-paired') return true;
    return state.nextAttemptAt !== null && state.nextAttemptAt > now();
  }

  function failureFrom(error: unknown, previous: SyncFailure | null): SyncFailure {
    const kind = error instanceof CompanionError ? error.kind : 'local-error';
    const message = error instanceof Error ? error.message : String(error);
    return { kind, message, since: previous?.kind === kind ? previous.since : now() };
  }

  async function runOnce(): Promise<SyncReport | null> {
    const settings = await readMeta(db, 'companion');
    const state = await readState();
    if (!settings) {
      await schedule({
        ...state,
        failure: { kind: 'not-paired', message: 'no companion set in Options', since: now() },
        nextAttemptAt: null,
      });
      return null;
    }
    const intervalMs = settings.intervalSeconds * 1000;
    // Before any work: if this worker is stopped mid-run, the alarm wakes it as if the run had failed.
    await schedule({ ...state, nextAttemptAt: now() + backoffDelayMs(state.attempt + 1, intervalMs, random) });
    const client = createCompanionClient({ url: settings.url, token: settings.token }, deps.fetch);
    try {
      await rememberSignedIn(client);
      const report = await syncOnce(db, client, await getDeviceId(db));
      await schedule({ lastSuccessAt: now(), failure: null, attempt: 0, nextAttemptAt: now() + intervalMs });
      await deps.afterSuccess?.(client).catch(() => undefined);
      return report;
    } catch (error) {
      const failure = failureFrom(error, state.failure);
      if (failure.kind === 'unauthorized') {
        // A rejected token stays rejected: wait for the person to paste a new one in Options.
        await schedule({ ...state, failure, nextAttemptAt: null });
      } else if (error instanceof CompanionError && error.kind === 'rate-limited') {
        await schedule({ ...state, failure, nextAttemptAt: now() + (error.details.retryAfterMs ?? intervalMs) });
      } else {
        const attempt = state.attempt + 1;
        await schedule({
          ...state,
          failure,
          attempt,
          nextAttemptAt: now() + backoffDelayMs(attempt, intervalMs, random),
        });
      }
      return null;
    }
  }

  /**
   * Asks `/me` once per pairing when the options page could not (a pairing from before accounts): a
   * companion without the route (404) serves one person.
   */
  async function rememberSignedIn(client: CompanionClient): Promise<void> {
    const known = await readMeta(db, 'signedIn');
    if (known?.url === client.endpoint.url) return;
    try {
      await writeMeta(db, 'signedIn', signedInFrom(client.endpoint.url, await client.me()));
    } catch (error) {
      if (!(error instanceof CompanionError && error.kind === 'refused' && error.details.status === 404)) throw error;
      await writeMeta(db, 'signedIn', signedInFrom(client.endpoint.url, null));
    }
  }

  async function rearmWatchdog(): Promise<void> {
    const [settings, state] = await Promise.all([readMeta(db, 'companion'), readState()]);
    if (!settings) return;
    const retryAt = now() + backoffDelayMs(state.attempt + 1, settings.intervalSeconds * 1000, random);
    await schedule({ ...state, nextAttemptAt: retryAt });
  }

  /** Runs now, or right after the run in progress; resolves when no run is left to do. */
  function runNow(): Promise<void> {
    if (paused) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await runOnce();
        } while (again && !waitsForAlarm(await readState()));
      } finally {
        running = null;
      }
    })();
    return running;
  }

  /**
   * A run nobody awaits (a local change, a new pairing). Its failures are already recorded in the
   * sync state when the companion is at fault; what is left (IndexedDB closed under it, e.g. the
   * extension being updated) is logged, not thrown into the void, and the alarm tries again.
   */
  function runInBackground(): void {
    runNow().catch((error: unknown) => console.warn('Margin sync run failed:', error));
  }

  const engine = {
    /** At every start of the background: re-create the alarm if the browser dropped it, push what waits. */
    async start(): Promise<void> {
      db.outboxListeners.add(() => engine.requestSoon());
      const state = await readState();
      const alarm = await alarms.get(SYNC_ALARM);
      if (!alarm && state.nextAttemptAt !== null)
        await alarms.create(SYNC_ALARM, { when: Math.max(now(), state.nextAttemptAt) });
      // The worker wakes for every message and event: sync then only if something waits or is due.
      const due = state.nextAttemptAt === null || state.nextAttemptAt <= now();
      if (!waitsForAlarm(state) && (due || (await countPending(db)).pending > 0)) engine.requestSoon();
    },

    async handleAlarm(name: string): Promise<void> {
      if (name !== SYNC_ALARM) return;
      // The alarm is spent once it fires. If a run is still in flight (a slow push), arm it again, so
      // a worker stopped before that run ends is still woken to finish the job.
      if (running) await rearmWatchdog();
      await runNow();
    },

    /** A local change: push it soon, unless the companion is known to be down (then the alarm retries). */
    requestSoon(): void {
      clearTimeout(soon);
      soon = setTimeout(() => {
        readState().then(
          (state) => {
            if (!waitsForAlarm(state)) runInBackground();
          },
          (error: unknown) => console.warn('Margin sync state unreadable:', error),
        );
      }, pushDelayMs);
    },

    /**
     * Before the extension's data is deleted: no run starts until `resume()`, and the one in flight
     * has ended when this resolves, so nothing it pulled is written into the emptied database.
     */
    async pause(): Promise<void> {
      paused = true;
      clearTimeout(soon);
      await running?.catch(() => undefined);
    },

    resume(): void {
      paused = false;
    },

    /** "Sync now" in the popup: runs whatever the backoff says, and resolves with the new state. */
    async syncNow(): Promise<SyncState> {
      await runNow();
      return readState();
    },

    /**
     * Pairs with a companion (options page). A new URL means another companion: everything this
     * profile holds is queued for it, and pulling starts from its beginning. Nothing local is dropped
     * (docs/team.md, "Switching servers"), and what the last one refused is tried again.
     */
    async configure(raw: unknown): Promise<ConfigureResult> {
      const checked = configureInputSchema.safeParse(raw);
      if (!checked.success) return { ok: false, error: `Companion settings: ${describeIssues(checked.error)}` };
      const { me, ...input } = checked.data;
      const url = normalizeCompanionUrl(input.url);
      if (!url.ok) return { ok: false, error: url.error };
      const parsed = companionSettingsSchema.safeParse({ ...input, url: url.url, token: input.token.trim() });
      if (!parsed.success) return { ok: false, error: 'Sync interval: a whole number of seconds from 1 to 86400.' };
      if (parsed.data.token === '')
        return {
          ok: false,
          error: 'Token: paste the token that `npx margin token` prints (or your personal token on a team server).',
        };
      const settings: CompanionSettings = parsed.data;
      const previous = await readMeta(db, 'companion');
      await writeMeta(db, 'companion', settings);
      if (me !== undefined) await writeMeta(db, 'signedIn', signedInFrom(settings.url, me));
      else await db.syncMeta.delete('signedIn');
      if (previous?.url !== settings.url || previous?.token !== settings.token) await requeueRejected(db);
      if (previous?.url !== settings.url) {
        await writeMeta(db, 'checkpoint', 0);
        await queueEverything(db, now());
      }
      await schedule({ ...(await readState()), failure: null, attempt: 0, nextAttemptAt: now() });
      runInBackground();
      return { ok: true };
    },
  };
  return engine;
}
export type SyncEngine = ReturnType<typeof createSyncEngine>;
