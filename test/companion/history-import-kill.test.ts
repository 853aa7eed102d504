import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importHistory } from '../../companion/src/import-history/run-import.ts';
import { DATABASE_FILE } from '../../companion/src/storage/sqlite/sqlite-store.ts';
import { openStore } from '../../companion/src/support/data-dir.ts';
import { conversationsJson, generateConversation } from '../support/chatgpt-export-generator.ts';
import { repoRoot } from '../support/paths.ts';
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

function startImport(file: string, dataDir: string) {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'bin', 'margin.js'), 'import-history', file, '--data-dir', dataDir, '--no-progress'],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

/** What an import left in the database: rows that matter, by identity and content. */
function snapshot(dataDir: string) {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    const column = (sql: string) => db.prepare(sql).pluck().all() as string[];
    return {
      integrity: String(db.pragma('integrity_check', { simple: true })),
      conversations: column('SELECT conversation_id FROM history_conversations ORDER BY 1'),
      items: column("SELECT conversation_id || ' ' || key || ' ' || context FROM items ORDER BY key"),
      annotations: column("SELECT conversation_id || ' ' || id || ' ' || hash FROM annotations ORDER BY id"),
    };
  } finally {
    db.close();
  }
}

/** Rows is `conversation_id …`: those of the given conversations. */
const within = (rows: string[], conversations: Set<string>) =>
  rows.filter((row) => conversations.has(row.slice(0, row.indexOf(' '))));

async function storedConversations(dataDir: string): Promise<number> {
  try {
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT count(*) FROM history_conversations').pluck().get() as number;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created or not migrated yet
  }
}

describe('SIGKILL during a history import', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let file = '';
  let whole: ReturnType<typeof snapshot>;

  beforeAll(async () => {
    dir = await makeTempDir('history-kill');
    file = join(dir.path, 'chatgpt-export.zip');
    const zip = new ZipWriter(file);
    await zip.add('conversations-000.json', conversationsJson(0, COUNT / 2, SEED, SHAPE));
    await zip.add('conversations-001.json', conversationsJson(COUNT / 2, COUNT, SEED, SHAPE));
    await zip.add('message_feedback.json', [feedback()]);
    await zip.close();
    // The reference: the same file imported without interruption.
    const reference = join(dir.path, 'reference');
    const stores = await openStore(reference);
    await importHistory({ store: stores.sync, items: stores.items }, { file, source: 'auto', annotator: 'me' });
    await stores.close();
    whole = snapshot(reference);
  }, 240_000);
  afterAll(() => dir?.remove());

  it('keeps every stored conversation whole, and a rerun completes exactly what one import stores', async () => {
    expect(whole.conversations).toHaveLength(COUNT);
    expect(whole.annotations).toHaveLength(COUNT / 10);
    const dataDir = join(dir.path, 'killed');
    const run = startImport(file, dataDir);
    const deadline = Date.now() + 120_000;
    while ((await storedConversations(dataDir)) === 0) {
      if (Date.now() > deadline) throw new Error(`the import stored nothing in 2 minutes: ${run.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    run.child.kill('SIGKILL');
    await run.exited;

    const killed = snapshot(dataDir);
    expect(killed.integrity).toBe('ok');
    expect(killed.conversations.length).toBeGreaterThan(0);
    expect(killed.conversations.length, 'killed mid-way, not after the end').toBeLessThan(COUNT);
    // A conversation marked as imported has all its responses and ratings, exactly as a whole import stores them.
    const marked = new Set(killed.conversations);
    expect(within(killed.items, marked)).toEqual(within(whole.items, marked));
    expect(within(killed.annotations, marked)).toEqual(within(whole.annotations, marked));

    const rerun = startImport(file, dataDir);
    expect(await rerun.exited, rerun.stderr()).toBe(0);
    const completed = snapshot(dataDir);
    expect(completed.integrity).toBe('ok');
    expect(completed.conversations).toEqual(whole.conversations);
    expect(completed.items).toEqual(whole.items);
    expect(completed.annotations).toEqual(whole.annotations);
  }, 240_000);
});
