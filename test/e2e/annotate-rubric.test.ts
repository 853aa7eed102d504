import { afterEach, describe, expect, it } from 'vitest';
import { collectExport, exportDataset } from '../../shared/export/index.ts';
import { exportOptionsSchema } from '../../shared/index.ts';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { ControlsDriver, readStoredAnnotations } from './support/annotate-driver.ts';
import { saveOptions } from './support/options-save.ts';
import { scenarios } from './support/site-scenarios.ts';

describe('rubrics (Chromium)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('defines a rubric in the options, blocks a save until the required question is answered, then stores and exports the answers', async () => {
    session = await launchChromium();
    const options = await session.openExtensionPage('options.html');
    const rubric = options.locator('section[aria-labelledby="rubric-heading"]');
    await rubric.getByRole('button', { name: 'Add question' }).click();
    await rubric.getByLabel('Question 1 text').fill('Hallucination?');
    await rubric.getByLabel('Question 1 required').check();
    await rubric.getByRole('button', { name: 'Add question' }).click();
    await rubric.getByLabel('Question 2 text').fill('Tone');
    await rubric.getByLabel('Question 2 answer kind').selectOption('choice');
    await rubric.getByLabel('Question 2 options').fill('formal, casual');
    await rubric.getByRole('button', { name: 'Add question' }).click();
    await rubric.getByLabel('Question 3 text').fill('Depth');
    await rubric.getByLabel('Question 3 answer kind').selectOption('number');
    await rubric.getByLabel('Question 3 minimum').fill('1');
    await rubric.getByLabel('Question 3 maximum').fill('5');
    await rubric.getByRole('button', { name: 'Add question' }).click();
    await rubric.getByLabel('Question 4 text').fill('Short note');
    await rubric.getByLabel('Question 4 answer kind').selectOption('text');
    expect((await saveOptions(options)).tone).toBe('ok');
    expect(await rubric.locator('[data-rubric-note]').textContent()).toContain('Saved as rubric version 1');

    // A question without a label is refused with a clear message.
    await rubric.getByRole('button', { name: 'Add question' }).click();
    expect((await saveOptions(options)).tone).toBe('error');
    expect(await rubric.locator('[data-rubric-note]').textContent()).toMatch(/a question needs a label/);
    await rubric.getByRole('button', { name: 'Remove question 5' }).click();

    const fixture = scenarios.find((scenario) => scenario.site === 'chatgpt')?.fixture('multi-turn');
    if (!fixture) throw new Error('missing fixture');
    await serveFixturePage(session.context, fixture.expected.url, fixture.html);
    const page = await session.context.newPage();
    await page.goto(fixture.expected.url);
    const driver = await ControlsDriver.attach(session.context, page);
    await driver.waitForHosts(2);

    await driver.click(0, 'button', 'Comment');
    expect(await driver.hostText(0)).toContain('Rubric (version 1)');
    await driver.type(0, 'textbox', 'Comment text', 'Invents a library.');
    await driver.press(0, 'combobox', 'Tone', 'ArrowDown');
    await driver.click(0, 'button', 'Save comment');
    const status = await driver.waitForStatus(0, /^Not saved/);
    expect(status).toBe('Not saved: "Hallucination?" is required: answer it to save');
    expect(await driver.hostText(0)).toContain('"Hallucination?" is required: answer it to save');
    expect(await readStoredAnnotations(session.serviceWorker)).toEqual([]);
    // What was typed is kept.
    expect(await driver.fieldValue(0, 'textbox', 'Comment text')).toBe('Invents a library.');

    await driver.click(0, 'radio', 'Yes');
    await driver.type(0, 'spinbutton', 'Depth (1 to 5)', '9');
    await driver.click(0, 'button', 'Save comment');
    expect(await driver.waitForStatus(0, /^Not saved/)).toBe('Not saved: "Depth": give a number from 1 to 5');
    await driver.type(0, 'spinbutton', 'Depth (1 to 5)', '4');
    await driver.type(0, 'textbox', 'Short note', 'cites a fake paper');
    await driver.click(0, 'button', 'Save comment');
    await driver.waitForStatus(0, /^Saved$/);

    const stored = await readStoredAnnotations(session.serviceWorker);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      comment: 'Invents a library.',
      rubric: {
        version: 1,
        answers: { hallucination: true, tone: 'formal', depth: 4, 'short-note': 'cites a fake paper' },
      },
    });

    // The answers show again when the panel is reopened after a reload.
    await page.reload();
    await driver.waitForHosts(2);
    await driver.click(0, 'button', 'Comment');
    expect(await driver.fieldValue(0, 'spinbutton', 'Depth (1 to 5)')).toBe('4');
    expect(await driver.fieldValue(0, 'textbox', 'Short note')).toBe('cites a fake paper');
    expect(await driver.fieldValue(0, 'combobox', 'Tone')).toBe('formal');

    // Exported in raw (as stored) and in the sidecar of every format.
    const raw = exportDataset(stored, [], exportOptionsSchema.parse({ format: 'raw' }));
    const { train } = await collectExport(raw);
    expect(JSON.parse(train.lines).rubric).toEqual(stored[0]?.rubric);
    expect(JSON.parse(train.meta).rubrics).toEqual([
      { annotation_id: stored[0]?.id, version: 1, answers: stored[0]?.rubric?.answers },
    ]);
  });
});
