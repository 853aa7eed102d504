import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Annotation, itemIdFor, syncPullResponseSchema } from '../../shared/index.ts';
import { historyFixture } from '../companion/support/history-store.ts';
import { conversationsJson } from '../support/chatgpt-export-generator.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { launchDashboardBrowser, openDashboard } from '../support/dashboard-browser.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { ZipWriter } from '../support/zip-writer.ts';

/** The ChatGPT fixture export, plus a shard of 250 generated conversations stored uncompressed (a ~9 MB ZIP). */
async function buildExport(dir: string): Promise<string> {
  const path = join(dir, 'chatgpt-export.zip');
  const zip = new ZipWriter(path);
  const single = historyFixture('chatgpt', 'single');
  for (const name of readdirSync(single)) await zip.add(name, [readFileSync(join(single, name))]);
  await zip.add('conversations-001.json', conversationsJson(0, 250, 7, { turns: 6, answerChars: 1500 }), true);
  await zip.close();
  return path;
}

/** Responses of the fixture that carry a thumb in its message_feedback.json. */
const IMPORTED_THUMBS = [
  { start: 'An hourly drop usually means a DHCP lease', label: false },
  { start: 'Three things, in this order', label: true },
  { start: 'The chart shows unit sales rising 12% in Q3', label: false },
];

describe('bring your history (Chromium, real companion)', () => {
  let companion: CompanionProcess;
  let browser: Browser;
  let dir: { path: string; remove: () => Promise<void> };

  beforeEach(async () => {
    dir = await makeTempDir('history-e2e');
    companion = await startCompanion();
    browser = await launchDashboardBrowser();
  });
  afterEach(async () => {
    await browser?.close();
    await companion?.dispose();
    await dir?.remove();
  });

  const get = async (path: string) => {
    const response = await fetch(`${companion.url}${path}`, {
      headers: { authorization: `Bearer ${companion.token}` },
    });
    expect(response.status, path).toBe(200);
    return response;
  };

  it('uploads a ChatGPT export with progress, rates three responses from the keyboard, and exports them with the imported thumbs', async () => {
    const file = await buildExport(dir.path);
    const { page, problems } = await openDashboard(browser, companion);
    await page.evaluate(() => {
      window.location.hash = '#/import';
    });
    await page.locator('input[name="export"]').waitFor();
    // Every state of the progress element the page goes through, as it renders them.
    await page.evaluate(() => {
      const seen: Array<[string | undefined, number, number]> = [];
      (window as unknown as { phases: typeof seen }).phases = seen;
      new MutationObserver(() => {
        for (const element of document.querySelectorAll<HTMLElement>('.import-progress')) {
          const bar = element.querySelector('progress');
          seen.push([element.dataset.phase, bar?.value ?? -1, bar?.max ?? -1]);
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await page.locator('input[name="export"]').setInputFiles(file);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.locator('.import-progress[data-phase="done"]').waitFor({ timeout: 60_000 });
    const phases = await page.evaluate(() => (window as unknown as { phases: Array<[string, number, number]> }).phases);
    const uploads = phases.filter(([phase]) => phase === 'uploading');
    const sent = [...new Set(uploads.map(([, value]) => value))];
    expect(sent.length).toBeGreaterThanOrEqual(3); // 0, then one value per 4 MiB chunk
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(uploads.at(-1)?.[1]).toBe(uploads.at(-1)?.[2]);
    expect(phases.some(([phase]) => phase === 'importing')).toBe(true);
    const done = phases.filter(([phase]) => phase === 'done').at(-1);
    expect(done?.[1]).toBe(done?.[2]);
    await expect
      .poll(() => page.locator('[data-count="ratings"]').textContent(), { timeout: 15_000 })
      .toMatch(/^3 in the file \(3 new/);

    // Rate three responses from the keyboard, as fast as a person who knows the keys: up, down, up, without
    // waiting for the page between keys. None may be dropped and each must rate the response shown when its turn came.
    await page.getByTestId('rate-link').click();
    const first = await page.locator('.history-item').getAttribute('data-item-id');
    for (const key of ['+', '-', '+']) await page.keyboard.press(key);
    await expect
      .poll(() => page.getByTestId('rate-remaining').textContent(), { timeout: 30_000 })
      .toMatch(/3 rated here$/);
    await expect
      .poll(() => page.getByTestId('rate-status').textContent(), { timeout: 15_000 })
      .toMatch(/Saved: thumbs up/);
    expect(problems).toEqual([]);

    // They are annotations the extension pulls; a trl-kto export that opts the imported source in has them and the imported thumbs.
    const pulled = syncPullResponseSchema.parse(await (await get('/api/v1/sync/pull?since=0&limit=1000')).json());
    const mine = pulled.annotations.filter((annotation) => annotation.metadata['item.source'] === 'import');
    const ratedIds = mine.map((annotation) => itemIdFor(annotation.key));
    expect(ratedIds[0]).toBe(first);
    expect(new Set(ratedIds).size).toBe(3);
    expect(mine.map((annotation) => annotation.thumb)).toEqual(['up', 'down', 'up']);
    const rows = (await (await get('/api/v1/export?format=trl-kto&source=capture,import')).text())
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { completion: Array<{ content: string }>; label: boolean });
    const label = (response: string) =>
      rows.filter((row) => row.completion.at(-1)?.content === response).map((row) => row.label);
    for (const annotation of mine) {
      expect(label((annotation as Annotation).response)).toEqual([annotation.thumb === 'up']);
    }
    for (const thumb of IMPORTED_THUMBS) {
      const row = rows.find((candidate) => candidate.completion.at(-1)?.content.startsWith(thumb.start));
      expect(row?.label, thumb.start).toBe(thumb.label);
    }
  });
});
