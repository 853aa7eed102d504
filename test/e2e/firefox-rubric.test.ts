import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { collectExport, exportDataset } from '../../shared/export/index.ts';
import { exportOptionsSchema } from '../../shared/index.ts';
import { type FirefoxSession, focusTab, launchFirefox, serveFixturePageFirefox } from '../support/firefox.ts';
import { ExtensionStore, FirefoxControls } from './support/firefox-controls.ts';
import { saveOptionsFirefox } from './support/options-save.ts';
import { scenarios } from './support/site-scenarios.ts';

/** The options page's field with this accessible name (puppeteer's ARIA query). */
async function field(page: Page, name: string) {
  // The options page renders after its settings load: wait for the field rather than look once.
  const handle = await page.waitForSelector(`aria/${name}`, { timeout: 15_000 }).catch(() => null);
  if (!handle) throw new Error(`no field "${name}" on the options page`);
  return handle;
}

async function fill(page: Page, name: string, text: string) {
  const handle = await field(page, name);
  await handle.click({ count: 3 });
  await page.keyboard.press('Backspace');
  await handle.type(text);
}

async function select(page: Page, name: string, value: string) {
  await (await field(page, name)).select(value);
}

async function press(page: Page, name: string) {
  await (await field(page, name)).click();
}

describe('rubrics (Firefox)', () => {
  let session: FirefoxSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  // Options page, chat page and popup in one Firefox on two shared cores: 70 s seen, more than the default 90 s at times.
  it('defines a rubric in the options, blocks a save until the required question is answered, then stores and exports the answers', {
    timeout: 180_000,
  }, async () => {
    session = await launchFirefox({ window: { width: 1100, height: 1600 } });
    const options = await session.openExtensionPage('options.html');
    await press(options, 'Add question');
    await fill(options, 'Question 1 text', 'Hallucination?');
    await press(options, 'Question 1 required');
    await press(options, 'Add question');
    await fill(options, 'Question 2 text', 'Tone');
    await select(options, 'Question 2 answer kind', 'choice');
    await fill(options, 'Question 2 options', 'formal, casual');
    await press(options, 'Add question');
    await fill(options, 'Question 3 text', 'Depth');
    await select(options, 'Question 3 answer kind', 'number');
    await fill(options, 'Question 3 minimum', '1');
    await fill(options, 'Question 3 maximum', '5');
    await press(options, 'Add question');
    await fill(options, 'Question 4 text', 'Short note');
    await select(options, 'Question 4 answer kind', 'text');
    await saveOptionsFirefox(options);
    const note = () => options.evaluate(() => document.querySelector('[data-rubric-note]')?.textContent ?? '');
    const optionsDriver = new FirefoxControls(options, session.connection);
    await optionsDriver.waitFor(note, (text) => text.includes('Saved as rubric version 1'), 'rubric saved');

    const fixture = scenarios.find((scenario) => scenario.site === 'chatgpt')?.fixture('multi-turn');
    if (!fixture) throw new Error('missing fixture');
    const page = await session.browser.newPage();
    await serveFixturePageFirefox(page, fixture.expected.url, fixture.html);
    await page.goto(fixture.expected.url);
    const driver = new FirefoxControls(page, session.connection);
    await driver.waitForHosts(2);
    const store = await ExtensionStore.open(session);
    await focusTab(page);

    await driver.click(0, 'button', 'Comment');
    expect(await driver.hostText(0)).toContain('Rubric (version 1)');
    await driver.type(0, 'textbox', 'Comment text', 'Invents a library.');
    await driver.click(0, 'button', 'Save comment');
    expect(await driver.waitForStatus(0, /^Not saved/)).toBe(
      'Not saved: "Hallucination?" is required: answer it to save',
    );
    expect(await store.annotations()).toEqual([]);
    expect(await driver.fieldValue(0, 'textbox', 'Comment text')).toBe('Invents a library.');

    await driver.click(0, 'radio', 'Yes');
    await driver.type(0, 'spinbutton', 'Depth (1 to 5)', '9');
    await driver.click(0, 'button', 'Save comment');
    expect(await driver.waitForStatus(0, /^Not saved/)).toBe('Not saved: "Depth": give a number from 1 to 5');
    await driver.type(0, 'spinbutton', 'Depth (1 to 5)', '4');
    await driver.type(0, 'textbox', 'Short note', 'cites a fake paper');
    await driver.press(0, 'combobox', 'Tone', 'ArrowDown');
    await driver.click(0, 'button', 'Save comment');
    await driver.waitForStatus(0, /^Saved$/);

    const stored = await store.annotations();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      comment: 'Invents a library.',
      rubric: { version: 1, answers: { hallucination: true, depth: 4, 'short-note': 'cites a fake paper' } },
    });
    expect(stored[0]?.rubric?.answers.tone).toBe('formal');

    // The answers show again when the panel is reopened after a reload.
    await page.reload();
    await driver.waitForHosts(2);
    await driver.click(0, 'button', 'Comment');
    expect(await driver.fieldValue(0, 'spinbutton', 'Depth (1 to 5)')).toBe('4');
    expect(await driver.fieldValue(0, 'textbox', 'Short note')).toBe('cites a fake paper');
    expect(await driver.fieldValue(0, 'combobox', 'Tone')).toBe(stored[0]?.rubric?.answers.tone);

    const raw = exportDataset(stored, [], exportOptionsSchema.parse({ format: 'raw' }));
    const { train } = await collectExport(raw);
    expect(JSON.parse(train.lines).rubric).toEqual(stored[0]?.rubric);
  });
});
