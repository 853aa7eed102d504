import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { DASHBOARD_DIST_DIR } from '../../companion/src/routes/dashboard-files.ts';
import type { SignInCodeResponse } from '../../shared/index.ts';
import { findBrowser, installHint } from './browser-paths.js';
import { CHROMIUM_FLAGS } from './chromium.ts';
import type { CompanionProcess } from './companion.ts';

/** Debian's Chromium with the flags of chromium.ts; the dashboard needs no extension. */
export async function launchDashboardBrowser(): Promise<Browser> {
  if (!existsSync(join(DASHBOARD_DIST_DIR, 'index.html'))) {
    throw new Error('The dashboard is not built: run `npm run build` (npm test does) first.');
  }
  const executablePath = findBrowser('chromium');
  if (!executablePath) throw new Error(installHint('chromium'));
  return chromium.launch({
    executablePath,
    headless: true,
    args: [...CHROMIUM_FLAGS],
  });
}

/** A one-time sign-in link, as the extension's popup or `margin dashboard` gets it. */
export async function signInLink(companion: CompanionProcess): Promise<string> {
  const response = await fetch(`${companion.url}/api/v1/sign-in/codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${companion.token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (response.status !== 200) throw new Error(`sign-in code: ${response.status} ${await response.text()}`);
  return ((await response.json()) as SignInCodeResponse).url;
}

export interface DashboardPage {
  page: Page;
  /** Uncaught errors and console errors other than failed requests' status lines. */
  problems: string[];
}

/** A fresh context (its own storage), signed in with a one-time link, on the annotations page. */
export async function openDashboard(
  browser: Browser,
  companion: CompanionProcess,
  viewport = { width: 1400, height: 900 },
): Promise<DashboardPage> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
  });
  await page.goto(await signInLink(companion));
  await page.locator('main#page').waitFor();
  return { page, problems };
}
