import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { collectExport, exportDataset } from '../../shared/export/index.ts';
import { exportOptionsSchema } from '../../shared/index.ts';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { ControlsDriver, readStoredAnnotations, readStoredComparisons } from './support/annotate-driver.ts';
import { scenarios } from './support/site-scenarios.ts';

const SHAKSHUKA = 'Try a *shakshuka*: eggs poached in spiced tomato sauce.';
const PASTA = 'Make *pasta aglio e olio*: spaghetti, garlic, olive oil and chili flakes.';

/**
 * What ChatGPT does when the person clicks "Previous response" on a regenerated answer: the same
 * turn re-renders with the other branch's message (its id, its text, the counter).
 */
async function showVariant(page: Page, messageId: string, html: string, counter: string) {
  await page.evaluate(
    ({ messageId, html, counter }) => {
      const message = document.querySelector('[data-turn="assistant"] [data-message-author-role="assistant"]');
      message?.setAttribute('data-message-id', messageId);
      const markdown = message?.querySelector('.markdown');
      if (markdown) {
        markdown.replaceChildren();
        const paragraph = document.createElement('p');
        // The fixture's own markup, built as nodes (the test controls this text).
        const [before, emphasis, after] = html.split('*');
        const em = document.createElement('em');
        em.textContent = emphasis ?? '';
        paragraph.append(before ?? '', em, after ?? '');
        markdown.append(paragraph);
      }
      const counters = document.querySelectorAll('[data-turn="assistant"] .tabular-nums');
      for (const element of Array.from(counters)) element.textContent = counter;
    },
    { messageId, html, counter },
  );
}

describe('compare mode (Chromium)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('compares two variants of one prompt with a / b / e, stores one Comparison, and the trl-dpo export pairs them', async () => {
    session = await launchChromium();
    const fixture = scenarios.find((scenario) => scenario.site === 'chatgpt')?.fixture('variants-project');
    if (!fixture) throw new Error('missing fixture');
    await serveFixturePage(session.context, fixture.expected.url, fixture.html);
    const page = await session.context.newPage();
    await page.goto(fixture.expected.url);
    const driver = await ControlsDriver.attach(session.context, page);
    await driver.waitForHosts(1);

    // Variant 2 of 3 is shown first; nothing else of this prompt has been seen yet.
    await driver.click(0, 'button', 'Compare variants');
    expect(await driver.hostText(0)).toContain('Show another variant of this prompt');

    // The person switches to variant 1 and compares it (A) with variant 2 (B).
    await showVariant(page, 'a-v1', PASTA, '1/3');
    await driver.waitFor(
      () => driver.hostText(0),
      (text) => !text.includes('Show another variant'),
      'controls of variant 1',
    );
    await driver.click(0, 'button', 'Compare variants');
    expect(await driver.fieldValue(0, 'combobox', 'Variant B')).toBe('a-v2');
    expect(await driver.hostText(0)).toContain('Variant 2 of 3: Try a *shakshuka*');

    // Keys: b, then e, then a. Each replaces the verdict of this pair (one comparison).
    await page.keyboard.press('b');
    await driver.waitForStatus(0, /^Saved: B is better$/);
    let comparisons = await readStoredComparisons(session.serviceWorker);
    expect(comparisons).toHaveLength(1);
    expect(comparisons[0]).toMatchObject({ winner: 'b', revision: 1, deletedAt: null, annotator: 'me' });

    await page.keyboard.press('e');
    await driver.waitForStatus(0, /^Saved: Tie$/);
    await page.keyboard.press('a');
    await driver.waitForStatus(0, /^Saved: A is better$/);

    const annotations = await readStoredAnnotations(session.serviceWorker);
    comparisons = await readStoredComparisons(session.serviceWorker);
    expect(comparisons).toHaveLength(1);
    const [comparison] = comparisons;
    expect(comparison).toMatchObject({ winner: 'a', revision: 3 });
    const byMessage = new Map(annotations.map((annotation) => [annotation.messageId, annotation]));
    expect([...byMessage.keys()].sort()).toEqual(['a-v1', 'a-v2']);
    expect(comparison?.a).toBe(byMessage.get('a-v1')?.id);
    expect(comparison?.b).toBe(byMessage.get('a-v2')?.id);
    // Both variants share the variant group and the context; neither was rated by itself.
    const [first, second] = [byMessage.get('a-v1'), byMessage.get('a-v2')];
    expect(first?.variant).toEqual({ index: 1, count: 3, group: 'g-13168e717e0749' });
    expect(second?.variant).toEqual({ index: 2, count: 3, group: 'g-13168e717e0749' });
    expect(first?.context).toEqual([{ role: 'user', content: 'Suggest a quick dinner.' }]);
    expect(second?.context).toEqual(first?.context);
    expect([first?.thumb, first?.score, second?.thumb, second?.score]).toEqual([null, null, null, null]);
    expect(first?.response).toBe(PASTA);
    expect(second?.response).toBe(SHAKSHUKA);

    // The export engine over exactly what the extension stored.
    const run = exportDataset(annotations, comparisons, exportOptionsSchema.parse({ format: 'trl-dpo' }));
    const { train } = await collectExport(run);
    const lines = train.lines.trim().split('\n');
    const meta = train.meta.trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        prompt: [{ role: 'user', content: 'Suggest a quick dinner.' }],
        chosen: [{ role: 'assistant', content: PASTA }],
        rejected: [{ role: 'assistant', content: SHAKSHUKA }],
      },
    ]);
    expect(JSON.parse(meta[0] ?? '{}')).toMatchObject({
      basis: 'comparison',
      comparison_id: comparison?.id,
      annotation_ids: [first?.id, second?.id],
    });
    expect(run.summary().pairs).toBe(1);
  });

  it('does not offer a variant of an edited prompt (another conversation before it)', async () => {
    session = await launchChromium();
    const fixture = scenarios.find((scenario) => scenario.site === 'chatgpt')?.fixture('variants-project');
    if (!fixture) throw new Error('missing fixture');
    await serveFixturePage(session.context, fixture.expected.url, fixture.html);
    const page = await session.context.newPage();
    await page.goto(fixture.expected.url);
    const driver = await ControlsDriver.attach(session.context, page);
    await driver.waitForHosts(1);
    await driver.click(0, 'button', 'Thumbs up');
    await driver.waitForStatus(0, /^Saved$/);

    // An edited prompt is another branch: other user message, other context, other group.
    await page.evaluate(() => {
      const user = document.querySelector('[data-message-author-role="user"]');
      user?.setAttribute('data-message-id', 'u-v2');
      const text = user?.querySelector('.whitespace-pre-wrap');
      if (text) text.textContent = 'Suggest a quick vegan dinner.';
    });
    await showVariant(page, 'a-v9', 'A *lentil curry*.', '1/1');
    await driver.waitFor(
      () => driver.hostText(0),
      (text) => text.includes('Compare'),
      'controls of the edited branch',
    );
    await driver.click(0, 'button', 'Compare variants');
    expect(await driver.hostText(0)).toContain('Show another variant of this prompt');
    await page.keyboard.press('a');
    await page.waitForTimeout(300);
    expect(await readStoredComparisons(session.serviceWorker)).toEqual([]);
  });
});
