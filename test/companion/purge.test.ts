import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { startCompanion } from '../support/companion.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';

function margin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // stdin is a pipe, not a terminal: purge must not wait for an answer nobody can type.
    execFile(
      process.execPath,
      [join(repoRoot, 'bin', 'margin.js'), ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('margin purge', { timeout: 90_000 }, () => {
  let dir: { path: string; remove: () => Promise<void> };
  let dataDir: string;
  beforeEach(async () => {
    dir = await makeTempDir('purge');
    dataDir = join(dir.path, 'data');
    const file = join(dir.path, 'one.jsonl');
    writeFileSync(file, `${JSON.stringify(makeAnnotation())}\n`);
    expect((await margin(['import', file, '--data-dir', dataDir])).code).toBe(0);
  }, 60_000);
  afterEach(() => dir.remove());

  it('without --yes and without a terminal, deletes nothing and says how to confirm', async () => {
    const before = readdirSync(dataDir).sort();
    const run = await margin(['purge', '--data-dir', dataDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`This permanently deletes everything the Margin companion stored in ${dataDir}:`);
    expect(run.stderr).toMatch(/^ {2}margin\.sqlite \(\d+(\.\d)? KB\)$/m);
    expect(run.stderr).toContain('margin: not a terminal, so nothing was deleted: pass --yes to confirm');
    expect(readdirSync(dataDir).sort()).toEqual(before);
  });

  it('refuses while a companion serves the directory', async () => {
    const companion = await startCompanion({ dataDir });
    try {
      const run = await margin(['purge', '--yes', '--data-dir', dataDir, '--port', String(companion.port)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`a companion is running on this data directory (port ${companion.port})`);
      // Without --port it asks where the running companion said it listens (companion.json), not 8787.
      const found = await margin(['purge', '--yes', '--data-dir', dataDir]);
      expect(found.code).toBe(1);
      expect(found.stderr).toContain(`a companion is running on this data directory (port ${companion.port})`);
      expect(existsSync(join(dataDir, 'margin.sqlite'))).toBe(true);
    } finally {
      await companion.dispose();
    }
  });

  it('with --yes deletes Margin’s files only, and the directory once it is empty', async () => {
    writeFileSync(join(dataDir, 'my-notes.txt'), 'not Margin’s');
    expect((await margin(['token', '--data-dir', dataDir])).code).toBe(0);
    const run = await margin(['purge', '--yes', '--data-dir', dataDir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Deleted margin\.sqlite, .*token from /m);
    expect(run.stdout).toContain("Left alone (not Margin's): my-notes.txt.");
    expect(readdirSync(dataDir)).toEqual(['my-notes.txt']);

    const empty = join(dir.path, 'only-margin');
    expect((await margin(['token', '--data-dir', empty])).code).toBe(0);
    // What a killed companion leaves behind is Margin's too.
    const gone = {
      url: 'http://127.0.0.1:9',
      port: 9,
      pid: 2 ** 22 + 1,
      started: new Date().toISOString(),
      version: '0',
    };
    writeFileSync(join(empty, 'companion.json'), JSON.stringify(gone));
    const purged = await margin(['purge', '--yes', '--data-dir', empty]);
    expect(purged.stdout).toContain('The data directory was empty afterwards and is gone too.');
    expect(existsSync(empty)).toBe(false);
    expect((await margin(['purge', '--yes', '--data-dir', empty])).stdout).toContain('Nothing to delete');
  });
});
