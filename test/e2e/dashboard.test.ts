import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { passesFilters } from '../../shared/export/rules.ts';
import { type Annotation, exportOptionsSchema, type SyncPullResponse } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { launchDashboardBrowser, openDashboard, signInLink } from '../support/dashboard-browser.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const ARTIFACTS = join(repoRoot, 'test', 'artifacts');

const XSS_RESPONSE = [
  "Look: <img src=x onerror=\"window.__pwned='img'\"> and <script>window.__pwned='script'</script>",
  '',
  '[click me](javascript:window.__pwned=\'link\') and <iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
].join('\n');
const XSS_COMMENT = '<b onmouseover="window.__pwned=\'comment\'">bold?</b> {{constructor.constructor("x")()}}';

/** A small, varied collection, and a few annotations the tests look for by content. */
function seed() {
  const day = (index: number) => new Date(Date.UTC(2026, 9, 1 + (index % 20), 9 + (index % 8))).toISOString();
  const filler = Array.from({ length: 36 }, (_, index) =>
    makeAnnotation({
      site: index % 3 === 0 ? 'claude' : 'chatgpt',
      model: index % 3 === 0 ? 'claude-4' : index % 2 === 0 ? 'gpt-5' : 'gpt-4o',
      conversationId: `conv-${Math.floor(index / 2)}`,
      thumb: index % 4 === 0 ? 'down' : 'up',
      score: (index * 7) % 101,
      tags: index % 3 === 1 ? ['code'] : index % 5 === 0 ? ['long', 'style'] : [],
      comment: index % 4 === 1 ? 'fine, but verbose' : '',
      annotator: index % 2 === 0 ? 'ada' : 'grace',
      response: `Answer ${index}: reset the router, then check the cable.`,
      createdAt: day(index),
      updatedAt: day(index),
    }),
  );
  const searchable = makeAnnotation({
    site: 'claude',
    model: 'claude-4',
    response: 'Quantum entanglement, explained for a ten-year-old.',
    comment: 'check the physics',
    score: 64,
    thumb: 'up',
    createdAt: day(3),
  });
  const code = makeAnnotation({
    site: 'chatgpt',
    response: 'Use this:\n\n```python\ndef reset(router):\n    return router.reboot()\n```\n\nThen **wait**.',
    score: 91,
    createdAt: day(5),
  });
  const xss = makeAnnotation({
    site: 'chatgpt',
    context: [{ role: 'user', content: 'Show me <marquee>html</marquee> please' }],
    response: XSS_RESPONSE,
    comment: XSS_COMMENT,
    score: 12,
    thumb: 'down',
    createdAt: day(7),
  });
  return { all: [...filler, searchable, code, xss], filler, searchable, code, xss };
}

/** Pixels in strong colour (series ink: bars and lines), as opposed to the grey axes, grid and text. */
function seriesInk(page: Page, chart: string): Promise<number> {
  return page.locator(`[data-chart="${chart}"] canvas`).evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d');
    if (!context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r = 0, g = 0, b = 0, a = 0] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) ink += 1;
    }
    return ink;
  });
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

describe('dashboard (Chromium, real companion)', () => {
  let companion: CompanionProcess;
  let browser: Browser;
  let data: ReturnType<typeof seed>;
  let seeded = 0;

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${companion.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${companion.token}`, 'content-type': 'application/json' },
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return (await response.json()) as T;
  };
  const status = (page: Page) => page.locator('.status[data-total]');
  const total = async (page: Page) => Number(await status(page).getAttribute('data-total'));
  const rowIds = (page: Page) =>
    page.locator('tr[data-row-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-row-id')));

  beforeEach(async () => {
    companion = await startCompanion();
    browser = await launchDashboardBrowser();
    data = seed();
    const pushed = await api<{ checkpoint: number }>('/api/v1/sync/push', {
      method: 'POST',
      body: JSON.stringify({ deviceId: 'seed-browser', annotations: data.all }),
    });
    seeded = pushed.checkpoint;
  });
  afterEach(async () => {
    await browser?.close();
    await companion?.dispose();
  });

  it('signs in with a one-time link that leaves no code behind; without the token the API gives nothing', async () => {
    const link = await signInLink(companion);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await expect.poll(() => total(page)).toBe(data.all.length);
    expect(new URL(page.url()).hash).toBe('#/annotations');
    expect(page.url()).not.toContain(link.split('=')[1]);
    expect(await page.evaluate(() => sessionStorage.getItem('margin.token'))).toBe(companion.token);
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);

    // The same link again, in another tab: used up.
    const second = await (await browser.newContext()).newPage();
    await second.goto(link);
    await second.getByRole('alert').filter({ hasText: 'expired or was used already' }).waitFor();
    expect(await second.evaluate(() => sessionStorage.getItem('margin.token'))).toBeNull();

    // The page's origin without the token: every data route answers 401 and no data.
    const answers = await second.evaluate(async () => {
      const paths = ['/api/v1/annotations', '/api/v1/insights', '/api/v1/backup', '/api/v1/export?format=raw'];
      return Promise.all(
        paths.map(async (path) => {
          const response = await fetch(path);
          return { path, status: response.status, body: await response.text() };
        }),
      );
    });
    for (const answer of answers) {
      expect(answer.status, answer.path).toBe(401);
      expect(answer.body).not.toContain('router');
    }

    // Pasting the token works too, and the token is checked first.
    await second.getByLabel(/paste the pairing token/).fill('not-the-token-but-long-enough-xxxxxxxxxxxxxxx');
    await second.getByRole('button', { name: 'Sign in' }).click();
    await second.getByRole('alert').filter({ hasText: 'does not accept this token' }).waitFor();
    await second.getByLabel(/paste the pairing token/).fill(companion.token);
    await second.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => total(second)).toBe(data.all.length);
  });

  it('narrows the table by full-text search and by the export filters, sorted on the server', async () => {
    const { page, problems } = await openDashboard(browser, companion);
    await expect.poll(() => total(page)).toBe(data.all.length);
    await screenshot(page, 'annotations');

    await page.locator('input[name="q"]').fill('entangle');
    await expect.poll(() => total(page)).toBe(1);
    await expect.poll(() => rowIds(page)).toEqual([data.searchable.id]);
    await page.locator('input[name="q"]').fill('physics check'); // the comment, words in any order
    await expect.poll(() => rowIds(page)).toEqual([data.searchable.id]);
    await page.locator('input[name="q"]').fill('');
    await expect.poll(() => total(page)).toBe(data.all.length);

    const expected = (filters: Record<string, string>) =>
      data.all
        .filter((annotation) => passesFilters(annotation, exportOptionsSchema.parse({ format: 'raw', ...filters })))
        .map((annotation) => annotation.id)
        .sort();
    await page.locator('select[name="site"]').selectOption('claude');
    await expect.poll(() => total(page)).toBe(expected({ site: 'claude' }).length);
    await page.locator('input[name="minScore"]').fill('40');
    await page.locator('input[name="minScore"]').press('Tab');
    const narrowed = expected({ site: 'claude', minScore: '40' });
    expect(narrowed.length).toBeGreaterThan(1);
    expect(narrowed.length).toBeLessThan(expected({ site: 'claude' }).length);
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(narrowed);
    await page.locator('select[name="tag"]').selectOption('long');
    await expect
      .poll(async () => (await rowIds(page)).sort())
      .toEqual(expected({ site: 'claude', minScore: '40', tag: 'long' }));
    await page.locator('select[name="tag"]').selectOption('');

    // Sorted by score on the server, highest first, then lowest first.
    await page.getByRole('button', { name: 'Score' }).click();
    const byScore = (ids: (string | null)[]) =>
      ids.map((id) => data.all.find((annotation) => annotation.id === id)?.score ?? null);
    await expect
      .poll(async () => byScore(await rowIds(page)))
      .toEqual(
        narrowed.map((id) => data.all.find((a) => a.id === id)?.score ?? null).sort((a, b) => (b ?? 0) - (a ?? 0)),
      );
    await page.getByRole('button', { name: /^Score/ }).click();
    await expect
      .poll(async () => byScore(await rowIds(page)))
      .toEqual(
        narrowed.map((id) => data.all.find((a) => a.id === id)?.score ?? null).sort((a, b) => (a ?? 0) - (b ?? 0)),
      );

    // The filters live in the address: a reload keeps them.
    await page.reload();
    await expect.poll(async () => (await rowIds(page)).sort()).toEqual(narrowed);
    expect(problems).toEqual([]);
  });

  it('saves an edit that survives a reload and reaches the extension through a sync pull; deletes too', async () => {
    const { page, problems } = await openDashboard(browser, companion);
    const target = data.filler[2] as Annotation;
    await page.locator('input[name="q"]').fill(`Answer ${target.response.split(' ')[1]?.replace(':', '')}`);
    await page.locator(`tr[data-row-id="${target.id}"]`).click();
    const detail = page.locator(`.detail[data-annotation-id="${target.id}"]`);
    await detail.waitFor();
    await detail.getByLabel('▼ down').check();
    await detail.getByLabel('Score (0–100)').fill('33');
    await detail.getByLabel('Tags (comma separated)').fill('wrong, needs-citation');
    await detail.getByLabel('Comment').fill('Misses the firmware step.');
    await detail.getByRole('button', { name: 'Write a better response' }).click();
    await detail.getByLabel('Correction (markdown)').fill('Update the firmware first, then reset the router.');
    await detail.getByRole('button', { name: 'Save' }).click();
    await detail.getByRole('status').filter({ hasText: 'Saved (revision 2).' }).waitFor();
    await detail.locator('.bubble.correction').filter({ hasText: 'Update the firmware first' }).waitFor();
    const cells = page.locator(`tr[data-row-id="${target.id}"] td`);
    await expect
      .poll(async () => [await cells.nth(3).textContent(), await cells.nth(4).textContent()])
      .toEqual(['▼ down', '33']);
    await screenshot(page, 'detail');

    await page.reload();
    const reloaded = page.locator(`.detail[data-annotation-id="${target.id}"]`);
    await reloaded.waitFor();
    expect(await reloaded.getAttribute('data-revision')).toBe('2');
    expect(await reloaded.getByLabel('Score (0–100)').inputValue()).toBe('33');
    expect(await reloaded.getByLabel('Tags (comma separated)').inputValue()).toBe('wrong, needs-citation');
    expect(await reloaded.getByLabel('Comment').inputValue()).toBe('Misses the firmware step.');
    expect(await reloaded.getByLabel('▼ down').isChecked()).toBe(true);

    const pull = await api<SyncPullResponse>(`/api/v1/sync/pull?since=${seeded}`);
    expect(pull.annotations).toHaveLength(1);
    expect(pull.annotations[0]).toMatchObject({
      id: target.id,
      revision: 2,
      thumb: 'down',
      score: 33,
      tags: ['wrong', 'needs-citation'],
      comment: 'Misses the firmware step.',
      correction: 'Update the firmware first, then reset the router.',
      response: target.response,
      createdAt: target.createdAt,
      deletedAt: null,
    });

    // Delete: a tombstone that sync carries; the row leaves the table.
    page.once('dialog', (dialog) => void dialog.accept());
    await reloaded.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.locator(`tr[data-row-id="${target.id}"]`).count()).toBe(0);
    const after = await api<SyncPullResponse>(`/api/v1/sync/pull?since=${pull.checkpoint}`);
    expect(after.annotations.map((a) => [a.id, a.revision, a.deletedAt !== null])).toEqual([[target.id, 3, true]]);
    expect(problems).toEqual([]);
  });

  it('shows HTML and script in a response, context or comment as text, and never runs them', async () => {
    const { page, problems } = await openDashboard(browser, companion);
    await page.goto(`${companion.url}/#/annotations/${data.xss.id}`);
    const detail = page.locator(`.detail[data-annotation-id="${data.xss.id}"]`);
    await detail.waitFor();
    const response = detail.locator('.bubble.response');
    await expect.poll(() => response.textContent()).toContain("<script>window.__pwned='script'</script>");
    expect(await response.textContent()).toContain('<img src=x onerror="window.__pwned=\'img\'">');
    expect(await detail.locator('.bubble[data-role="user"]').textContent()).toContain('<marquee>html</marquee>');
    expect(await detail.locator('.markdown img, .markdown script, .markdown iframe, .markdown marquee').count()).toBe(
      0,
    );
    expect(await detail.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await detail.getByLabel('Comment').inputValue()).toBe(XSS_COMMENT);
    const row = page.locator(`tr[data-row-id="${data.xss.id}"]`);
    await expect.poll(() => row.textContent()).toContain('<b onmouseover=');
    expect(await row.locator('b').count()).toBe(0);
    await row.hover();
    await response.hover();
    // The markdown still renders: code is highlighted, emphasis is emphasis.
    await page.goto(`${companion.url}/#/annotations/${data.code.id}`);
    const code = page.locator(`.detail[data-annotation-id="${data.code.id}"] .bubble.response`);
    await code.locator('pre code .hljs-keyword', { hasText: 'def' }).waitFor();
    expect(await code.locator('strong', { hasText: 'wait' }).count()).toBe(1);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('draws every chart from the data, and only from the data', async () => {
    const { page, problems } = await openDashboard(browser, companion);
    await page.getByRole('link', { name: 'Insights' }).click();
    await expect.poll(() => total(page)).toBe(data.all.length);
    const charts = ['over-time', 'per-site', 'per-model', 'scores', 'tags'];
    for (const chart of charts) {
      await page.locator(`[data-chart="${chart}"] canvas`).first().waitFor();
      await expect.poll(() => seriesInk(page, chart), { message: chart }).toBeGreaterThan(200);
    }
    await screenshot(page, 'insights');
    // A filter nothing matches leaves no chart to draw.
    await page.locator('input[name="minScore"]').fill('100');
    await page.locator('input[name="minScore"]').press('Tab');
    await expect.poll(() => total(page)).toBe(0);
    expect(await page.getByText('No data for these filters.').count()).toBe(charts.length);
    expect(await page.locator('.chart canvas').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('previews and downloads exactly what `margin export` writes for the same choices', async () => {
    const { page, problems } = await openDashboard(browser, companion);
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
          companion.dataDir,
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

  it('settings: shows the data directory, backs up and restores, rotates the token', async () => {
    const { page, problems } = await openDashboard(browser, companion);
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => page.locator('[data-setting="dataDir"]').textContent()).toBe(companion.dataDir);
    await screenshot(page, 'settings');

    const [backup] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download backup' }).click(),
    ]);
    const lines = readFileSync(await backup.path(), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    expect(lines.map((line) => (JSON.parse(line) as Annotation).id).sort()).toEqual(data.all.map((a) => a.id).sort());

    // Restoring the same backup is a no-op; a file with a bad line reports it by number.
    await page.locator('input[name="restore"]').setInputFiles({
      name: 'backup.jsonl',
      mimeType: 'application/jsonl',
      buffer: Buffer.from(`${lines.join('\n')}\n{"nope": 1}\n`),
    });
    const restored = page.locator('.restore[data-running="false"]');
    await restored.waitFor();
    expect(await restored.textContent()).toContain(
      `${lines.length + 1} lines, 0 stored, ${lines.length} already present`,
    );
    expect(await restored.textContent()).toContain(`line ${lines.length + 1}: `);

    page.once('dialog', (dialog) => void dialog.accept());
    const old = companion.token;
    await page.getByRole('button', { name: 'Rotate token' }).click();
    await page.getByRole('status').filter({ hasText: 'New token made' }).waitFor();
    const rotated = companion.token;
    expect(rotated).not.toBe(old);
    expect(await page.locator('code[data-token-shown="true"]').textContent()).toBe(rotated);
    expect((await fetch(`${companion.url}/api/v1/stats`, { headers: { authorization: `Bearer ${old}` } })).status).toBe(
      401,
    );
    // The dashboard keeps working with the new token.
    await page.getByRole('link', { name: 'Annotations' }).click();
    await expect.poll(() => total(page)).toBe(data.all.length);
    expect(problems).toEqual([]);
  });
});
