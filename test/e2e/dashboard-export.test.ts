import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { screenshot, seed, useDashboard } from './dashboard-support.ts';

const run = promisify(execFile);

describe('dashboard export (Chromium, real companion)', () => {
  let data: ReturnType<typeof seed>;
  const fx = useDashboard(() => {
    data = seed();
    return data.all;
  });

  it('previews and downloads exactly what `margin export` writes for the same choices', async () => {
    const { page, problems } = await fx.open();
    await page.getByRole('link', { name: 'Export' }).click();
    await page.locator('select[name="format"]').selectOption('trl-kto');
    await page.locator('select[name="site"]').selectOption('chatgpt');
    await page.locator('input[name="minScore"]').fill('20');
    await page.locator('input[name="minScore"]').press('Tab');
    const counts = page.locator('[data-preview-key]');
    await expect
      .poll(() => counts.getAttribute('data-preview-key'))
      .toBe(JSON.stringify({ format: 'trl-kto', site: 'chatgpt', minScore: '20' }));
    const preview = ((await page.locator('pre.preview').textContent()) ?? '').split('\n');
    const examples = Number(
      ((await counts.locator('[data-count="examplesWritten"]').textContent()) ?? '').replace(/,/g, ''),
    );
    const skipped = await counts.locator('tr[data-skip]').count();
    await screenshot(page, 'export');

    const out = await makeTempDir('dashboard-export');
    try {
      const file = join(out.path, 'kto.jsonl');
      await run(
        process.execPath,
        [
          join(repoRoot, 'bin', 'margin.js'),
          'export',
          '--format',
          'trl-kto',
          '--site',
          'chatgpt',
          '--min-score',
          '20',
          '--data-dir',
          fx.companion.dataDir,
          '--out',
          file,
          '--no-progress',
        ],
        { cwd: repoRoot },
      );
      const cli = readFileSync(file);
      const lines = cli
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== '');
      expect(lines.length).toBeGreaterThan(5);
      expect(preview).toEqual(lines.slice(0, 20));
      expect(examples).toBe(lines.length);
      expect(skipped).toBeGreaterThan(0); // the unrated and middle scores are accounted for

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download trl-kto' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('margin-trl-kto.jsonl');
      expect(readFileSync(await download.path()).equals(cli)).toBe(true);
    } finally {
      await out.remove();
    }
    expect(problems).toEqual([]);
  });
});
