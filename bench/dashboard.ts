/**
 * `npm run bench:dashboard`: with 100,000 annotations in a real companion, measures in Chromium
 *   - the first render of the annotations page (navigation start → the first page of rows on screen),
 *     target ≤ 1 s;
 *   - applying a filter (the select's change event → the narrowed table on screen), target ≤ 200 ms;
 * plus, for context, sorting, a full-text search, the API's own latency, and how long the search index
 * takes to catch up after the push. Results: bench/results/dashboard.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Annotation, AnnotationListResponse } from '../shared/index.ts';
import { startCompanion } from '../test/support/companion.ts';
import { launchDashboardBrowser, signInLink } from '../test/support/dashboard-browser.ts';
import { repoRoot } from '../test/support/paths.ts';

const TOTAL = Number(process.env.BENCH_DASHBOARD_TOTAL ?? 100_000);
const BATCH = 1_000;
const RUNS = 7;
const TARGETS = { firstRenderMs: 1_000, filterMs: 200 };

/** Deterministic pseudo-random numbers, so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const SYLLABLES = 'ka to ri mu se na lo pe vi da go zu he bi fo ra ne ti so mo wa yu ke'.split(' ');

function makeAnnotations(count: number): Annotation[] {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  // A vocabulary of 5,000 made-up words, so the full-text index is not trivially small.
  const vocabulary = Array.from({ length: 5_000 }, () =>
    Array.from({ length: 2 + Math.floor(next() * 3) }, () => pick(SYLLABLES)).join(''),
  );
  const text = (chars: number) => {
    let out = '';
    while (out.length < chars) out += `${pick(vocabulary)} `;
    return out.slice(0, chars);
  };
  const sites = ['chatgpt', 'claude', 'gemini', 'copilot', 'perplexity'];
  const models = ['gpt-5', 'gpt-4o', 'claude-4', 'gemini-3', 'sonar', null];
  const tags = ['code', 'long', 'wrong', 'style', 'helpful', 'unsafe', 'math'];
  return Array.from({ length: count }, (_, i) => {
    const site = pick(sites);
    const conversationId = `conv-${Math.floor(i / 3)}`;
    const messageId = `msg-${i}`;
    const time = new Date(Date.UTC(2026, 0, 1) + i * 240_000).toISOString(); // ~9 months
    return {
      schemaVersion: 2,
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      key: `${site}:${conversationId}:${messageId}`,
      site,
      url: `https://example.com/c/${conversationId}`,
      conversationId,
      messageId,
      model: pick(models),
      modelSource: 'model-picker',
      context: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: text(200 + Math.floor(next() * 600)) },
      ],
      response: text(400 + Math.floor(next() * 1_100)),
      variant: null,
      thumb: pick(['up', 'down', null] as const),
      score: next() < 0.15 ? null : Math.floor(next() * 101),
      comment: next() < 0.3 ? text(60 + Math.floor(next() * 120)) : '',
      tags: tags.filter(() => next() < 0.12),
      correction: next() < 0.05 ? text(300) : null,
      metadata: {},
      annotator: pick(['ada', 'grace', 'linus', 'margaret']),
      createdAt: time,
      updatedAt: time,
      deletedAt: null,
      revision: 1,
    };
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function summary(values: number[]) {
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    medianMs: round(median(values)),
    minMs: round(Math.min(...values)),
    maxMs: round(Math.max(...values)),
    runsMs: values.map(round),
  };
}

type Action = { select: string; value: string } | { header: string } | { search: string };

/** Does `action` in the page, then waits there for the table's "rendered" mark of the query `expect`. */
async function timeToRows(page: Page, action: Action, expect: string): Promise<number> {
  return page.evaluate(
    async ({ action, expect }) => {
      const rendered = new Promise<number>((resolve) => {
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) {
            const detail = (entry as PerformanceMark).detail as string | undefined;
            if (entry.name === 'margin:annotations-rendered' && detail === expect) {
              observer.disconnect();
              resolve(entry.startTime);
            }
          }
        });
        observer.observe({ type: 'mark' });
      });
      const started = performance.now();
      if ('select' in action) {
        const select = document.querySelector<HTMLSelectElement>(`select[name="${action.select}"]`);
        if (!select) throw new Error(`no select ${action.select}`);
        select.value = action.value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      } else if ('header' in action) {
        const button = [...document.querySelectorAll<HTMLButtonElement>('thead button')].find((candidate) =>
          candidate.textContent?.startsWith(action.header),
        );
        if (!button) throw new Error(`no column ${action.header}`);
        button.click();
      } else {
        const input = document.querySelector<HTMLInputElement>('input[name="q"]');
        if (!input) throw new Error('no search box');
        input.value = action.search;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
      return (await rendered) - started;
    },
    { action, expect },
  );
}

async function main() {
  const annotations = makeAnnotations(TOTAL);
  const averageBytes = annotations.slice(0, 1_000).reduce((sum, a) => sum + JSON.stringify(a).length, 0) / 1_000;
  console.log(`${TOTAL} annotations, about ${averageBytes.toFixed(0)} bytes each`);
  const companion = await startCompanion();
  const auth = { authorization: `Bearer ${companion.token}`, 'content-type': 'application/json' };
  const browser = await launchDashboardBrowser();
  try {
    const pushStarted = performance.now();
    for (let start = 0; start < TOTAL; start += BATCH * 2) {
      await Promise.all(
        [start, start + BATCH]
          .filter((offset) => offset < TOTAL)
          .map(async (offset) => {
            const response = await fetch(`${companion.url}/api/v1/sync/push`, {
              method: 'POST',
              headers: auth,
              body: JSON.stringify({ deviceId: 'bench', annotations: annotations.slice(offset, offset + BATCH) }),
            });
            if (response.status !== 200) throw new Error(`push failed: ${response.status} ${await response.text()}`);
          }),
      );
    }
    const pushSeconds = (performance.now() - pushStarted) / 1000;
    console.log(`pushed in ${pushSeconds.toFixed(1)} s`);

    // The search index fills in the background; the dashboard reports what is still pending.
    const indexStarted = performance.now();
    for (;;) {
      const response = await fetch(`${companion.url}/api/v1/annotations?limit=1`, { headers: auth });
      const body = (await response.json()) as AnnotationListResponse;
      if (body.pendingIndex === 0 && body.total === TOTAL) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const indexCatchUpSeconds = (performance.now() - indexStarted) / 1000;
    console.log(`search index caught up ${indexCatchUpSeconds.toFixed(1)} s after the last push`);

    // The API alone, for reference (over loopback, JSON included).
    const apiTimes: Record<string, number[]> = {};
    for (const [name, query] of [
      ['first page', 'limit=100'],
      ['site filter', 'site=claude&limit=100'],
      ['tag + score filter', 'tag=code&minScore=50&limit=100'],
      ['search', 'q=kato&limit=100'],
      ['sort by score, deep page', 'sort=score&order=asc&offset=90000&limit=100'],
      ['insights', null],
    ] as const) {
      apiTimes[name] = [];
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        const path = query === null ? '/api/v1/insights' : `/api/v1/annotations?${query}`;
        const response = await fetch(`${companion.url}${path}`, { headers: auth });
        await response.arrayBuffer();
        apiTimes[name]?.push(performance.now() - started);
      }
    }

    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(await signInLink(companion));
    await page.locator('tr[data-row-id]').first().waitFor({ timeout: 30_000 });

    // First render: a reload is a full navigation (the files are served no-store); the token is in sessionStorage.
    const firstRender: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.reload();
      await page.locator('tr[data-row-id]').first().waitFor();
      firstRender.push(
        await page.evaluate(() => {
          const mark = performance.getEntriesByName('margin:annotations-rendered')[0];
          return mark ? mark.startTime : Number.NaN;
        }),
      );
    }
    const rowsInDom = await page.locator('tr[data-row-id]').count();

    const key = (query: Record<string, string>) =>
      JSON.stringify({ ...query, sort: query.sort ?? 'created', order: query.order ?? 'desc' });
    const filter: number[] = [];
    const tagFilter: number[] = [];
    const sort: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      filter.push(await timeToRows(page, { select: 'site', value: 'claude' }, key({ site: 'claude' })));
      tagFilter.push(await timeToRows(page, { select: 'tag', value: 'code' }, key({ site: 'claude', tag: 'code' })));
      await timeToRows(page, { select: 'tag', value: '' }, key({ site: 'claude' }));
      await timeToRows(page, { select: 'site', value: '' }, key({}));
      sort.push(await timeToRows(page, { header: 'Score' }, key({ sort: 'score', order: 'desc' })));
      await timeToRows(page, { header: 'Date' }, key({ sort: 'created', order: 'desc' }));
    }
    // Typing a search waits 150 ms for the next key (by design); this includes that wait.
    const search: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      search.push(await timeToRows(page, { search: 'kato' }, key({ q: 'kato' })));
      await timeToRows(page, { search: '' }, key({}));
    }

    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        model: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        chromium: browser.version(),
        loadAverage1m: Number(loadavg()[0]?.toFixed(2)),
      },
      annotations: TOTAL,
      averageBytes: Math.round(averageBytes),
      pushSeconds: Number(pushSeconds.toFixed(1)),
      indexCatchUpSecondsAfterPush: Number(indexCatchUpSeconds.toFixed(1)),
      browser: {
        firstRender: { ...summary(firstRender), targetMs: TARGETS.firstRenderMs },
        filterBySite: { ...summary(filter), targetMs: TARGETS.filterMs },
        filterByTagOnTopOfSite: { ...summary(tagFilter), targetMs: TARGETS.filterMs },
        sortByScore: summary(sort),
        searchIncluding150msTypingDelay: summary(search),
        rowsInDom,
      },
      api: Object.fromEntries(Object.entries(apiTimes).map(([name, values]) => [name, summary(values)])),
    };
    const line = (label: string, value: { medianMs: number; maxMs: number }, target?: number) =>
      console.log(
        `${label.padEnd(44)} median ${String(value.medianMs).padStart(6)} ms, max ${String(value.maxMs).padStart(6)} ms${target ? `  (target ≤ ${target} ms: ${value.medianMs <= target ? 'met' : 'MISSED'})` : ''}`,
      );
    line('first render of the annotations page', results.browser.firstRender, TARGETS.firstRenderMs);
    line('filter by site', results.browser.filterBySite, TARGETS.filterMs);
    line('filter by tag on top of site', results.browser.filterByTagOnTopOfSite, TARGETS.filterMs);
    line('sort by score', results.browser.sortByScore);
    line('search (incl. 150 ms typing delay)', results.browser.searchIncluding150msTypingDelay);
    for (const [name, value] of Object.entries(results.api)) line(`API: ${name}`, value);
    console.log(`rows in the DOM at once: ${rowsInDom} of ${TOTAL}`);
    console.log(`load average (1 min) at the end: ${results.machine.loadAverage1m} on ${results.machine.cpus} cores`);
    const dir = join(repoRoot, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'dashboard.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('wrote bench/results/dashboard.json');
  } finally {
    await browser.close();
    await companion.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
