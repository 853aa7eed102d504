import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../companion/src/support/data-dir.ts';
import type { Annotation } from '../../shared/index.ts';
import { validateExport } from '../shared/export/validators.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { repoRoot } from '../support/paths.ts';
import { createDatabase, STORE_KINDS, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const COUNT = 40_000;
const filler = 'The reset pin sits behind a small hole on the back panel. '.repeat(8);

/** `store`: the data directory's SQLite file, or `--database` for a PostgreSQL server. */
function startExport(store: string[], out: string) {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'bin', 'margin.js'), 'export', ...store, '--format', 'trl-sft', '--out', out],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

/** Waits until the export's temporary file holds data: the process is mid-write. */
async function waitForPartialTemp(dir: string, name: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const temp = readdirSync(dir).find((entry) => entry.startsWith(`.${name}.`) && entry.endsWith('.tmp'));
    if (temp && statSync(join(dir, temp)).size > 0) return temp;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the export never started writing');
}

/** The pid in a temporary file's name (`.<name>.<pid>.<random>.tmp`): the process that writes it. */
function writerPid(temp: string): number {
  const pid = /\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(temp)?.[1];
  if (pid === undefined) throw new Error(`no pid in ${temp}`);
  return Number(pid);
}

/** Polls until process `pid` is gone. */
async function waitForExit(pid: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`process ${pid} (the export) still runs after the command was killed`);
}

describe.each(STORE_KINDS)('SIGKILL during a large export (%s)', (kind) => {
  let dir: { path: string; remove: () => Promise<void> };
  let postgres: TestDatabase | undefined;
  let store: string[] = [];

  beforeAll(async () => {
    dir = await makeTempDir('export-kill');
    const dataDir = join(dir.path, 'data');
    store = ['--data-dir', dataDir];
    if (kind === 'postgres') {
      postgres = await createDatabase('postgres', 'export_kill');
      store = [...store, '--database', postgres.option];
    }
    const annotations: Annotation[] = [];
    for (let i = 0; i < COUNT; i++) {
      annotations.push(
        makeAnnotation({
          conversationId: `conv-${i}`,
          messageId: 'm1',
          context: [{ role: 'user', content: `Question ${i}: how do I reset router ${i}?` }],
          response: `${filler}Answer ${i}.`,
          thumb: 'up',
        }),
      );
    }
    const stores = postgres ? await postgres.open() : await openStore(dataDir);
    await stores.sync.applyChanges({
      deviceId: 'test',
      receivedAt: '2026-11-03T00:00:00.000Z',
      annotations,
      comparisons: [],
    });
    await stores.close();
  }, 120_000);
  afterAll(async () => {
    await postgres?.remove();
    await dir?.remove();
  });

  it('leaves no file when there was none', async () => {
    const out = join(dir.path, 'fresh.jsonl');
    const { child, exited } = startExport(store, out);
    const temp = await waitForPartialTemp(dir.path, 'fresh.jsonl');
    child.kill('SIGKILL');
    await exited;
    // The process writing is the one named in the temporary file (`margin export` runs the export in
    // a child Node): it must die with the one killed, not finish the export and put the file in place.
    await waitForExit(writerPid(temp));
    expect(existsSync(join(dir.path, temp))).toBe(true); // it really was killed mid-write
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir.path, 'fresh.meta.jsonl'))).toBe(false);
  }, 90_000);

  it('on SIGTERM removes its temporary files and exits 143, writing nothing', async () => {
    const out = join(dir.path, 'stopped.jsonl');
    const { child, exited } = startExport(store, out);
    const temp = await waitForPartialTemp(dir.path, 'stopped.jsonl');
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    await waitForExit(writerPid(temp));
    expect(readdirSync(dir.path).filter((entry) => entry.startsWith('.stopped.'))).toEqual([]);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir.path, 'stopped.meta.jsonl'))).toBe(false);
  }, 90_000);

  it('keeps the previous complete file, and the next export replaces it and clears the leftovers', async () => {
    const out = join(dir.path, 'kept.jsonl');
    const previous = `${JSON.stringify({
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ],
    })}\n`;
    writeFileSync(out, previous);
    const { child, exited } = startExport(store, out);
    const temp = await waitForPartialTemp(dir.path, 'kept.jsonl');
    child.kill('SIGKILL');
    await exited;
    // The next export removes leftovers of writers that are gone: let the killed one be gone first.
    await waitForExit(writerPid(temp));
    expect(existsSync(join(dir.path, temp))).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe(previous);

    const again = startExport(store, out);
    expect(await again.exited).toBe(0);
    const complete = readFileSync(out, 'utf8');
    expect(complete.split('\n').filter(Boolean)).toHaveLength(COUNT);
    expect(validateExport('trl-sft', complete)).toEqual([]);
    expect(readdirSync(dir.path).filter((entry) => entry.startsWith('.kept.'))).toEqual([]);
  }, 120_000);
});
