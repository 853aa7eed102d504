import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importHistory } from '../../companion/src/import-history/run-import.ts';
import {
  ABANDONED_RUN_ERROR,
  interruptAbandonedRuns,
  RUN_LEASE_MS,
} from '../../companion/src/import-history/run-lease.ts';
import { conversationsJson, generateConversation } from '../support/chatgpt-export-generator.ts';
import { repoRoot } from '../support/paths.ts';
import { createDatabase, STORE_KINDS, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { ZipWriter } from '../support/zip-writer.ts';

const COUNT = 2_000;
const SEED = 41;
const SHAPE = { turns: 6, answerChars: 1_200 };

/** A thumb on the last answer of every tenth conversation, as message_feedback.json holds them. */
function feedback(): Buffer {
  const entries = [];
  for (let index = 0; index < COUNT; index += 10) {
    const conversation = generateConversation(index, SEED, SHAPE) as { id: string; current_node: string };
    entries.push({
      id: `fb-${index}`,
      conversation_id: conversation.id,
      user_id: 'user-1',
      rating: index % 20 === 0 ? 'thumbsUp' : 'thumbsDown',
      create_time: '2024-09-22T10:03:15.482911+00:00',
      content: '{"tags": []}',
      message_id: conversation.current_node,
    });
  }
  return Buffer.from(JSON.stringify(entries));
}

function startImport(file: string, dataDir: string, database: TestDatabase) {
  const child = spawn(
    process.execPath,
    [
      join(repoRoot, 'bin', 'margin.js'),
      'import-history',
      file,
      '--data-dir',
      dataDir,
      '--database',
      database.option,
      '--no-progress',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

/** What an import left in the database: rows that matter, by identity and content (SQL both stores read alike). */
async function snapshot(database: TestDatabase) {
  const column = async (sql: string) => (await database.query<{ v: string }>(sql)).map((row) => row.v);
  const integrity =
    database.kind === 'sqlite'
      ? String((await database.query<{ integrity_check: string }>('PRAGMA integrity_check'))[0]?.integrity_check)
      : 'ok'; // PostgreSQL: every statement is checked as it commits; there is no file to check
  return {
    integrity,
    conversations: await column('SELECT conversation_id AS v FROM history_conversations ORDER BY 1'),
    items: await column("SELECT conversation_id || ' ' || key || ' ' || context AS v FROM items ORDER BY key"),
    annotations: await column("SELECT conversation_id || ' ' || id || ' ' || hash AS v FROM annotations ORDER BY id"),
  };
}

/** Rows is `conversation_id …`: those of the given conversations. */
const within = (rows: string[], conversations: Set<string>) =>
  rows.filter((row) => conversations.has(row.slice(0, row.indexOf(' '))));

async function storedConversations(database: TestDatabase): Promise<number> {
  try {
    return await database.count('history_conversations');
  } catch {
    return 0; // not created or not migrated yet
  }
}

async function runs(database: TestDatabase) {
  return database.query<{ id: string; status: string; error: string | null; summary: string }>(
    'SELECT id, status, error, summary FROM import_runs ORDER BY started_at, id',
  );
}

describe.each(STORE_KINDS)('SIGKILL during a history import (%s)', (kind) => {
  let dir: { path: string; remove: () => Promise<void> };
  let file = '';
  let whole: Awaited<ReturnType<typeof snapshot>>;
  const databases: TestDatabase[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('history-kill');
    file = join(dir.path, 'chatgpt-export.zip');
    const zip = new ZipWriter(file);
    await zip.add('conversations-000.json', conversationsJson(0, COUNT / 2, SEED, SHAPE));
    await zip.add('conversations-001.json', conversationsJson(COUNT / 2, COUNT, SEED, SHAPE));
    await zip.add('message_feedback.json', [feedback()]);
    await zip.close();
    // The reference: the same file imported without interruption.
    const reference = await createDatabase(kind, 'kill_reference');
    databases.push(reference);
    const stores = await reference.open();
    await importHistory({ store: stores.sync, items: stores.items }, { file, source: 'auto', annotator: 'me' });
    await stores.close();
    whole = await snapshot(reference);
  }, 240_000);
  afterAll(async () => {
    for (const database of databases) await database.remove();
    await dir?.remove();
  });

  it('keeps every stored conversation whole, shows the dead run as interrupted, and a rerun completes exactly what one import stores', async () => {
    expect(whole.conversations).toHaveLength(COUNT);
    expect(whole.annotations).toHaveLength(COUNT / 10);
    const database = await createDatabase(kind, 'kill_killed');
    databases.push(database);
    const dataDir = join(dir.path, `killed-${kind}`);
    const run = startImport(file, dataDir, database);
    const deadline = Date.now() + 120_000;
    while ((await storedConversations(database)) === 0) {
      if (Date.now() > deadline) throw new Error(`the import stored nothing in 2 minutes: ${run.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    run.child.kill('SIGKILL');
    await run.exited;

    const killed = await snapshot(database);
    expect(killed.integrity).toBe('ok');
    expect(killed.conversations.length).toBeGreaterThan(0);
    expect(killed.conversations.length, 'killed mid-way, not after the end').toBeLessThan(COUNT);
    // A conversation marked as imported has all its responses and ratings, exactly as a whole import stores them.
    const marked = new Set(killed.conversations);
    expect(within(killed.items, marked)).toEqual(within(whole.items, marked));
    expect(within(killed.annotations, marked)).toEqual(within(whole.annotations, marked));

    // Nobody can tell a dead process from a slow one at once: the run reads as running until its lease expires…
    const [dead] = await runs(database);
    expect(dead).toMatchObject({ status: 'running', error: null });
    const stores = await database.open();
    try {
      expect(await interruptAbandonedRuns(stores.items, new Date())).toBe(0);
      // …and then as interrupted, for every companion on the database (the rule compares times only).
      expect(await interruptAbandonedRuns(stores.items, new Date(Date.now() + RUN_LEASE_MS + 1_000))).toBe(1);
      const interrupted = await stores.items.getRun(dead?.id ?? '');
      expect(interrupted).toMatchObject({ status: 'interrupted', error: ABANDONED_RUN_ERROR });
      expect(interrupted?.finishedAt).not.toBeNull();
    } finally {
      await stores.close();
    }

    const rerun = startImport(file, dataDir, database);
    expect(await rerun.exited, rerun.stderr()).toBe(0);
    const completed = await snapshot(database);
    expect(completed.integrity).toBe('ok');
    expect(completed.conversations).toEqual(whole.conversations);
    expect(completed.items).toEqual(whole.items);
    expect(completed.annotations).toEqual(whole.annotations);
    // The rerun skipped what the killed run had stored whole, and imported the rest.
    const [first, second] = await runs(database);
    expect(first?.status).toBe('interrupted');
    expect(second?.status).toBe('done');
    const summary = JSON.parse(second?.summary ?? '{}');
    expect(summary.conversations.unchanged).toBe(killed.conversations.length);
    expect(summary.conversations.unchanged + summary.conversations.imported).toBe(COUNT);
  }, 360_000);
});
