import type { Page } from 'puppeteer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { collectExport, exportDataset } from '../../shared/export/index.ts';
import { exportOptionsSchema } from '../../shared/index.ts';
import { type FirefoxSession, focusTab, launchFirefox, serveFixturePageFirefox } from '../support/firefox.ts';
import { ExtensionStore, FirefoxControls } from './support/firefox-controls.ts';
import { scenarios } from './support/site-scenarios.ts';

const SHAKSHUKA = 'Try a *shakshuka*: eggs poached in spiced tomato sauce.';
const PASTA = 'Make *pasta aglio e olio*: spaghetti, garlic, olive oil and chili flakes.';

/** ChatGPT's "Previous response": the same turn re-renders with the other branch (id, text, counter). */
async function showVariant(page: Page, messageId: string, text: string, counter: string) {
  await page.evaluate(
    (messageId, text, counter) => {
      const message = document.querySelector('[data-turn="assistant"] [data-message-author-role="assistant"]');
      message?.setAttribute('data-message-id', messageId);
      const markdown = message?.querySelector('.markdown');
      if (markdown) {
        const [before, emphasis, after] = text.split('*');
        const paragraph = document.createElement('p');
        const em = document.createElement('em');
        em.textContent = emphasis ?? '';
        paragraph.append(before ?? '', em, after ?? '');
        markdown.replaceChildren(paragraph);
      }
      for (const element of Array.from(document.querySelectorAll('[data-turn="assistant"] .tabular-nums'))) {
        element.textContent = counter;
      }
    },
    messageId,
    text,
    counter,
  );
}

// Firefox's start alone took 30–50 s on two loaded cores: each test gets more than the default 90 s.
describe('compare mode (Firefox)', { timeout: 180_000 }, () => {
  let session: FirefoxSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('compares two variants of one prompt with b / e / a, stores one Comparison, and the trl-dpo export pairs them', async () => {
    session = await launchFirefox({ window: { width: 1100, height: 1400 } });
    const fixture = scenarios.find((scenario) => scenario.site === 'chatgpt')?.fixture('variants-project');
    if (!fixture) throw new Error('missing fixture');
    const page = await session.browser.newPage();
    await serveFixturePageFirefox(page, fixture.expected.url, fixture.html);
    await page.goto(fixture.expected.url);
    const driver = new FirefoxControls(page, session.connection);
    await driver.waitForHosts(1);
    const store = await ExtensionStore.open(session);
    await focusTab(page);

    await driver.click(0, 'button', 'Compare variants');
    expect(await driver.hostText(0)).toContain('Show another variant of this prompt');

    await showVariant(page, 'a-v1', PASTA, '1/3');
    await driver.waitFor(
      () => driver.hostText(0),
      (text) => !text.includes('Show another variant'),
      'controls of variant 1',
    );
    await driver.click(0, 'button', 'Compare variants');
    expect(await driver.fieldValue(0, 'combobox', 'Variant B')).toBe('a-v2');
    expect(await driver.hostText(0)).toContain('Variant 2 of 3: Try a *shakshuka*');

    await page.keyboard.press('b');
    await driver.waitForStatus(0, /^Saved: B is better$/);
    let comparisons = await store.comparisons();
    expect(comparisons).toHaveLength(1);
    expect(comparisons[0]).toMatchObject({ winner: 'b', revision: 1, deletedAt: null, annotator: 'me' });
    await page.keyboard.press('e');
    await driver.waitForStatus(0, /^Saved: Tie$/);
    await page.keyboard.press('a');
    await driver.waitForStatus(0, /^Saved: A is better$/);

    const annotations = await store.annotations();
    comparisons = await store.comparisons();
    expect(comparisons).toHaveLength(1);
    const [comparison] = comparisons;
    expect(comparison).toMatchObject({ winner: 'a', revision: 3 });
    const byMessage = new Map(annotations.map((annotation) => [annotation.messageId, annotation]));
    expect([...byMessage.keys()].sort()).toEqual(['a-v1', 'a-v2']);
    expect(comparison?.a).toBe(byMessage.get('a-v1')?.id);
    expect(comparison?.b).toBe(byMessage.get('a-v2')?.id);
    expect(byMessage.get('a-v1')?.response).toBe(PASTA);
    expect(byMessage.get('a-v2')?.response).toBe(SHAKSHUKA);
    expect(byMessage.get('a-v1')?.context).toEqual([{ role: 'user', content: 'Suggest a quick dinner.' }]);

    const run = exportDataset(annotations, comparisons, exportOptionsSchema.parse({ format: 'trl-dpo' }));
    const { train } = await collectExport(run);
    expect(
      train.lines
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      {
        prompt: [{ role: 'user', content: 'Suggest a quick dinner.' }],
        chosen: [{ role: 'assistant', content: PASTA }],
        rejected: [{ role: 'assistant', content: SHAKSHUKA }],
      },
    ]);
  });
});
