import { canonicalJson } from '../../shared/canonical-json.ts';
import type { Annotation } from '../../shared/index.ts';
import { seededRandom } from './annotation-arbitrary.ts';
import { makeAnnotation } from './annotation-factory.ts';
import type { CompanionProcess } from './companion.ts';
import type { TestDatabase } from './stores.ts';

/**
 * A Jepsen-style kill campaign against a real companion process: several clients push new records,
 * edits and deletes and pull, all at once, while the process is SIGKILLed at random moments. After
 * every restart each acknowledged change must be there exactly once, at its latest acknowledged
 * revision or a later one the client sent; every acknowledged version that was replaced must be in
 * history; tombstones stay dead; the database passes its integrity check.
 *
 * Each client owns its records (as a browser profile owns what it creates), so "the latest
 * acknowledged revision" is well defined; an unacknowledged push stays in the client's outbox and is
 * replayed after the restart, as the extension does.
 */
export interface CampaignOptions {
  companion: CompanionProcess;
  database: TestDatabase;
  kills: number;
  clients: number;
  seed: number;
  /** Run the database-level checks (integrity, history) after every n-th restart, and at the end. */
  deepCheckEvery?: number;
  /** Called after every kill and its checks, with the figures so far (a long soak shows progress). */
  onProgress?: (figures: CampaignFigures) => void;
}

export interface CampaignFigures {
  store: string;
  seed: number;
  clients: number;
  kills: number;
  /** Kills that landed while at least one request was in flight. */
  killsMidRequest: number;
  /** Versions the companion acknowledged (accepted or unchanged), edits and deletes included. */
  acknowledgedWrites: number;
  /** Acknowledged versions checked, summed over every check after a restart. */
  acknowledgedChecked: number;
  tombstones: number;
  deepChecks: number;
  lost: number;
  durationMs: number;
}

interface Client {
  deviceId: string;
  index: number;
  created: number;
  /** The latest version sent, by id. */
  latest: Map<string, Annotation>;
  /** Every version sent, by `id@revision`. */
  versions: Map<string, Annotation>;
  /** The latest acknowledged version, by id. */
  acked: Map<string, Annotation>;
  /** Every acknowledged `id@revision`. */
  ackedVersions: Set<string>;
  /** Not acknowledged yet: replayed on the next push. */
  outbox: Map<string, Annotation>;
  inFlight: number;
}

const key = (record: Pick<Annotation, 'id' | 'revision'>) => `${record.id}@${record.revision}`;

export async function runKillCampaign(options: CampaignOptions): Promise<CampaignFigures> {
  const { companion, database, kills } = options;
  const random = seededRandom(options.seed);
  const deepCheckEvery = options.deepCheckEvery ?? 5;
  const started = Date.now();
  const clients: Client[] = Array.from({ length: options.clients }, (_, index) => ({
    deviceId: `kill-client-${index}`,
    index,
    created: 0,
    latest: new Map(),
    versions: new Map(),
    acked: new Map(),
    ackedVersions: new Set(),
    outbox: new Map(),
    inFlight: 0,
  }));
  const figures: CampaignFigures = {
    store: database.kind,
    seed: options.seed,
    clients: options.clients,
    kills: 0,
    killsMidRequest: 0,
    acknowledgedWrites: 0,
    acknowledgedChecked: 0,
    tombstones: 0,
    deepChecks: 0,
    lost: 0,
    durationMs: 0,
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const send = (client: Client, version: Annotation) => {
    client.latest.set(version.id, version);
    client.versions.set(key(version), version);
    client.outbox.set(version.id, version);
  };

  /** One step of a client: new records, edits, deletes, or a pull, then a push of its outbox. */
  const step = async (client: Client, checkpoint: { since: number }) => {
    const live = [...client.acked.values()].filter((record) => client.latest.get(record.id)?.deletedAt === null);
    const roll = random();
    if (roll < 0.4 || live.length < 5) {
      for (let n = 5 + Math.floor(random() * 25); n > 0; n--) {
        client.created += 1;
        const serial = String(client.created).padStart(12, '0');
        send(
          client,
          makeAnnotation({
            id: `0000000${client.index}-0000-4000-8000-${serial}`,
            conversationId: `kill-${client.index}-${Math.floor(client.created / 10)}`,
            messageId: `m-${client.index}-${serial}`,
            annotator: `annotator-${client.index}`,
            comment: 'c'.repeat(Math.floor(random() * 400)),
            score: Math.floor(random() * 101),
          }),
        );
      }
    } else if (roll < 0.7) {
      for (let n = 1 + Math.floor(random() * 10); n > 0; n--) {
        const previous = client.latest.get(pick(live).id) as Annotation;
        if (previous.deletedAt !== null) continue;
        const revision = previous.revision + 1;
        send(client, {
          ...previous,
          revision,
          score: Math.floor(random() * 101),
          comment: `edit ${revision}`,
          updatedAt: new Date(Date.parse(previous.createdAt) + revision * 1000).toISOString(),
        });
      }
    } else if (roll < 0.82) {
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
        const previous = client.latest.get(pick(live).id) as Annotation;
        if (previous.deletedAt !== null) continue;
        const revision = previous.revision + 1;
        const at = new Date(Date.parse(previous.createdAt) + revision * 1000).toISOString();
        send(client, { ...previous, revision, updatedAt: at, deletedAt: at });
      }
    } else {
      const page = await request<{ annotations: Annotation[]; checkpoint: number }>(
        companion,
        `/api/v1/sync/pull?since=${checkpoint.since}&limit=1000`,
      );
      // What a pull hands out must be a version some client sent, never a mix or an invention.
      for (const record of page.annotations) {
        const owner = clients.find((candidate) => candidate.latest.has(record.id));
        if (owner?.versions.get(key(record)) === undefined) {
          throw new Error(`pull returned a version nobody sent: ${key(record)}`);
        }
      }
      checkpoint.since = page.checkpoint;
      return;
    }
    const batch = [...client.outbox.values()].slice(0, 200);
    const body = await request<{ annotations: Array<{ status: string; issues?: unknown }> }>(
      companion,
      '/api/v1/sync/push',
      { deviceId: client.deviceId, annotations: batch },
    );
    for (const [index, result] of body.annotations.entries()) {
      const version = batch[index] as Annotation;
      if (result.status !== 'accepted' && result.status !== 'unchanged') {
        throw new Error(`push of ${key(version)} answered ${result.status}: ${JSON.stringify(result.issues ?? '')}`);
      }
      figures.acknowledgedWrites += 1;
      client.ackedVersions.add(key(version));
      if ((client.acked.get(version.id)?.revision ?? 0) < version.revision) client.acked.set(version.id, version);
      if (client.outbox.get(version.id) === version) client.outbox.delete(version.id);
    }
  };

  for (let round = 0; round < kills; round++) {
    let running = true;
    const errors: unknown[] = [];
    const loops = clients.map(async (client) => {
      const checkpoint = { since: 0 };
      while (running) {
        client.inFlight += 1;
        try {
          await step(client, checkpoint);
        } catch (error) {
          // A request the kill cut off has an unknown outcome: its versions stay in the outbox.
          if (running) errors.push(error);
          return;
        } finally {
          client.inFlight -= 1;
        }
      }
    });
    // Kill at a random moment once this round has made progress (a loaded machine may take seconds
    // for the first answer after a restart; a kill before it would test nothing new).
    const ackedBefore = figures.acknowledgedWrites;
    const waitUntil = Date.now() + 30_000;
    while (figures.acknowledgedWrites === ackedBefore && errors.length === 0 && Date.now() < waitUntil) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, random() * 600));
    if (clients.some((client) => client.inFlight > 0)) figures.killsMidRequest += 1;
    running = false;
    await companion.kill('SIGKILL');
    await Promise.all(loops);
    figures.kills += 1;
    if (errors.length > 0) throw errors[0];
    await companion.start();
    await checkAcknowledged(companion, clients, figures);
    if ((round + 1) % deepCheckEvery === 0 || round === kills - 1) {
      await checkDatabase(database, clients);
      figures.deepChecks += 1;
    }
    figures.durationMs = Date.now() - started;
    options.onProgress?.(figures);
  }
  figures.tombstones = clients.reduce(
    (sum, client) => sum + [...client.acked.values()].filter((record) => record.deletedAt !== null).length,
    0,
  );
  figures.durationMs = Date.now() - started;
  return figures;
}

/** An answer slower than this is a hang (a failure of the campaign), not something to wait out. */
const REQUEST_TIMEOUT_MS = 90_000;

async function request<T>(companion: CompanionProcess, path: string, body?: unknown): Promise<T> {
  const send = () =>
    fetch(`${companion.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${companion.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }).catch((error: Error & { cause?: { code?: string } }) => {
      if (error.name === 'TimeoutError')
        throw new Error(`${path}: no answer in ${REQUEST_TIMEOUT_MS / 1000} s (a hang)`);
      throw error;
    });
  // fetch keeps connections alive: after a restart it may first pick one the killed process left
  // behind ("other side closed", ECONNRESET). Pushes and pulls are idempotent, so one retry is what a client does;
  // a companion that is really gone refuses the retry too.
  const response = await send().catch((error: { cause?: { code?: string } }) => {
    if (error.cause?.code !== 'UND_ERR_SOCKET' && error.cause?.code !== 'ECONNRESET') throw error;
    return send();
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Through the API, as a client sees it: every acknowledged change once, at its latest revision. */
async function checkAcknowledged(companion: CompanionProcess, clients: Client[], figures: CampaignFigures) {
  const stored = new Map<string, Annotation>();
  let since = 0;
  for (;;) {
    const page = await request<{ annotations: Annotation[]; checkpoint: number; hasMore: boolean }>(
      companion,
      `/api/v1/sync/pull?since=${since}&limit=1000`,
    );
    for (const record of page.annotations) {
      if (stored.has(record.id)) throw new Error(`${record.id} is stored twice`);
      stored.set(record.id, record);
    }
    since = page.checkpoint;
    if (!page.hasMore) break;
  }
  const problems: string[] = [];
  let known = 0;
  for (const client of clients) {
    known += client.latest.size;
    for (const [id, acked] of client.acked) {
      figures.acknowledgedChecked += 1;
      const current = stored.get(id);
      if (current === undefined || current.revision < acked.revision) {
        problems.push(`lost: ${key(acked)} (stored: ${current ? key(current) : 'nothing'})`);
      } else if (canonicalJson(current) !== canonicalJson(client.versions.get(key(current)))) {
        problems.push(`${key(current)} is not the version that was sent`);
      } else if (acked.deletedAt !== null && current.deletedAt === null) {
        problems.push(`tombstone ${key(acked)} came back to life as ${key(current)}`);
      }
    }
  }
  if (stored.size > known) problems.push(`${stored.size - known} records nobody sent`);
  figures.lost += problems.filter((problem) => problem.startsWith('lost')).length;
  if (problems.length > 0) throw new Error(`after kill ${figures.kills}:\n${problems.slice(0, 20).join('\n')}`);
}

/** Straight from the database: integrity, one row per id, and every replaced acknowledged version in history. */
async function checkDatabase(database: TestDatabase, clients: Client[]) {
  if (database.kind === 'sqlite') {
    const [row] = await database.query<{ integrity_check: string }>('PRAGMA integrity_check');
    if (row?.integrity_check !== 'ok') throw new Error(`integrity_check: ${JSON.stringify(row)}`);
  } else {
    const [row] = await database.query<{ ok: boolean }>(
      `SELECT coalesce(max(seq), 0) <= (SELECT last_seq FROM sync_sequence) AS ok
       FROM (SELECT seq FROM annotations UNION ALL SELECT seq FROM comparisons) s`,
    );
    if (row?.ok !== true) throw new Error('a stored sequence number is above the sequence counter');
  }
  const [counts] = await database.query<{ rows: number; ids: number; seqs: number }>(
    'SELECT count(*) AS rows, count(DISTINCT id) AS ids, count(DISTINCT seq) AS seqs FROM annotations',
  );
  if (Number(counts?.rows) !== Number(counts?.ids) || Number(counts?.rows) !== Number(counts?.seqs)) {
    throw new Error(`annotations rows/ids/seqs differ: ${JSON.stringify(counts)}`);
  }
  const history = new Map<string, string>();
  for (const row of await database.query<{ id: string; revision: number; body: string }>(
    "SELECT id, revision, body FROM history WHERE kind = 'annotation'",
  )) {
    history.set(`${row.id}@${Number(row.revision)}`, row.body);
  }
  for (const client of clients) {
    for (const version of client.ackedVersions) {
      const [id] = version.split('@');
      const latest = client.acked.get(id as string) as Annotation;
      if (version === key(latest)) continue;
      const body = history.get(version);
      if (body === undefined) throw new Error(`acknowledged ${version} was replaced but is not in history`);
      if (canonicalJson(JSON.parse(body)) !== canonicalJson(client.versions.get(version))) {
        throw new Error(`history holds another body for ${version}`);
      }
    }
  }
}
