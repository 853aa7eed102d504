import { execFile } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function margin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'bin', 'margin.js'), ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('margin CLI', { timeout: 60_000 }, () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir('cli');
  });
  afterEach(() => dir.remove());

  it('token prints a 256-bit token stored user-only, the same each time, and --rotate replaces it', async () => {
    const first = await margin(['token', '--data-dir', dir.path]);
    expect(first.code).toBe(0);
    const token = first.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(dir.path, 'token')).mode & 0o777).toBe(0o600);
    expect(statSync(dir.path).mode & 0o077).toBe(0);
    // The data directory also comes from MARGIN_DATA_DIR.
    expect((await margin(['token'], { MARGIN_DATA_DIR: dir.path })).stdout.trim()).toBe(token);
    const rotated = await margin(['token', '--rotate', '--data-dir', dir.path]);
    expect(rotated.code).toBe(0);
    const fresh = rotated.stdout.trim();
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(token);
    expect(rotated.stderr).toContain('the old one no longer works');
    expect(statSync(join(dir.path, 'token')).mode & 0o777).toBe(0o600);
    expect((await margin(['token', '--data-dir', dir.path])).stdout.trim()).toBe(fresh);
  });

  it('import reports every bad line by line and field and then stores nothing; a good file lands whole, idempotently', async () => {
    const good = [makeAnnotation(), makeAnnotation(), makeAnnotation()];
    const file = join(dir.path, 'in.jsonl');
    const lines = [
      JSON.stringify(good[0]),
      '',
      JSON.stringify({ ...makeAnnotation(), score: 300 }),
      JSON.stringify(good[1]),
      '{not json',
      JSON.stringify({ ...makeAnnotation(), extra: 1 }),
      JSON.stringify(good[2]),
    ];
    writeFileSync(file, `${lines.join('\n')}\n`);
    const first = await margin(['import', file, '--data-dir', dir.path]);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(`Nothing was imported from ${file}: 3 of 6 lines rejected (above)`);
    expect(first.stdout).toBe('');
    expect(first.stderr).toMatch(/line 3 \(id [^)]+\): score: /);
    expect(first.stderr).toMatch(/line 5: not valid JSON/);
    expect(first.stderr).toMatch(/line 6 \(id [^)]+\): \(root\): .*extra/);
    const empty = await margin(['stats', '--json', '--data-dir', dir.path]);
    expect(JSON.parse(empty.stdout)).toMatchObject({ annotations: { live: 0, deleted: 0 }, checkpoint: 0 });
    writeFileSync(file, `${[lines[0], lines[1], lines[3], lines[6]].join('\n')}\n`);
    const fixed = await margin(['import', file, '--data-dir', dir.path]);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('3 stored, 0 already present, 0 older than the stored version (kept in history).');
    const again = await margin(['import', file, '--data-dir', dir.path]);
    expect(again.stdout).toContain('0 stored, 3 already present');
    const stats = await margin(['stats', '--json', '--check', '--data-dir', dir.path]);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({
      annotations: { live: 3, deleted: 0 },
      history: 0,
      checkpoint: 3,
      integrity: 'ok',
    });
    const missing = await margin(['import', join(dir.path, 'nope.jsonl'), '--data-dir', dir.path]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`margin: cannot read ${join(dir.path, 'nope.jsonl')}: no such file`);
  }, 180_000); // seven CLI runs: each starts Node and tsx, slow on a loaded machine

  it('every command has --help, and serve refuses a non-loopback host without --expose', async () => {
    const top = await margin(['--help']);
    for (const command of ['serve', 'token', 'stats', 'import', 'backup', 'restore']) {
      expect(top.stdout).toContain(command);
      const help = await margin([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toContain(`Usage: margin ${command}`);
      expect(help.stdout).toContain('--data-dir');
    }
    const refused = await margin(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dir.path]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to listen on 0.0.0.0');
    const badPort = await margin(['serve', '--port', '99999', '--data-dir', dir.path]);
    expect(badPort.code).not.toBe(0);
    expect(badPort.stderr).toContain('--port must be a whole number from 0 to 65535');
  }, 180_000); // nine CLI runs: 60 s ran out at load 19
});
