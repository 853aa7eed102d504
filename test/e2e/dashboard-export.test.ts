import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { screenshot, seed, useDashboard } from './support/dashboard-fixture.ts';

const run = promisify(execFile);

/** Opens every card's raw line and reads them, in order. */
async function rawLines(page: Page): Promise<string[]> {
  const cards = page.locator('.export-preview article.example');
  const lines: string[] = [];
  for (let index = 0; index < (await cards.count()); index++) {
    const card = cards.nth(index);
    await card.getByRole('button', { name: 'Raw line' }).click();
    lines.push((await card.locator('pre.example-raw').textContent()) ?? '');
  }
  return lines;
}

/** The preview of `query` (as the export page keys it) is on screen. */
async function previewOf(page: Page, query: Record<string, string>): Promise<void> {
  // The preview runs the whole export: on two busy cores that can take a few seconds.
  const patience = { timeout: 15_000 };
  await expect
    .poll(() => page.locator('[data-preview-key]').getAttribute('data-preview-key'), patience)
    .toBe(JSON.stringify(query));
  await expect.poll(() => page.locator('[data-preview-key]').getAttribute('aria-busy'), patience).toBe('false');
}

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
    await previewOf(page, { format: 'trl-kto', site: 'chatgpt', minScore: '20' });
    const preview = await rawLines(page);
    const examples = Number(
      ((await counts.locator('[data-count="examplesWritten"]').textContent()) ?? '').replace(/,/g, ''),
    );
    const skipped = await counts.locator('[data-skip]').count();
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

  it('shows each example as a card: context folded, the pair side by side, the SFT target and the KTO label marked', async () => {
    // Variants of four different questions: four pairs, each about its own question.
    await fx.push(
      Array.from({ length: 4 }, (_, k) => {
        const context = [
          { role: 'system' as const, content: 'You are terse.' },
          { role: 'user' as const, content: `Pair question ${k}: which cable is it?` },
        ];
        const variant = (index: number) => ({ index, count: 2, group: `pair-group-${k}` });
        const common = { conversationId: `pair-${k}`, context, createdAt: '2026-09-01T10:00:00.000Z' };
        return [
          makeAnnotation({ ...common, response: `The grey one (${k}).`, thumb: 'up', score: 90, variant: variant(1) }),
          makeAnnotation({ ...common, response: `Any cable (${k}).`, thumb: 'down', score: 10, variant: variant(2) }),
        ];
      }).flat(),
    );
    const { page, problems } = await fx.open();
    await page.goto(`${fx.companion.url}/#/export?format=trl-dpo`);
    await previewOf(page, { format: 'trl-dpo' });
    const cards = page.locator('.export-preview article.example');
    expect(await cards.count()).toBeGreaterThan(3);
    const first = cards.first();
    expect(await first.getAttribute('data-kind')).toBe('pair');
    // The earlier context is folded; the question this line answers is in view.
    const context = first.locator('details.example-context');
    expect(await context.evaluate((element: HTMLDetailsElement) => element.open)).toBe(false);
    expect(await context.locator('summary').textContent()).toBe('Context: the system prompt');
    const system = first.locator('.example-turn.role-system');
    expect(await system.textContent()).toContain('You are terse.');
    expect(await system.isVisible()).toBe(false);
    expect(await first.locator('.example-turn.role-user').last().isVisible()).toBe(true);
    // Chosen and rejected side by side: the same row, chosen on the left.
    const chosen = await first.locator('[data-side="chosen"]').boundingBox();
    const rejected = await first.locator('[data-side="rejected"]').boundingBox();
    expect(chosen && rejected).toBeTruthy();
    if (!chosen || !rejected) return;
    expect(Math.abs(chosen.y - rejected.y)).toBeLessThan(2);
    expect(chosen.x + chosen.width).toBeLessThanOrEqual(rejected.x);
    // Different lines show different questions, not the same first turn over and over.
    const questions = await cards.locator('.example-prompt > .example-turn.role-user').allTextContents();
    expect(new Set(questions).size).toBeGreaterThan(1);
    // The raw line is one click away, and it is the line of the file.
    const file = await fetch(`${fx.companion.url}/api/v1/export?format=trl-dpo`, {
      headers: { authorization: `Bearer ${fx.companion.token}` },
    }).then((response) => response.text());
    expect(await rawLines(page)).toEqual(
      file
        .split('\n')
        .filter((line) => line !== '')
        .slice(0, 20),
    );
    await context.locator('summary').click();
    expect(await system.isVisible()).toBe(true);
    await screenshot(page, 'export-pairs');

    await page.locator('select[name="format"]').selectOption('openai-sft');
    await previewOf(page, { format: 'openai-sft' });
    const sft = cards.first();
    expect(await sft.getAttribute('data-kind')).toBe('sft');
    expect(await sft.locator('[data-side="target"] > header').textContent()).toBe('Target (trained on)');
    await screenshot(page, 'export-sft');

    await page.locator('select[name="format"]').selectOption('trl-kto');
    await previewOf(page, { format: 'trl-kto' });
    const labels = await cards.locator('.example-side > header').allTextContents();
    expect(labels).toContain('Completion · desirable (label true)');
    expect(labels).toContain('Completion · undesirable (label false)');
    expect(problems).toEqual([]);
  });

  it('says in words why annotations were not exported, with the rule and the thresholds in force', async () => {
    const { page, problems } = await fx.open();
    await page.goto(`${fx.companion.url}/#/export?format=openai-sft`);
    await previewOf(page, { format: 'openai-sft' });
    const rejected = page.locator('[data-skip="rated-bad"]');
    expect(await rejected.locator('.skip-words').textContent()).toBe('Rated bad, and not corrected');
    expect(await rejected.locator('.skip-rule').textContent()).toContain('a score ≤ 40');
    const counted = data.all.filter((a) => a.correction === null && (a.thumb === 'down' || (a.score ?? 100) <= 40));
    expect(Number(await rejected.locator('.skip-count').textContent())).toBeGreaterThan(0);
    expect(Number(await rejected.locator('.skip-count').textContent())).toBeLessThanOrEqual(counted.length);
    // No reason is shown as its bare id.
    for (const words of await page.locator('[data-skip] .skip-words').allTextContents()) {
      expect(words).not.toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
    // The rule follows the thresholds chosen.
    await page.locator('details.options summary').click();
    await page.locator('input[name="ktoUndesirableMax"]').fill('30');
    await page.locator('input[name="ktoUndesirableMax"]').press('Tab');
    await previewOf(page, { format: 'openai-sft', ktoUndesirableMax: '30' });
    expect(await page.locator('[data-skip="rated-bad"] .skip-rule').textContent()).toContain('a score ≤ 30');
    expect(problems).toEqual([]);
  });

  it('drops the counts of the last choices when new ones are invalid, and names fields by their labels', async () => {
    const { page, problems } = await fx.open();
    await page.goto(`${fx.companion.url}/#/export?format=trl-kto&minScore=20`);
    await previewOf(page, { format: 'trl-kto', minScore: '20' });
    await page.locator('input[name="maxScore"]').fill('10');
    await page.locator('input[name="maxScore"]').press('Tab');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Min score must not exceed Max score');
    expect(await alert.textContent()).not.toMatch(/minScore|maxScore|see issues/);
    // Nothing on screen still claims to count the previous choices.
    expect(await page.locator('[data-preview-key]').count()).toBe(0);
    expect(await page.locator('.export-preview').count()).toBe(0);
    expect(await page.locator('input[name="minScore"]').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('button', { name: 'Download trl-kto' }).isDisabled()).toBe(true);
    await screenshot(page, 'export-invalid');
    // Fixed: fresh counts for the new choices.
    await page.locator('input[name="maxScore"]').fill('90');
    await page.locator('input[name="maxScore"]').press('Tab');
    await previewOf(page, { format: 'trl-kto', minScore: '20', maxScore: '90' });
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
