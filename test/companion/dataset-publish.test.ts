import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cardDataFiles, publishDatasetDir } from '../../companion/src/dataset/hub-publish.ts';
import { openStore } from '../../companion/src/support/data-dir.ts';
import { annotations, comparisons } from '../shared/export/fixture.ts';
import { validateExport } from '../shared/export/validators.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { type MockHub, startMockHub } from './support/mock-hub.ts';

const run = promisify(execFile);
const TOKEN = 'hf_test_write_token';

function margin(args: string[], env: Record<string, string | undefined> = {}) {
  const { HF_TOKEN: _, HF_ENDPOINT: __, ...rest } = process.env;
  return run(process.execPath, [join(repoRoot, 'bin', 'margin.js'), ...args], {
    cwd: repoRoot,
    env: { ...rest, ...env },
  });
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the command to fail');
    },
    (error: { code: number; stderr: string }) => error,
  );

/** The YAML front matter of a dataset card, parsed. */
function frontMatter(card: string) {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(card);
  if (!match) throw new Error('no front matter');
  return parse(match[1] ?? '') as {
    license: string;
    task_categories: string[];
    size_categories: string[];
    tags: string[];
    configs: { config_name: string; data_files: { split: string; path: string }[] }[];
  };
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();

describe('the data files a card names', () => {
  it('reads every form data_files takes: a path, a list, split entries with a path or a list', async () => {
    const card = (yaml: string) => `---\n${yaml}\n---\n# card\n`;
    expect(await cardDataFiles(card('configs:\n- config_name: default\n  data_files: data/all.jsonl'))).toEqual([
      'data/all.jsonl',
    ]);
    expect(
      await cardDataFiles(
        card(
          'configs:\n- config_name: a\n  data_files:\n  - split: train\n    path: [data/t1.jsonl, data/t2.jsonl]\n- config_name: b\n  data_files: [data/b.jsonl, data/t1.jsonl]',
        ),
      ),
    ).toEqual(['data/t1.jsonl', 'data/t2.jsonl', 'data/b.jsonl']);
    await expect(cardDataFiles(card('license: mit'))).rejects.toThrow('names no data files');
  });
});

describe('dataset folder for the Hub, and margin publish', { timeout: 60_000 }, () => {
  let dir: { path: string; remove: () => Promise<void> };
  let hub: MockHub;
  const dataDir = () => join(dir.path, 'data');

  beforeAll(async () => {
    dir = await makeTempDir('hub');
    const stores = await openStore(dataDir());
    await stores.sync.applyChanges({
      deviceId: 'test',
      receivedAt: '2026-11-03T00:00:00.000Z',
      annotations,
      comparisons,
    });
    await stores.close();
    hub = await startMockHub({ token: TOKEN, existing: ['ada/taken'] });
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
    await dir?.remove();
  });

  it('writes data per split and a card whose YAML parses and names every data file', async () => {
    const folder = join(dir.path, 'dpo');
    const { stderr } = await margin([
      'export',
      '--data-dir',
      dataDir(),
      '--format',
      'trl-dpo',
      '--split',
      '0.5',
      '--dataset-dir',
      folder,
      '--license',
      'cc-by-4.0',
    ]);
    expect(stderr).toContain('trl-dpo: ');
    expect(filesUnder(folder)).toEqual([
      'README.md',
      'data/train.jsonl',
      'data/validation.jsonl',
      'provenance/train.meta.jsonl',
      'provenance/validation.meta.jsonl',
    ]);
    const card = readFileSync(join(folder, 'README.md'), 'utf8');
    const meta = frontMatter(card);
    expect(meta.license).toBe('cc-by-4.0');
    expect(meta.task_categories).toEqual(['text-generation']);
    expect(meta.size_categories).toEqual(['n<1K']);
    expect(meta.tags).toEqual(expect.arrayContaining(['margin', 'dpo', 'trl-dpo']));
    const named = meta.configs.flatMap((config) => config.data_files);
    expect(named).toEqual([
      { split: 'train', path: 'data/train.jsonl' },
      { split: 'validation', path: 'data/validation.jsonl' },
    ]);
    // Every data file written is named, and every named file exists and is valid.
    expect(named.map((file) => file.path).sort()).toEqual(
      filesUnder(folder).filter((path) => path.startsWith('data/')),
    );
    for (const { path } of named)
      expect(validateExport('trl-dpo', readFileSync(join(folder, path), 'utf8'))).toEqual([]);

    // The body states the counts and skips of this very run, and how to load it.
    const summary = JSON.parse(
      readFileSync(join(folder, 'provenance/train.meta.jsonl'), 'utf8').trim().split('\n').pop() ?? '',
    ).summary as { lines: { train: number; validation: number }; skipped: Record<string, number> };
    expect(card).toContain(`| train | \`data/train.jsonl\` | ${summary.lines.train} |`);
    expect(card).toContain(`| validation | \`data/validation.jsonl\` | ${summary.lines.validation} |`);
    for (const [reason, count] of Object.entries(summary.skipped)) expect(card).toContain(`| ${reason} | ${count} |`);
    expect(card).toContain('load_dataset("OWNER/NAME")');
    expect(card).toContain('Thresholds: supervised score >= 70; pair score gap >= 15');
  });

  it('writes Parquet data files for the verl formats and names them', async () => {
    const folder = join(dir.path, 'verl');
    await margin(['export', '--data-dir', dataDir(), '--format', 'verl-rl', '--dataset-dir', folder]);
    const card = readFileSync(join(folder, 'README.md'), 'utf8');
    expect(frontMatter(card).configs[0]?.data_files).toEqual([{ split: 'train', path: 'data/train.parquet' }]);
    expect(readFileSync(join(folder, 'data/train.parquet')).subarray(0, 4).toString()).toBe('PAR1');
    expect(frontMatter(card).license).toBe('other');
  });

  it('publishes the card and its data files to a new private repository, and keeps the sidecars', async () => {
    const folder = join(dir.path, 'dpo');
    const { stdout } = await margin(['publish', folder, '--repo', 'ada/router-prefs', '--hub-url', hub.url], {
      HF_TOKEN: TOKEN,
    });
    expect(stdout).toContain(`Created ${hub.url}/datasets/ada/router-prefs (private)`);
    expect(stdout).toContain(
      'Kept on this machine (not uploaded): provenance/train.meta.jsonl, provenance/validation.meta.jsonl',
    );
    expect(hub.created.get('ada/router-prefs')).toMatchObject({
      name: 'router-prefs',
      organization: 'ada',
      type: 'dataset',
      visibility: 'private',
    });
    const paths = hub.requests.map((request) => `${request.method} ${request.path}`);
    // The data files go through LFS, addressed by their sha256 (in either order: uploads run in parallel).
    const sha = (path: string) =>
      createHash('sha256')
        .update(readFileSync(join(folder, path)))
        .digest('hex');
    const uploads = ['data/train.jsonl', 'data/validation.jsonl'].map((path) => `PUT /lfs-upload/${sha(path)}`);
    expect(paths.slice(0, 3)).toEqual([
      'POST /api/repos/create',
      'POST /api/datasets/ada/router-prefs/preupload/main',
      'POST /datasets/ada/router-prefs.git/info/lfs/objects/batch',
    ]);
    expect([...paths.slice(3, 5)].sort()).toEqual(uploads.sort());
    expect(paths.slice(5)).toEqual(['POST /api/datasets/ada/router-prefs/commit/main']);
    expect(
      hub.requests
        .filter((r) => !r.path.startsWith('/lfs-upload/'))
        .every((r) => r.authorization === `Bearer ${TOKEN}`),
    ).toBe(true);
    const [commit] = hub.commits;
    expect(commit?.repo).toBe('ada/router-prefs');
    expect([...(commit?.files.keys() ?? [])].sort()).toEqual([
      'README.md',
      'data/train.jsonl',
      'data/validation.jsonl',
    ]);
    for (const path of ['data/train.jsonl', 'data/validation.jsonl'])
      expect(commit?.files.get(path)?.equals(readFileSync(join(folder, path)))).toBe(true);
    const card = commit?.files.get('README.md')?.toString() ?? '';
    expect(card).toContain('load_dataset("ada/router-prefs")');
    expect(frontMatter(card).configs).toEqual(frontMatter(readFileSync(join(folder, 'README.md'), 'utf8')).configs);
  });

  it('adds a commit to a repository that exists, and makes a new one public only when asked', async () => {
    const folder = join(dir.path, 'verl');
    const { stdout } = await margin(['publish', folder, '--repo', 'ada/taken', '--hub-url', hub.url], {
      HF_TOKEN: TOKEN,
    });
    expect(stdout).toContain(`Updated ${hub.url}/datasets/ada/taken`);
    expect(
      hub.commits
        .at(-1)
        ?.files.get('data/train.parquet')
        ?.equals(readFileSync(join(folder, 'data/train.parquet'))),
    ).toBe(true);
    await margin(['publish', folder, '--repo', 'ada/open-data', '--public', '--hub-url', hub.url], { HF_TOKEN: TOKEN });
    expect(hub.created.get('ada/open-data')).toMatchObject({ visibility: 'public' });
  });

  it('fails with a clear message on a rejected or missing token, and uploads nothing', async () => {
    const commits = hub.commits.length;
    const rejected = await failure(
      margin(['publish', join(dir.path, 'dpo'), '--repo', 'ada/other', '--hub-url', hub.url], {
        HF_TOKEN: 'hf_revoked',
      }),
    );
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain(`the Hub at ${hub.url} rejected the token in HF_TOKEN`);
    expect(rejected.stderr).toContain(`${hub.url}/settings/tokens`);
    const missing = await failure(
      margin(['publish', join(dir.path, 'dpo'), '--repo', 'ada/other', '--hub-url', hub.url]),
    );
    expect(missing.stderr).toContain('set HF_TOKEN to a Hugging Face token with write access');
    const settings = { repo: 'ada/other', token: TOKEN, hubUrl: hub.url, isPublic: false };
    await expect(publishDatasetDir(join(dir.path, 'nothing'), settings)).rejects.toThrow('has no README.md');
    await expect(publishDatasetDir(join(dir.path, 'dpo'), { ...settings, repo: 'just-a-name' })).rejects.toThrow(
      '--repo must be OWNER/NAME',
    );
    expect(hub.commits.length).toBe(commits);
    expect(hub.created.has('ada/other')).toBe(false);
    const edited = join(dir.path, 'edited');
    mkdirSync(join(edited, 'data'), { recursive: true });
    writeFileSync(
      join(edited, 'README.md'),
      '---\nconfigs:\n- config_name: default\n  data_files: data/gone.jsonl\n---\n# x\n',
    );
    await expect(publishDatasetDir(edited, settings)).rejects.toThrow(
      'README.md names data/gone.jsonl, which is not in',
    );
    writeFileSync(join(edited, 'README.md'), '# no front matter\n');
    await expect(publishDatasetDir(edited, settings)).rejects.toThrow('no YAML front matter');
  });
});
