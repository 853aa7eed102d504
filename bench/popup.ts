/**
 * `npm run bench:popup`: how long the toolbar popup takes to show its counts with many annotations in
 * the browser (issue 17: ≤ 150 ms with 100,000, headed for ≤ 50 ms). The same popup is opened with an
 * empty store first (the anchor: the page's own cost), then with N realistic annotations written
 * straight into the extension's IndexedDB; medians over rounds. Results: bench/results/popup.json.
 *
 *   npm run bench:popup -- [annotations=100000] [rounds=5]
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/support/chromium.ts';
import { repoRoot } from '../test/support/paths.ts';
import { makeAnnotations } from './support/realistic-annotations.ts';

const count = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 5);
const SITES = ['chatgpt', 'claude', 'gemini', 'deepseek', 'perplexity'];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** Milliseconds from the popup's navigation to its total count on screen. */
async function openPopup(page: Page, url: string, expectedTotal: number): Promise<number> {
  await page.goto(url);
  await page.waitForFunction(
    (total) => document.querySelector('[data-count="total"]')?.textContent === String(total),
    expectedTotal,
    { polling: 'raf', timeout: 120_000 },
  );
  return page.evaluate(() => performance.now());
}

async function measure(page: Page, url: string, total: number): Promise<number[]> {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) times.push(await openPopup(page, url, total));
  return times;
}

const session = await launchChromium();
try {
  const popupUrl = `chrome-extension://${session.extensionId}/popup.html`;
  const page = await session.context.newPage();
  const empty = await measure(page, popupUrl, 0);

  // Several sites, some deleted, a few made today: the popup counts all three ways.
  const today = Date.now();
  const all = makeAnnotations(count).map((annotation, index) => ({
    ...annotation,
    site: SITES[index % SITES.length] as string,
    createdAt: new Date(index % 50 === 0 ? today : Date.parse(annotation.createdAt)).toISOString(),
    deletedAt: index % 97 === 0 ? annotation.updatedAt : null,
  }));
  const live = all.filter((annotation) => annotation.deletedAt === null).length;
  for (let start = 0; start < all.length; start += 2_000) {
    await page.evaluate(
      (rows) =>
        new Promise<void>((resolve, reject) => {
          const request = indexedDB.open('margin');
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const transaction = request.result.transaction('annotations', 'readwrite');
            for (const row of rows) transaction.objectStore('annotations').put(row);
            transaction.oncomplete = () => {
              request.result.close();
              resolve();
            };
            transaction.onerror = () => reject(transaction.error);
          };
        }),
      all.slice(start, start + 2_000),
    );
  }
  // Rows written around Margin (as above) are not in its counts: drop those rows, so the first open
  // rebuilds them from the indexes, as the version 6 upgrade does once for an existing profile.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const request = indexedDB.open('margin');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const transaction = request.result.transaction('counts', 'readwrite');
          transaction.objectStore('counts').clear();
          transaction.oncomplete = () => {
            request.result.close();
            resolve();
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
  );
  const rebuild = await openPopup(page, popupUrl, live);
  const full = await measure(page, popupUrl, live);
  // The floor for reading N rows at all: IndexedDB's own count of the store, in the same page.
  const nativeCount = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const request = indexedDB.open('margin');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const started = performance.now();
          const counting = request.result.transaction('annotations').objectStore('annotations').count();
          counting.onsuccess = () => {
            request.result.close();
            resolve(performance.now() - started);
          };
        };
      }),
  );

  const result = {
    annotations: count,
    live,
    rounds,
    popupCountsShownMs: { empty: median(empty), full: median(full), fullRuns: full.map(Math.round) },
    addedByAnnotationsMs: median(full) - median(empty),
    /** The first open after the counts were dropped: they are rebuilt from the indexes (once per profile). */
    firstOpenWithRebuildMs: rebuild,
    nativeCountMs: nativeCount,
    targetMs: 150,
    machine: { cores: cpus().length, load: loadavg().map((value) => Number(value.toFixed(2))) },
    at: new Date().toISOString(),
  };
  console.log(
    `popup with ${count.toLocaleString('en')} annotations: counts shown at ${result.popupCountsShownMs.full.toFixed(0)} ms (empty store: ${result.popupCountsShownMs.empty.toFixed(0)} ms; first open, rebuilding the counts: ${rebuild.toFixed(0)} ms; IndexedDB's own count: ${nativeCount.toFixed(1)} ms; target ≤ 150 ms; load ${result.machine.load[0]})`,
  );
  writeFileSync(`${repoRoot}/bench/results/popup.json`, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await session.close();
}
