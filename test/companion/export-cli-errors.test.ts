import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../companion/src/support/data-dir.ts';
import { annotations, comparisons } from '../shared/export/fixture.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { runMargin } from './support/margin-cli.ts';

describe('margin export: what a person gets wrong, and what the files look like', { timeout: 120_000 }, () => {
  let dir: { path: string; remove: () => Promise<void> };
  let data: string;
  const exportTo = (out: string, ...args: string[]) =>
    runMargin(['export', '--data-dir', data, '--no-progress', '--out', out, ...args]);

  beforeAll(async () => {
    dir = await makeTempDir('export-errors');
    data = join(dir.path, 'data');
    const stores = await openStore(data);
    await stores.sync.applyChanges({
      deviceId: 'test',
      receivedAt: '2026-11-03T00:00:00.000Z',
      annotations,
      comparisons,
    });
    await stores.close();
  });
  afterAll(() => dir?.remove());

  it('writes datasets readable by other users (0644 under umask 022); the token and database stay 0600', async () => {
    const out = join(dir.path, 'modes.jsonl');
    const run = await exportTo(out, '--format', 'trl-dpo');
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o644);
    expect(statSync(join(dir.path, 'modes.meta.jsonl')).mode & 0o777).toBe(0o644);
    expect((await runMargin(['token', '--data-dir', data])).code).toBe(0);
    expect(statSync(join(data, 'token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(data, 'margin.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('refuses a misspelt site with a suggestion from the store, exits 1 and writes nothing', async () => {
    const out = join(dir.path, 'typo.jsonl');
    const run = await exportTo(out, '--format', 'openai-sft', '--site', 'chatgtp');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('unknown --site value "chatgtp": no annotation has it (did you mean "chatgpt"?)');
    expect(run.stderr).toContain('Nothing was written');
    expect(existsSync(out)).toBe(false);
    // Annotators and models are the store's values too.
    const annotator = await exportTo(out, '--format', 'raw', '--annotator', 'bobb');
    expect(annotator.code).toBe(1);
    expect(annotator.stderr).toContain('unknown --annotator value "bobb": no annotation has it (did you mean "bob"?)');
  });

  it('fails an export that writes no line, keeping the earlier file, unless --allow-empty', async () => {
    const out = join(dir.path, 'empty.jsonl');
    writeFileSync(out, 'earlier\n');
    // One annotation with this tag, and nothing to pair it with.
    const run = await exportTo(out, '--format', 'trl-dpo', '--tag', 'unicode');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no lines: none of the \d+ annotations read made a trl-dpo line/);
    expect(run.stderr).toContain('In no preference pair'); // the skip reasons, in words, with their rules
    expect(run.stderr).toContain(
      'A pair needs a correction, an explicit comparison, or another rated answer to the same prompt with a score gap ≥ 15',
    );
    expect(readFileSync(out, 'utf8')).toBe('earlier\n');
    const allowed = await exportTo(out, '--format', 'trl-dpo', '--tag', 'unicode', '--allow-empty');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('');
    const toStdout = await exportTo('-', '--format', 'trl-dpo', '--tag', 'unicode');
    expect(toStdout.code).toBe(1);
    expect(toStdout.stdout).toBe('');
  });

  it('suggests registry ids for a bare --format dpo', async () => {
    const run = await exportTo(join(dir.path, 'dpo.jsonl'), '--format', 'dpo');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--format: unknown format "dpo" \(did you mean .*"openai-dpo".*"trl-dpo"/);
    const missing = await runMargin(['export', '--data-dir', data]);
    expect(missing.stderr).toContain('--format: choose a format: openai-sft,');
  });

  it('exports chat captures only unless --source adds reviews, logged calls and imports, and says so', async () => {
    const out = join(dir.path, 'sources.jsonl');
    const captures = await exportTo(out, '--format', 'trl-sft');
    expect(captures.code, captures.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toContain('first_name');
    expect(captures.stderr).toContain(
      'sources: capture (left out: 1 review, 1 api, 1 import; add them with --source capture,review,api,import)',
    );
    const every = await exportTo(out, '--format', 'trl-sft', '--source', 'capture,review', '--source', 'api,import');
    expect(every.code, every.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('first_name');
    expect(every.stderr).toContain('sources: capture, review, api, import\n');
    const meta = readFileSync(join(dir.path, 'sources.meta.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(meta[meta.length - 1] as string).summary.sources.included).toEqual([
      'capture',
      'review',
      'api',
      'import',
    ]);
    const typo = await exportTo(out, '--format', 'trl-sft', '--source', 'reviews');
    expect(typo.stderr).toContain('--source: unknown source "reviews" (did you mean "review"?)');
  });

  it('names the file asked for, never a temporary file, and checks --out before reading the store', async () => {
    const missing = await exportTo(join(dir.path, 'no-such-folder', 'x.jsonl'), '--format', 'trl-dpo');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`--out ${join(dir.path, 'no-such-folder', 'x.jsonl')}: the folder`);
    expect(missing.stderr).not.toMatch(/\.tmp|ENOENT/);
    expect(missing.stderr).not.toContain('trl-dpo: '); // failed before the export ran: no summary
    const file = join(dir.path, 'a-file');
    writeFileSync(file, '');
    const underFile = await exportTo(join(file, 'x.jsonl'), '--format', 'trl-dpo');
    expect(underFile.stderr).toContain('is a file, not a folder');
    expect(underFile.stderr).not.toContain('trl-dpo: ');
  });

  it('writes into a folder given as --out, under the default name', async () => {
    const folder = join(dir.path, 'datasets');
    mkdirSync(folder);
    const run = await exportTo(folder, '--format', 'trl-dpo');
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(folder).sort()).toEqual(['margin-trl-dpo.jsonl', 'margin-trl-dpo.meta.jsonl']);
    expect(run.stderr).toContain(`-> ${join(folder, 'margin-trl-dpo.jsonl')}`);
    const slash = await exportTo(`${join(dir.path, 'not-made-yet')}/`, '--format', 'trl-dpo');
    expect(slash.code).toBe(1);
    expect(slash.stderr).toContain('the folder');
    expect(slash.stderr).toContain('does not exist');
  });
});
