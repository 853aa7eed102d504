import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { newToken } from '../../companion/src/accounts/user-tokens.ts';
import { backupSqliteStore, restoreSqliteStore } from '../../companion/src/backup/sqlite-backup.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import {
  type Item,
  itemIdFor,
  itemKey,
  queueCreateSchema,
  queueItemIdFor,
  reviewRequestSchema,
} from '../../shared/index.ts';
import { seededRandom } from '../support/annotation-arbitrary.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { makeConversationRating } from '../support/conversation-rating-factory.ts';
import { repoRoot } from '../support/paths.ts';
import { sqliteDatabaseAt } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * `margin backup` / `margin restore` on SQLite: the backup holds every table row for row, a restore
 * into an empty store gives the same rows, and a restore SIGKILLed at a seeded random moment leaves
 * the store wholly the old one or wholly the restored one.
 */
const NOW = '2026-12-01T10:00:00.000Z';
const SEED = 18_2028;
const FILLER = 'Judgement took hours to give; a restore must not take half of it away. '.repeat(30);

function makeItem(messageId: string): Item {
  const key = itemKey('chatgpt', 'conv-backup', messageId);
  return {
    id: itemIdFor(key),
    key,
    source: 'import',
    site: 'chatgpt',
    conversationId: 'conv-backup',
    messageId,
    url: null,
    model: 'gpt-5',
    context: [{ role: 'user', content: `question ${messageId}` }],
    response: `answer ${messageId}`,
    variant: null,
    createdAt: NOW,
    metadata: { source: 'test' },
  };
}

/** Puts rows in every table a user's work lives in, through the stores (as the companion writes them). */
async function fill(stores: Stores, tag: string, annotations = 3): Promise<void> {
  const first = Array.from({ length: annotations }, (_, i) =>
    makeAnnotation({ conversationId: `${tag}-conv-${i}`, comment: `${tag} first ${i} ${FILLER}` }),
  );
  const push = (records: typeof first, at: string) =>
    stores.sync.applyChanges({ deviceId: `${tag}-laptop`, receivedAt: at, annotations: records, comparisons: [] });
  await push(first, NOW);
  const edited = first[0] as (typeof first)[0];
  await push([{ ...edited, comment: `${tag} second`, revision: 2, updatedAt: '2026-12-01T11:00:00.000Z' }], NOW);
  const rating = makeConversationRating({ note: `${tag} rating` });
  await stores.sync.applyChanges({
    deviceId: `${tag}-laptop`,
    receivedAt: NOW,
    annotations: [],
    comparisons: [],
    conversationRatings: [rating],
  });
  const { stored } = newToken('personal', new Date(NOW), `${tag}-grace`);
  await stores.users.add({ name: `${tag}-grace`, role: 'annotator', kind: 'human', createdAt: NOW }, stored);
  await stores.audit.append({
    at: NOW,
    actor: `${tag}-grace`,
    action: 'user.add',
    target: `${tag}-grace`,
    details: {},
  });
  const request = reviewRequestSchema.parse({ title: `${tag} review`, output: 'the output', metadata: { run: 7 } });
  await stores.reviews.insert({ id: `${tag}-rev`, request, requestHash: `${tag}-h`, createdAt: NOW, expiresAt: null });
  await stores.items.startRun({
    id: `${tag}-run`,
    source: 'chatgpt',
    file: 'conversations.json',
    status: 'running',
    dryRun: false,
    startedAt: NOW,
    updatedAt: NOW,
    finishedAt: null,
    summary: null,
    error: null,
  } as never);
  await stores.items.writeBatch(
    {
      runId: `${tag}-run`,
      items: [`${tag}-m1`, `${tag}-m2`].map(makeItem),
      conversations: [{ site: 'chatgpt', conversationId: `${tag}-conv`, fingerprint: 'fp' }],
    },
    new Date(NOW),
  );
  await stores.items.skip(makeItem(`${tag}-m2`).id, `${tag}-grace`, new Date(NOW));
  const { filter: _filter, ...settings } = queueCreateSchema.parse({ id: `${tag}-queue`, name: 'Q', overlap: 2 });
  const queue = { ...settings, createdAt: NOW, createdBy: 'lead' };
  await stores.queues.create(queue);
  await stores.queues.addItems(
    queue,
    [0, 1].map((unit) => ({
      id: queueItemIdFor(queue.id, `unit-${unit}`),
      queueId: queue.id,
      key: `unit-${unit}`,
      origin: 'api' as const,
      messages: [],
      response: `Response ${unit}`,
      responses: null,
      model: null,
      url: null,
      metadata: {},
      createdAt: NOW,
    })),
  );
  const lease = await stores.queues.lease(queue, `${tag}-grace`, new Date(NOW));
  expect(lease).toBeTruthy();
  await stores.queues.lease(queue, `${tag}-ada`, new Date(NOW));
  await stores.queues.record(
    queue,
    {
      queueId: queue.id,
      itemId: queueItemIdFor(queue.id, 'unit-0'),
      annotator: `${tag}-grace`,
      status: 'done',
      thumb: 'up',
      score: null,
      comment: 'fine',
      correction: null,
      rubric: {},
      preference: null,
      shownOrder: null,
      preferred: null,
      reason: null,
      answeredAt: NOW,
    },
    new Date(NOW),
  );
}

/** Every row of every table, and the schema: what "row for row" compares. */
function everyRow(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    const out: Record<string, unknown[]> = {
      schema: db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all(),
      user_version: [db.pragma('user_version', { simple: true })],
    };
    // Sorted as text: some tables are WITHOUT ROWID, and the order rows were written in is no content.
    for (const table of tables)
      out[table] = db
        .prepare(`SELECT * FROM ${table}`)
        .all()
        .map((row) => JSON.stringify(row))
        .sort();
    return out;
  } finally {
    db.close();
  }
}

async function filledStore(dir: string, name: string, tag: string, annotations?: number): Promise<string> {
  const path = join(dir, name);
  const stores = await sqliteDatabaseAt(path).open();
  try {
    await fill(stores, tag, annotations);
  } finally {
    await stores.close();
  }
  return path;
}

describe('margin backup and restore (sqlite)', () => {
  it('backs up every table, and a restore into an empty store gives the same rows, row for row', async () => {
    const dir = await makeTempDir('backup-roundtrip');
    try {
      const source = await filledStore(dir.path, 'margin.sqlite', 'a');
      const rows = everyRow(source);
      const empty = Object.entries(rows)
        .filter(([table, list]) => list.length === 0 && !table.startsWith('dashboard_'))
        .map(([table]) => table);
      // Every table of a user's work is filled (the rest are one server's passing state, or not reachable here).
      expect(empty.sort()).toEqual(['comparisons', 'queue_adjudications', 'rate_limit_buckets', 'sign_in_codes']);
      for (const table of [
        'users',
        'user_tokens',
        'audit_log',
        'queues',
        'queue_items',
        'queue_answers',
        'queue_leases',
      ])
        expect(rows[table]?.length, table).toBeGreaterThan(0);
      expect(JSON.stringify(rows.user_tokens)).not.toContain('a-grace.'); // hashes only, never a token

      const backup = join(dir.path, 'backup.sqlite');
      backupSqliteStore(source, backup);
      expect(statSync(backup).mode & 0o077).toBe(0);
      expect(() => backupSqliteStore(source, backup)).toThrow(/exists already/);
      const restored = join(dir.path, 'restored', 'margin.sqlite');
      mkdirSync(join(dir.path, 'restored'));
      const { previous } = await restoreSqliteStore(backup, restored);
      expect(previous).toBeNull();
      expect(everyRow(restored)).toEqual(rows);
      // Backing up the restored store gives the same content again.
      backupSqliteStore(restored, join(dir.path, 'again.sqlite'));
      expect(everyRow(join(dir.path, 'again.sqlite'))).toEqual(rows);
      const stores = await sqliteDatabaseAt(restored).open();
      try {
        expect(await stores.integrityCheck()).toBe('ok');
      } finally {
        await stores.close();
      }
    } finally {
      await dir.remove();
    }
  }, 60_000);

  it('refuses a file that is not a Margin backup, and leaves the store untouched', async () => {
    const dir = await makeTempDir('backup-refuse');
    try {
      const store = await filledStore(dir.path, 'margin.sqlite', 'a');
      const before = everyRow(store);
      const foreign = join(dir.path, 'notes.sqlite');
      new Database(foreign).exec('CREATE TABLE notes (x)').close();
      await expect(restoreSqliteStore(foreign, store)).rejects.toThrow(/not a Margin store/);
      await expect(restoreSqliteStore(join(dir.path, 'none.sqlite'), store)).rejects.toThrow(/no backup at/);
      expect(everyRow(store)).toEqual(before);
      expect(readdirSync(dir.path).filter((name) => name.startsWith('.'))).toEqual([]);
    } finally {
      await dir.remove();
    }
  }, 60_000);

  it('replaces an existing store wholly, keeping the old one under a second name', async () => {
    const dir = await makeTempDir('backup-replace');
    try {
      const backupSource = await filledStore(dir.path, 'b.sqlite', 'b');
      const backup = join(dir.path, 'backup.sqlite');
      backupSqliteStore(backupSource, backup);
      const store = await filledStore(dir.path, 'margin.sqlite', 'a');
      const old = everyRow(store);
      const { previous } = await restoreSqliteStore(backup, store);
      expect(everyRow(store)).toEqual(everyRow(backupSource));
      expect(previous && everyRow(previous)).toEqual(old);
    } finally {
      await dir.remove();
    }
  }, 60_000);
});

function margin(args: string[]): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'margin.js'), ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

describe('margin restore killed mid-way (sqlite)', () => {
  it('leaves the store wholly the old one or wholly the restored one after each SIGKILL', async () => {
    const dir = await makeTempDir('restore-kill');
    try {
      const newer = await filledStore(dir.path, 'newer.sqlite', 'new', 1500);
      const backup = join(dir.path, 'backup.sqlite');
      backupSqliteStore(newer, backup);
      const restoredRows = everyRow(newer);
      const oldFile = await filledStore(dir.path, 'old.sqlite', 'old', 1500);
      const oldRows = everyRow(oldFile);
      const data = join(dir.path, 'data');
      mkdirSync(data);
      const store = join(data, 'margin.sqlite');

      const staging = () => readdirSync(data).some((name) => name.startsWith('.margin.sqlite.restore-'));
      /** Starts a restore and resolves once its staging file appears (its work has begun) or it ended. */
      const begin = async () => {
        const run = margin(['restore', backup, '--data-dir', data]);
        let ended = false;
        void run.exited.then(() => {
          ended = true;
        });
        while (!ended && !staging()) await new Promise((r) => setTimeout(r, 2));
        return { run, began: Date.now() };
      };

      // How long a restore works once its staging file is there, so the kills land anywhere inside that.
      copyFileSync(oldFile, store);
      const full = await begin();
      expect(await full.run.exited).toBe(0);
      const workMs = Date.now() - full.began;
      expect(everyRow(store)).toEqual(restoredRows);

      const random = seededRandom(SEED);
      const outcomes: string[] = [];
      for (let round = 0; round < 6; round++) {
        for (const name of readdirSync(data)) rmSync(join(data, name));
        copyFileSync(oldFile, store);
        const { run } = await begin();
        await new Promise((r) => setTimeout(r, Math.floor(random() * workMs)));
        const staged = staging();
        run.child.kill('SIGKILL');
        await run.exited;
        const rows = everyRow(store);
        const whole = JSON.stringify(rows) === JSON.stringify(oldRows) ? 'old' : 'restored';
        expect(rows, `round ${round}`).toEqual(whole === 'old' ? oldRows : restoredRows);
        outcomes.push(`${whole}${staged ? ' (staged)' : ''}`);
      }
      console.log(`restore kills: ${outcomes.join(', ')} (a restore works ${workMs} ms once staged)`);
      // The next restore finishes the job and clears what a killed one left behind.
      expect(await margin(['restore', backup, '--data-dir', data]).exited).toBe(0);
      expect(everyRow(store)).toEqual(restoredRows);
      expect(readdirSync(data).filter((name) => name.startsWith('.'))).toEqual([]);
    } finally {
      await dir.remove();
    }
  }, 120_000);
});
