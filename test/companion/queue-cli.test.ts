import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';
import { createDatabase, type TestDatabase } from '../support/stores.ts';

const run = promisify(execFile);
const margin = async (args: string[]) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repoRoot, 'bin', 'margin.js'), ...args], {
      cwd: repoRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

describe('margin queue', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createDatabase('sqlite', 'queue-cli');
  });
  afterAll(async () => database?.remove());

  it('names each bad flag, creates a queue from a filter, and shows its progress', async () => {
    const bad = await margin([
      'queue',
      'create',
      'Weekly Logs',
      '--database',
      database.option,
      '--overlap',
      '0',
      '--thumb',
      'maybe',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('<id>: must be a lowercase slug');
    expect(bad.stderr).toContain('--overlap: must be 1 or more');
    expect(bad.stderr).toContain('--thumb: must be "off", "optional" or "required"');

    const created = await margin([
      'queue',
      'create',
      'weekly',
      '--database',
      database.option,
      '--overlap',
      '2',
      '--fill',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ queue: { id: 'weekly', overlap: 2, blind: true }, added: 0 });

    const shown = await margin(['queue', 'progress', 'weekly', '--database', database.option]);
    expect(shown.stdout).toContain('0/0 items complete; 0/0 answers');
    const missing = await margin(['queue', 'show', 'nope', '--database', database.option]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('There is no queue "nope"') });
  }, 120_000);
});
