import { afterEach, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { ControlsDriver, readStoredAnnotations } from './support/annotate-driver.ts';
import { saveOptions } from './support/options-save.ts';
import { scenarios } from './support/site-scenarios.ts';

describe('a required rubric question and a thumbs-only save (Chromium)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('holds a thumb until the required question is answered, says what is missing, then saves both', async () => {
    session = await launchChromium();
    const options = await session.openExtensionPage('options.html');
    const rubric = options.locator('section[aria-labelledby="rubric-heading"]');
    await rubric.getByRole('button', { name: 'Add question' }).click();
    await rubric.getByLabel('Question 1 text').fill('Hallucination?');
    await rubric.getByLabel('Question 1 required').check();
    expect((await saveOptions(options)).tone).toBe('ok');
    expect(await rubric.locator('[data-rubric-note]').textContent()).toContain('Saved as rubric version 1');

    const fixture = scenarios.find((scenario) => scenario.site === 'chatgpt')?.fixture('multi-turn');
    if (!fixture) throw new Error('missing fixture');
    await serveFixturePage(session.context, fixture.expected.url, fixture.html);
    const page = await session.context.newPage();
    await page.goto(fixture.expected.url);
    const driver = await ControlsDriver.attach(session.context, page);
    await driver.waitForHosts(2);

    await driver.click(0, 'button', 'Thumbs up');
    expect(await driver.waitForStatus(0, /^Not saved yet/)).toBe(
      'Not saved yet: the rubric requires "Hallucination?". Answer, then save.',
    );
    expect(await driver.dialogNamed('Comment')).toBe(true);
    expect(await driver.hostText(0)).toContain('your thumbs up is saved once they are answered');
    expect((await driver.state(0, 'button', 'Thumbs up')).pressed).toBe('false');
    expect(await readStoredAnnotations(session.serviceWorker)).toEqual([]);

    await driver.click(0, 'radio', 'No');
    await driver.click(0, 'button', 'Save comment');
    await driver.waitForStatus(0, /^Saved$/);
    expect((await driver.state(0, 'button', 'Thumbs up')).pressed).toBe('true');
    const [stored] = await readStoredAnnotations(session.serviceWorker);
    expect(stored?.thumb).toBe('up');
    expect(stored?.rubric).toEqual({ version: 1, answers: { hallucination: false } });

    // Answered once, the next thumb saves at once.
    await driver.click(0, 'button', 'Thumbs down');
    await driver.waitFor(
      async () => (await readStoredAnnotations(session?.serviceWorker as never))[0]?.thumb,
      (thumb) => thumb === 'down',
      'the thumbs down saved',
    );
  });
});
