import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  companionAddress,
  companionFilePath,
  readCompanionFile,
  removeCompanionFile,
  runningCompanion,
  writeCompanionFile,
} from '../../companion/src/support/companion-file.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { runMargin } from './support/margin-cli.ts';

/** A pid no process has: above the kernel's pid_max. */
const GONE_PID = 4_194_305;

describe('where the running companion listens', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('is written on start and read by `margin dashboard` and `margin stats`, on any port', {
    timeout: 120_000,
  }, async () => {
    const companion: CompanionProcess = await startCompanion();
    cleanups.push(() => companion.dispose());
    const info = readCompanionFile(companion.dataDir);
    expect(info).toMatchObject({ url: companion.url, port: companion.port, pid: companion.pid });
    expect(companion.port).not.toBe(8787);

    // No --port, and MARGIN_PORT says something else: the running companion's file wins.
    const dashboard = await runMargin(['dashboard', '--data-dir', companion.dataDir], { env: { MARGIN_PORT: '1' } });
    expect(dashboard.code, dashboard.stderr).toBe(0);
    expect(dashboard.stdout.trim()).toMatch(new RegExp(`^${companion.url}/#sign-in=[A-Za-z0-9_-]{43}$`));
    const stats = await runMargin(['stats', '--json', '--data-dir', companion.dataDir]);
    expect(JSON.parse(stats.stdout).companion).toMatchObject({ url: companion.url, pid: companion.pid });

    // `serve` said what to do next, with a one-time sign-in link to its dashboard.
    const output = companion.output();
    expect(output).toContain('Next, in your browser:');
    expect(output).toContain("Open the extension's options and pair it with this companion:");
    expect(output).toContain(`address: ${companion.url}`);
    expect(output).toMatch(new RegExp(`sign-in link works once, for two minutes\\): ${companion.url}/#sign-in=`));
    expect(output).not.toContain(companion.token);

    expect(await companion.stop()).toBe(0);
    expect(existsSync(companionFilePath(companion.dataDir))).toBe(false);
    const after = await runMargin(['dashboard', '--data-dir', companion.dataDir], { env: { MARGIN_PORT: '1' } });
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('no companion answers on port 1 (from MARGIN_PORT');
  });

  it('ignores a file left by a companion that is gone, and keeps a newer companion’s file', async () => {
    const dir = await makeTempDir('companion-file');
    cleanups.push(() => dir.remove());
    const stale = {
      url: 'http://127.0.0.1:9999',
      port: 9999,
      pid: GONE_PID,
      started: '2026-11-01T10:00:00.000Z',
      version: '0.1.0',
    };
    writeCompanionFile(dir.path, stale);
    expect(readCompanionFile(dir.path)).toEqual(stale);
    expect(runningCompanion(dir.path)).toBeUndefined();
    expect(companionAddress(dir.path, undefined, {})).toEqual({
      url: 'http://127.0.0.1:8787',
      port: 8787,
      from: 'default',
    });
    expect(companionAddress(dir.path, undefined, { MARGIN_PORT: '9100' }).port).toBe(9100);
    expect(companionAddress(dir.path, 9200, { MARGIN_PORT: '9100' })).toMatchObject({ port: 9200, from: '--port' });

    writeCompanionFile(dir.path, { ...stale, pid: process.pid, port: 9300, url: 'http://127.0.0.1:9300' });
    expect(companionAddress(dir.path, undefined, { MARGIN_PORT: '9100' })).toMatchObject({
      port: 9300,
      from: 'companion.json',
    });
    removeCompanionFile(dir.path, GONE_PID); // another process's stop leaves this one's file alone
    expect(runningCompanion(dir.path)?.port).toBe(9300);
    removeCompanionFile(dir.path);
    expect(readCompanionFile(dir.path)).toBeUndefined();

    writeFileSync(companionFilePath(dir.path), '{ not json');
    expect(readCompanionFile(dir.path)).toBeUndefined();
    expect(readFileSync(companionFilePath(dir.path), 'utf8')).toBe('{ not json');
  });
});
