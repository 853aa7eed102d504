import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, expect } from 'vitest';
import type { Annotation, Comparison } from '../../../shared/index.ts';
import { makeAnnotation } from '../../support/annotation-factory.ts';
import { type CompanionProcess, startCompanion } from '../../support/companion.ts';
import { type DashboardPage, launchDashboardBrowser, openDashboard } from '../../support/dashboard-browser.ts';
import { repoRoot } from '../../support/paths.ts';

/** Helpers shared by the dashboard's browser tests (test/e2e/dashboard-*.test.ts), one file per subject. */

export const ARTIFACTS = join(repoRoot, 'test', 'artifacts');

export const XSS_RESPONSE = [
  "Look: <img src=x onerror=\"window.__pwned='img'\"> and <script>window.__pwned='script'</script>",
  '',
  '[click me](javascript:window.__pwned=\'link\') and <iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
].join('\n');
export const XSS_COMMENT = '<b onmouseover="window.__pwned=\'comment\'">bold?</b> {{constructor.constructor("x")()}}';

/** A small, varied collection, and a few annotations the tests look for by content. */
export function seed() {
  const day = (index: number) => new Date(Date.UTC(2026, 9, 1 + (index % 20), 9 + (index % 8))).toISOString();
  const filler = Array.from({ length: 36 }, (_, index) =>
    makeAnnotation({
      site: index % 3 === 0 ? 'claude' : 'chatgpt',
      model: index % 3 === 0 ? 'claude-4' : index % 2 === 0 ? 'gpt-5' : 'gpt-4o',
      conversationId: `conv-${Math.floor(index / 2)}`,
      context: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: `Question ${Math.floor(index / 2)}: how do I reset the router?` },
      ],
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
export function seriesInk(page: Page, chart: string): Promise<number> {
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

/** A full-page screenshot in test/artifacts/dashboard-<name>.png (git-ignored; CI keeps them). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

export const status = (page: Page) => page.locator('.status[data-total]');
export const total = async (page: Page) => Number(await status(page).getAttribute('data-total'));
export const rowIds = (page: Page) =>
  page.locator('tr[data-row-id]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-row-id')));

export interface DashboardFixture {
  readonly companion: CompanionProcess;
  readonly browser: Browser;
  /** The sync checkpoint after the seed push. */
  readonly seeded: number;
  /** Calls the companion with the token and expects a success (200 or 201). */
  api<T>(path: string, init?: RequestInit): Promise<T>;
  /** Pushes annotations (and comparisons) as a browser's sync would. */
  push(annotations: Annotation[], comparisons?: Comparison[]): Promise<number>;
  open(viewport?: { width: number; height: number }): Promise<DashboardPage>;
}

/**
 * A real companion and Chromium per test, seeded with `annotations()` through sync push. Call at the
 * top of a `describe`; the getters are valid inside its tests.
 */
export function useDashboard(annotations: () => Annotation[] = () => []): DashboardFixture {
  let companion: CompanionProcess | undefined;
  let browser: Browser | undefined;
  let seeded = 0;
  const fixture: DashboardFixture = {
    get companion() {
      if (!companion) throw new Error('the companion starts in beforeEach');
      return companion;
    },
    get browser() {
      if (!browser) throw new Error('the browser starts in beforeEach');
      return browser;
    },
    get seeded() {
      return seeded;
    },
    async api<T>(path: string, init: RequestInit = {}): Promise<T> {
      const response = await fetch(`${fixture.companion.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${fixture.companion.token}`, 'content-type': 'application/json' },
      });
      expect([200, 201], await response.clone().text()).toContain(response.status);
      return (await response.json()) as T;
    },
    async push(pushed, comparisons = []) {
      const answer = await fixture.api<{ checkpoint: number }>('/api/v1/sync/push', {
        method: 'POST',
        body: JSON.stringify({ deviceId: 'seed-browser', annotations: pushed, comparisons }),
      });
      return answer.checkpoint;
    },
    open: (viewport) => openDashboard(fixture.browser, fixture.companion, viewport),
  };
  beforeEach(async () => {
    companion = await startCompanion();
    browser = await launchDashboardBrowser();
    const initial = annotations();
    seeded = initial.length > 0 ? await fixture.push(initial) : 0;
  });
  afterEach(async () => {
    await browser?.close();
    await companion?.dispose();
    browser = undefined;
    companion = undefined;
  });
  return fixture;
}

/** What sticks out of the viewport: the document's own scroll, and visible elements past an edge that no scroller clips. */
export interface Overflow {
  viewport: { width: number; height: number };
  document: { width: number; height: number };
  offenders: string[];
}

/**
 * Boxes meant to scroll sideways: the data table (its columns are wider than a narrow window by design),
 * code and data blocks. Anything else that scrolls sideways (the page's main area, a panel) hides content.
 */
const SIDEWAYS_SCROLLERS = ['.vtable', 'pre', '.review-rows', '.markdown table'];

export function overflow(page: Page): Promise<Overflow> {
  return page.evaluate((allowed) => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const height = root.clientHeight;
    const name = (element: Element) => {
      const id = element.id ? `#${element.id}` : '';
      const classes = [...element.classList].map((item) => `.${item}`).join('');
      const label = element.getAttribute('aria-label') ?? element.getAttribute('name') ?? '';
      return `${element.tagName.toLowerCase()}${id}${classes}${label ? `[${label}]` : ''}`;
    };
    /** A scrolling or clipping ancestor that is itself inside the viewport hides what sticks out of it. */
    const clipped = (element: Element) => {
      for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        if (style.overflowX !== 'visible' || style.overflowY !== 'visible') {
          const box = parent.getBoundingClientRect();
          if (box.left >= -1 && box.right <= width + 1) return true;
        }
      }
      return false;
    };
    const offenders: string[] = [];
    for (const element of document.querySelectorAll('body *')) {
      const style = getComputedStyle(element);
      if (
        (style.overflowX === 'auto' || style.overflowX === 'scroll') &&
        element.scrollWidth > element.clientWidth + 1 &&
        !allowed.some((selector) => element.matches(selector))
      ) {
        offenders.push(`${name(element)} scrolls sideways (${element.scrollWidth} > ${element.clientWidth})`);
      }
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || getComputedStyle(element).visibility === 'hidden') continue;
      if (box.left >= -1 && box.right <= width + 1) continue;
      if (!clipped(element))
        offenders.push(`${name(element)} spans x ${Math.round(box.left)}–${Math.round(box.right)}`);
    }
    return {
      viewport: { width, height },
      document: { width: root.scrollWidth, height: root.scrollHeight },
      offenders: offenders.slice(0, 20),
    };
  }, SIDEWAYS_SCROLLERS);
}
