import type { Page } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';

/** The Save bar's state once a Save has finished: its message and tone ('ok' or 'error'). */
export interface SaveResult {
  tone: string;
  text: string;
}

const SUBMIT = '[data-save-bar] button[type="submit"]';
const saves = () => Number(document.querySelector('[data-save-status]')?.getAttribute('data-saves') ?? 0);
/** Finished: the bar counts one more finished save than before the click, and shows its result. */
const finished = (before: number) => {
  const status = document.querySelector('[data-save-status]');
  const count = Number(status?.getAttribute('data-saves') ?? 0);
  const tone = status?.getAttribute('data-tone') ?? '';
  return count > before && (tone === 'ok' || tone === 'error') ? { tone, text: status?.textContent ?? '' } : null;
};

/**
 * Presses the options page's one Save (waiting until it is enabled: the page marks edits as they
 * render) and waits until the save has finished, whether everything was saved or not.
 */
export async function saveOptions(options: Page): Promise<SaveResult> {
  await options.locator('[data-save-status]').waitFor();
  const before = await options.evaluate(saves);
  await options.getByRole('button', { name: 'Save', exact: true }).click();
  const handle = await options.waitForFunction(finished, before, { timeout: 30_000 });
  return (await handle.jsonValue()) as SaveResult;
}

/** The same in Firefox (puppeteer clicks a disabled button without waiting, so wait for it first). */
export async function saveOptionsFirefox(options: PuppeteerPage): Promise<SaveResult> {
  const button = await options.waitForSelector(`${SUBMIT}:not([disabled])`, { timeout: 30_000 });
  if (!button) throw new Error('no enabled Save button on the options page');
  const before = await options.evaluate(saves);
  await button.click();
  // Polled with evaluate: puppeteer's waitForFunction compiles with Function(), which the extension page's CSP blocks in Firefox.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const result = await options.evaluate(finished, before);
    if (result) return result;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `the options page's Save did not finish within 30 s: ${await options.evaluate(() => document.querySelector('[data-save-status]')?.textContent ?? '(no Save bar)')}`,
  );
}
