import { spawn } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { repoRoot } from '../support/paths.ts';
import { createDatabase, STORE_KINDS, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { runMargin } from './support/margin-cli.ts';
import { storeDigest } from './support/store-digest.ts';

/** Big enough that the one import transaction runs for a while, so a kill lands inside it. */
const KILL_COUNT = 20_000;

/** `count` annotations, one JSON per line, each with a long-ish answer as real ones have. */
function annotationLines(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, index) =>
    JSON.stringify(
      makeAnnotation({
        conversationId: `${prefix}-${Math.floor(index / 10)}`,
        response: `Answer ${index}: ${'hold the reset pin for ten seconds, then wait. '.repeat(12)}`,
      }),
    ),
  );
}

/** Whether the import's transaction has written something: on PostgreSQL it has a transaction id; on SQLite its pages spill into the WAL. */
async function importHasWritten(database: TestDatabase): Promise<boolean> {
  if (database.target.kind === 'sqlite') {
    try {
      return statSync(`${database.target.path}-wal`).size > 1024 * 1024;
    } catch {
      return false;
    }
  }
  const rows = await database.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`,
  );
  return (rows[0]?.n ?? 0) > 0;
}

describe.each(STORE_KINDS)('margin import is all or nothing (%s)', (kind) => {
  let dir: { path: string; remove: () => Promise<void> };
  let database: TestDatabase;
  let dataDir = '';
  const importArgs = (file: string) => ['import', file, '--data-dir', dataDir, '--database', database.option];

  beforeAll(async () => {
    dir = await makeTempDir('import-atomic');
    dataDir = join(dir.path, 'data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'token'), 'a-token-the-digest-reads\n');
    database = await createDatabase(kind, 'import_atomic');
    // A store that already holds something, which every failed import must leave exactly as it is.
    const file = join(dir.path, 'before.jsonl');
    writeFileSync(file, `${annotationLines(50, 'before').join('\n')}\n`);
    const seeded = await runMargin(importArgs(file));
    expect(seeded.code, seeded.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await database?.remove();
    await dir?.remove();
  });

  it('stores nothing from a file whose last line is bad, and names that line and what is wrong', async () => {
    const before = await storeDigest(database, dataDir);
    const lines = annotationLines(1_000, 'bad-end');
    const bad = JSON.stringify({ ...makeAnnotation(), score: 300 });
    const file = join(dir.path, 'bad-end.jsonl');
    writeFileSync(file, `${[...lines, bad].join('\n')}\n`);
    const run = await runMargin(importArgs(file));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/line 1001 \(id [^)]+\): score: /);
    expect(run.stderr).toContain(`Nothing was imported from ${file}: 1 of 1001 lines rejected`);
    expect(await storeDigest(database, dataDir)).toBe(before);
  }, 120_000);

  it('leaves the store exactly as it was when killed in the middle of the import transaction', async () => {
    const before = await storeDigest(database, dataDir);
    const file = join(dir.path, 'killed.jsonl');
    writeFileSync(file, `${annotationLines(KILL_COUNT, 'killed').join('\n')}\n`);
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'margin.js'), ...importArgs(file)], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    let exited = false;
    const exit = new Promise<void>((resolve) =>
      child.once('exit', () => {
        exited = true;
        resolve();
      }),
    );
    const deadline = Date.now() + 180_000;
    while (!(await importHasWritten(database))) {
      if (exited) throw new Error(`the import ended before it could be killed mid-way (make it bigger): ${stderr}`);
      if (Date.now() > deadline) throw new Error(`the import wrote nothing in 3 minutes: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGKILL');
    await exit;
    expect(await storeDigest(database, dataDir)).toBe(before);
    const stats = await runMargin(['stats', '--json', '--check', ...importArgs(file).slice(2)]);
    expect(stats.code, stats.stderr).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ annotations: { live: 50, deleted: 0 }, integrity: 'ok' });
  }, 300_000);

  it('lands a good file whole, and importing it again changes nothing', async () => {
    const file = join(dir.path, 'good.jsonl');
    writeFileSync(file, `${annotationLines(600, 'good').join('\n')}\n`);
    const first = await runMargin(importArgs(file));
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('600 stored, 0 already present');
    expect(await database.count('annotations')).toBe(650);
    const history = await database.count('history');
    const again = await runMargin(importArgs(file));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 stored, 600 already present');
    expect(await database.count('annotations')).toBe(650);
    expect(await database.count('history')).toBe(history);
  }, 120_000);
});
