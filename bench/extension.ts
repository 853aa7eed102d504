/**
 * `npm run bench:extension`: what the content script costs the person on a busy chat page, in Chromium.
 *
 * The page (test/support/long-chat-page.ts) is a ChatGPT-like conversation that really lays out: 300
 * finished question/answer pairs with paragraphs, lists, code blocks and tables under a stylesheet, then
 * an answer the page's OWN script streams in 2,000 DOM mutations (one per task) and finishes. Each round
 * runs the scenario twice, ALTERNATING: a browser without the extension, then one with it (same flags).
 * Both open the page and scroll to the newest turn, as a chat page opens. BENCH_ROUNDS rounds (default
 * 7, at least 5); the figures are medians over rounds.
 *
 * Per run and per phase (load, stream, finish):
 * - main-thread CPU from the renderer's own accounting (CDP Performance.getMetrics): TaskDuration is
 *   every main-thread task (script, style, layout, paint, the rest), with the script, style and layout
 *   parts beside it. The extension's share is the median with minus the median without.
 * - JavaScript by script URL from a CPU profile (CDP Profiler, 200 µs sampling) of the same run: self
 *   time of frames from `chrome-extension://` (the content script) against everything else the page
 *   ran (its own script, Playwright's evaluations: none in the measured phases). Ratio per run, then
 *   the median: both sides come from the same run, so the run-to-run noise mostly cancels.
 * - long tasks (> 50 ms, PerformanceObserver in the page), and the longest stretch of consecutive
 *   profile samples inside the content script (how long it held the main thread at once).
 * Then, in the last run with the extension: 40 more responses stream and finish in view, finished →
 * controls visible (page clock, a ResizeObserver on the new host), and click → "Saved" on 40 responses.
 * Prints figures with their targets (issue 17) and writes bench/results/extension.json.
 * MARGIN_EXTENSION_BASELINE=<a built chrome-mv3 folder> adds a third browser per round with that build
 * (say, main's), measured the same way in the same rounds: before and after in one run.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { ControlsDriver } from '../test/e2e/support/annotate-driver.ts';
import { findBrowser, installHint } from '../test/support/browser-paths.js';
import { CHROMIUM_FLAGS, launchChromium, serveFixturePage } from '../test/support/chromium.ts';
import { assistantTurn, LONG_CHAT_URL, longChatPage, userTurn } from '../test/support/long-chat-page.ts';
import { chromeExtensionDir, repoRoot } from '../test/support/paths.ts';
import { makeTempDir } from '../test/support/temp-dir.ts';

const FINISHED = 300;
const STREAM_MUTATIONS = 2_000;
const LATENCY_SAMPLES = 40;
const ROUNDS = Math.max(5, Number(process.env.BENCH_ROUNDS ?? 7));
const PHASES = ['load', 'stream', 'finish'] as const;
type Phase = (typeof PHASES)[number];

interface PhaseFigures {
  /** Main-thread busy time (every task), ms. */
  task: number;
  script: number;
  layout: number;
  style: number;
  /** JavaScript self time in the content script, and in everything else, from the CPU profile (ms). */
  extensionJs: number;
  pageJs: number;
  /** Longest run of consecutive samples inside the content script (ms). */
  extensionStretch: number;
}

/** Self time by script (content script or not) of a V8 CPU profile. */
function attribute(profile: {
  nodes: { id: number; callFrame: { url: string; functionName: string }; children?: number[] }[];
  samples?: number[];
  timeDeltas?: number[];
}): { extension: number; page: number; stretch: number } {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inExtension = new Map<number, boolean>();
  const isExtension = (id: number): boolean => {
    const known = inExtension.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const parentId = parent.get(id);
    const value =
      node?.callFrame.url.startsWith('chrome-extension://') || (parentId !== undefined && isExtension(parentId));
    inExtension.set(id, value);
    return value;
  };
  const idle = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);
  let extension = 0;
  let page = 0;
  let stretch = 0;
  let current = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let index = 0; index < samples.length; index++) {
    // A sample's time is the delta to the next one.
    const ms = (deltas[index + 1] ?? 0) / 1000;
    const id = samples[index] as number;
    const node = byId.get(id);
    if (!node || idle.has(node.callFrame.functionName)) {
      current = 0;
      continue;
    }
    if (isExtension(id)) {
      extension += ms;
      current += ms;
      stretch = Math.max(stretch, current);
    } else {
      page += ms;
      current = 0;
    }
  }
  return { extension, page, stretch };
}

/** Runs `run`, marking phases; each phase gets main-thread metrics and a CPU profile of its own. */
async function measure(cdp: CDPSession, run: (phase: (name: Phase) => Promise<void>) => Promise<void>) {
  await cdp.send('Performance.enable');
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const metrics = async () =>
    Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((entry) => [entry.name, entry.value]));
  const phases = {} as Record<Phase, PhaseFigures>;
  let before = await metrics();
  await cdp.send('Profiler.start');
  await run(async (name) => {
    const { profile } = await cdp.send('Profiler.stop');
    const after = await metrics();
    const delta = (key: string) => ((after[key] ?? 0) - (before[key] ?? 0)) * 1000;
    const js = attribute(profile);
    phases[name] = {
      task: delta('TaskDuration'),
      script: delta('ScriptDuration'),
      layout: delta('LayoutDuration'),
      style: delta('RecalcStyleDuration'),
      extensionJs: js.extension,
      pageJs: js.page,
      extensionStretch: js.stretch,
    };
    before = await metrics();
    await cdp.send('Profiler.start');
  });
  await cdp.send('Profiler.stop');
  return phases;
}

/** Finishes the last response as the site does; ms until its controls are laid out with a size, -1 if none in 5 s. */
async function finishAndTime(page: Page): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const sections = document.querySelectorAll('section[data-turn="assistant"]');
    const turn = sections[sections.length - 1];
    const started = performance.now();
    const sized = new ResizeObserver((entries) => {
      if (entries.some((entry) => entry.contentRect.height > 0)) {
        sized.disconnect();
        resolve(performance.now() - started);
      }
    });
    const inserted = new MutationObserver(() => {
      const host = turn.querySelector('margin-annotator');
      if (!host) return;
      inserted.disconnect();
      sized.observe(host);
    });
    inserted.observe(turn, { childList: true, subtree: true });
    setTimeout(() => resolve(-1), 5000);
    window.finishAnswer();
  })`);
}

/** One load → stream → finish run in `context`; with the extension, also waits for the last response's controls. */
async function scenario(context: BrowserContext, withExtension: boolean) {
  await serveFixturePage(context, LONG_CHAT_URL, longChatPage(FINISHED));
  const tab = await context.newPage();
  await tab.setViewportSize({ width: 1280, height: 800 });
  await tab.addInitScript(`
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  `);
  const cdp = await context.newCDPSession(tab);
  let visibleMs = -1;
  const phases = await measure(cdp, async (phase) => {
    await tab.goto(LONG_CHAT_URL);
    await tab.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    await tab.waitForTimeout(1_500);
    await phase('load');
    await tab.evaluate(`window.streamAnswer(${STREAM_MUTATIONS})`);
    await phase('stream');
    if (withExtension) visibleMs = await finishAndTime(tab);
    else await tab.evaluate('window.finishAnswer()');
    await tab.waitForTimeout(500);
    await phase('finish');
  });
  const longTasks = ((await tab.evaluate('window.__longTasks')) as number[]).map(Math.round);
  const total = (key: keyof PhaseFigures) => PHASES.reduce((sum, name) => sum + phases[name][key], 0);
  return {
    phases,
    task: total('task'),
    script: total('script'),
    layout: total('layout'),
    style: total('style'),
    extensionJs: total('extensionJs'),
    pageJs: total('pageJs'),
    extensionStretch: Math.max(...PHASES.map((name) => phases[name].extensionStretch)),
    longTasks,
    visibleMs,
    tab,
  };
}

type Run = Awaited<ReturnType<typeof scenario>>;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const median = (values: number[]) => percentile(values, 50);
const ms = (value: number) => Number(value.toFixed(1));

async function main() {
  const executablePath = findBrowser('chromium');
  if (!executablePath) throw new Error(installHint('chromium'));
  // One content script per site (and the self-hosted and generic ones): the page here is ChatGPT's.
  const scripts = readdirSync(`${chromeExtensionDir}/content-scripts`)
    .filter((name) => name.endsWith('.js'))
    .sort()
    .map((name) => {
      const bytes = readFileSync(`${chromeExtensionDir}/content-scripts/${name}`);
      return { name, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
    });
  const chatgpt = scripts.find((script) => script.name === 'chatgpt.js');
  if (!chatgpt) throw new Error('no content-scripts/chatgpt.js in the build');
  const largest = scripts.reduce((a, b) => (b.gzipBytes > a.gzipBytes ? b : a));
  // The controls' panels: injected once per page, in idle time after the first controls mount.
  const panels = readFileSync(`${chromeExtensionDir}/annotate-panels.js`);
  const panelsGzipBytes = gzipSync(panels, { level: 9 }).length;

  const without: Run[] = [];
  const withRuns: Run[] = [];
  const baselineDir = process.env.MARGIN_EXTENSION_BASELINE;
  const baselineRuns: { run: Run; visible: number[] }[] = [];
  let session: Awaited<ReturnType<typeof launchChromium>> | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const profile = await makeTempDir('bench-plain');
    const plain = await chromium.launchPersistentContext(profile.path, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_FLAGS],
    });
    without.push(await scenario(plain, false));
    await plain.close();
    await profile.remove();

    // The baseline build goes before ours in odd rounds and after it in even ones: neither always second.
    if (baselineDir && round % 2 === 1) baselineRuns.push(await baselineRun(baselineDir));
    await session?.close();
    session = await launchChromium();
    withRuns.push(await scenario(session.context, true));
    if (baselineDir && round % 2 === 0) baselineRuns.push(await baselineRun(baselineDir));
    console.log(`round ${round + 1}/${ROUNDS} done`);
  }
  if (!session) throw new Error('no run with the extension');
  const tab = (withRuns.at(-1) as Run).tab;

  // Finished → visible over more samples, in the last browser with the extension (scrolled to the end).
  const visible = [...withRuns.map((run) => run.visibleMs), ...(await moreFinishes(tab))];
  if (visible.some((value) => value < 0)) throw new Error('a finished response got no controls within 5 s');
  const driver = await ControlsDriver.attach(session.context, tab);

  const saved: number[] = [];
  const hostCount = await driver.hostCount();
  for (let sample = 0; sample < Math.min(LATENCY_SAMPLES, hostCount); sample++) {
    saved.push(await clickToSaved(tab, driver, hostCount - 1 - sample));
  }
  await session.close();

  const med = (runs: Run[], pick: (run: Run) => number) => median(runs.map(pick));
  const taskWithout = med(without, (run) => run.task);
  const taskWith = med(withRuns, (run) => run.task);
  const jsRatios = withRuns.map((run) => run.extensionJs / run.pageJs);
  // Noise: how far single runs without the extension stray from their median (half the spread between
  // the fastest and slowest quarter), as a share of it.
  const noise = (values: number[]) => (percentile(values, 75) - percentile(values, 25)) / 2 / median(values);
  const longWithout = med(without, (run) => run.longTasks.length);
  const longWith = med(withRuns, (run) => run.longTasks.length);
  const figures = {
    date: new Date().toISOString(),
    finishedTurns: FINISHED,
    streamMutations: STREAM_MUTATIONS,
    rounds: ROUNDS,
    mainThread: {
      withoutMs: ms(taskWithout),
      withMs: ms(taskWith),
      addedMs: ms(taskWith - taskWithout),
      addedRatio: Number(((taskWith - taskWithout) / taskWithout).toFixed(4)),
      noiseRatio: Number(noise(without.map((run) => run.task)).toFixed(4)),
      withoutPerRound: without.map((run) => ms(run.task)),
      withPerRound: withRuns.map((run) => ms(run.task)),
      parts: Object.fromEntries(
        (['script', 'layout', 'style'] as const).map((key) => [
          key,
          { without: ms(med(without, (run) => run[key])), with: ms(med(withRuns, (run) => run[key])) },
        ]),
      ),
    },
    baseline: baselineDir ? baselineFigures(baselineDir, baselineRuns) : null,
    javascript: {
      extensionMs: ms(med(withRuns, (run) => run.extensionJs)),
      pageMs: ms(med(withRuns, (run) => run.pageJs)),
      ratio: Number(median(jsRatios).toFixed(4)),
      ratioPerRound: jsRatios.map((ratio) => Number(ratio.toFixed(4))),
      byPhase: Object.fromEntries(
        PHASES.map((name) => [
          name,
          {
            extensionMs: ms(med(withRuns, (run) => run.phases[name].extensionJs)),
            pageMs: ms(med(withRuns, (run) => run.phases[name].pageJs)),
            mainThreadWithoutMs: ms(med(without, (run) => run.phases[name].task)),
            mainThreadWithMs: ms(med(withRuns, (run) => run.phases[name].task)),
          },
        ]),
      ),
      longestExtensionStretchMs: ms(Math.max(...withRuns.map((run) => run.extensionStretch))),
    },
    longTasks: {
      medianCountWithout: longWithout,
      medianCountWith: longWith,
      added: longWith - longWithout,
      without: without.map((run) => run.longTasks),
      with: withRuns.map((run) => run.longTasks),
    },
    finishedToVisibleMs: {
      p50: ms(percentile(visible, 50)),
      p95: ms(percentile(visible, 95)),
      max: ms(Math.max(...visible)),
    },
    clickToSavedMs: { p50: ms(percentile(saved, 50)), p95: ms(percentile(saved, 95)), max: ms(Math.max(...saved)) },
    contentScriptBytes: chatgpt.bytes,
    contentScriptGzipBytes: chatgpt.gzipBytes,
    contentScripts: scripts,
    panelScriptBytes: panels.length,
    panelScriptGzipBytes: panelsGzipBytes,
  };
  const mark = (ok: boolean) => (ok ? 'holds' : 'MISS');
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  console.log(
    `content script (ChatGPT's, measured below): ${kb(chatgpt.bytes)} KB, ${kb(chatgpt.gzipBytes)} KB gzip; the largest, ${largest.name}: ${kb(largest.gzipBytes)} KB gzip (target ≤ 25 for every one: ${mark(largest.gzipBytes / 1024 <= 25)}); panel script, injected in idle time: ${kb(panels.length)} KB, ${kb(panelsGzipBytes)} KB gzip`,
  );
  console.log(`  each, KB gzip: ${scripts.map((script) => `${script.name} ${kb(script.gzipBytes)}`).join(', ')}`);
  console.log(
    `extension JS ÷ page JS (CPU profile by script URL, median of ${ROUNDS} runs): ${figures.javascript.extensionMs} ms ÷ ${figures.javascript.pageMs} ms = ${pct(figures.javascript.ratio)} (target ≤ 5%: ${mark(figures.javascript.ratio <= 0.05)}); per run ${figures.javascript.ratioPerRound.map(pct).join(', ')}`,
  );
  for (const name of PHASES) {
    const phase = figures.javascript.byPhase[name] as Record<string, number>;
    console.log(
      `  ${name}: extension JS ${phase.extensionMs} ms, page JS ${phase.pageMs} ms; main thread ${phase.mainThreadWithoutMs} → ${phase.mainThreadWithMs} ms`,
    );
  }
  console.log(
    `main-thread CPU added (every task: script, style, layout, paint; medians, alternating): ${figures.mainThread.withoutMs} → ${figures.mainThread.withMs} ms = ${pct(figures.mainThread.addedRatio)} (target ≤ 10%: ${mark(figures.mainThread.addedRatio <= 0.1)}); run-to-run noise ±${pct(figures.mainThread.noiseRatio)}; per round without ${figures.mainThread.withoutPerRound.join(', ')}, with ${figures.mainThread.withPerRound.join(', ')}`,
  );
  console.log(
    `long tasks > 50 ms (median count per run): without ${longWithout}, with ${longWith} (target 0 added: ${mark(longWith - longWithout <= 0)}); longest stretch inside the content script ${figures.javascript.longestExtensionStretchMs} ms`,
  );
  console.log(
    `finished → controls visible: p50 ${figures.finishedToVisibleMs.p50} ms, p95 ${figures.finishedToVisibleMs.p95} ms over ${visible.length} (target p95 ≤ 50: ${mark(figures.finishedToVisibleMs.p95 <= 50)})`,
  );
  if (figures.baseline) {
    const base = figures.baseline;
    console.log(
      `baseline build (${base.dir}, same rounds): extension JS ÷ page JS ${base.extensionMs} ms ÷ ${base.pageMs} ms = ${pct(base.ratio)}; per run ${base.ratioPerRound.map(pct).join(', ')}; finished → visible p50 ${base.finishedToVisibleMs.p50} ms, p95 ${base.finishedToVisibleMs.p95} ms over ${base.finishedToVisibleMs.samples}`,
    );
    for (const name of PHASES) {
      const phase = base.byPhase[name] as Record<string, number>;
      console.log(`  ${name}: extension JS ${phase.extensionMs} ms, page JS ${phase.pageMs} ms`);
    }
  }
  console.log(`click → "Saved": p50 ${figures.clickToSavedMs.p50} ms, p95 ${figures.clickToSavedMs.p95} ms`);
  writeFileSync(`${repoRoot}bench/results/extension.json`, `${JSON.stringify(figures, null, 2)}\n`);
}

/** LATENCY_SAMPLES more responses stream and finish in view (the page scrolled to the end): finished → visible of each. */
async function moreFinishes(tab: Page): Promise<number[]> {
  const visible: number[] = [];
  for (let sample = 0; sample < LATENCY_SAMPLES; sample++) {
    const n = FINISHED * 2 + 3 + sample * 2;
    await tab.evaluate(
      ({ html }) => {
        const template = document.createElement('template');
        template.innerHTML = html;
        document.getElementById('turns')?.append(template.content);
        const stop = document.createElement('button');
        stop.setAttribute('data-testid', 'stop-button');
        document.querySelector('form')?.append(stop);
        window.scrollTo(0, document.documentElement.scrollHeight);
      },
      { html: userTurn(n) + assistantTurn(n + 1, false, '<p></p>') },
    );
    await tab.evaluate('window.streamAnswer(50)');
    visible.push(await finishAndTime(tab));
  }
  return visible;
}

/** One load → stream → finish run with the baseline build, then its finished → visible samples. */
async function baselineRun(dir: string): Promise<{ run: Run; visible: number[] }> {
  const baseline = await launchChromium(dir);
  const run = await scenario(baseline.context, true);
  const visible = [run.visibleMs, ...(await moreFinishes(run.tab))];
  await baseline.close();
  return { run, visible };
}

function baselineFigures(dir: string, runs: { run: Run; visible: number[] }[]) {
  const ratios = runs.map(({ run }) => run.extensionJs / run.pageJs);
  const visible = runs.flatMap((entry) => entry.visible);
  const med = (pick: (run: Run) => number) => ms(median(runs.map(({ run }) => pick(run))));
  return {
    dir,
    extensionMs: med((run) => run.extensionJs),
    pageMs: med((run) => run.pageJs),
    ratio: Number(median(ratios).toFixed(4)),
    ratioPerRound: ratios.map((ratio) => Number(ratio.toFixed(4))),
    byPhase: Object.fromEntries(
      PHASES.map((name) => [
        name,
        { extensionMs: med((run) => run.phases[name].extensionJs), pageMs: med((run) => run.phases[name].pageJs) },
      ]),
    ),
    finishedToVisibleMs: {
      p50: ms(percentile(visible, 50)),
      p95: ms(percentile(visible, 95)),
      samples: visible.length,
    },
  };
}

/** One Thumbs up click on host #n, timed by the page's clock from the click event to "Saved" in the status. */
async function clickToSaved(page: Page, driver: ControlsDriver, host: number): Promise<number> {
  const point = await driver.center(host, 'button', 'Thumbs up');
  await driver.callOn(
    host,
    'status',
    '',
    `function () {
      const status = this;
      const timing = { clickAt: null, savedAt: null };
      window.__marginBench = timing;
      window.addEventListener('click', (event) => { timing.clickAt = event.timeStamp; }, { capture: true, once: true });
      const observer = new MutationObserver(() => {
        if (status.textContent === 'Saved') {
          timing.savedAt = performance.now();
          observer.disconnect();
        }
      });
      observer.observe(status, { childList: true, characterData: true, subtree: true });
    }`,
  );
  await page.mouse.click(point.x, point.y);
  await page.waitForFunction('window.__marginBench.savedAt !== null', undefined, { timeout: 10_000, polling: 20 });
  const timing = (await page.evaluate('window.__marginBench')) as { clickAt: number; savedAt: number };
  return timing.savedAt - timing.clickAt;
}

await main();
