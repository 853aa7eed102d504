import { readdir, readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium, serveFixturePage } from '../support/chromium.ts';
import { chromeExtensionDir } from '../support/paths.ts';
import { scenarios } from './support/site-scenarios.ts';

const fixture = () => {
  const found = scenarios.find((scenario) => scenario.site === 'chatgpt')?.fixture('multi-turn');
  if (!found) throw new Error('missing fixture');
  return found;
};
/** A redesign the adapter does not know: the turn test ids renamed, so the health check fails. */
const broken = (html: string) => html.replaceAll('data-testid="conversation-turn-', 'data-testid="chat-turn-');

/** The popup as it opens over the chat tab (the chat tab is the active one when it reads its health). */
async function popupOver(session: ChromiumSession, chat: Page): Promise<Page> {
  const popup = await session.openExtensionPage('popup.html');
  await chat.bringToFront();
  await popup.reload();
  return popup;
}

describe('"Report a broken page" (Chromium)', () => {
  let session: ChromiumSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('saves a snapshot of the page structure that holds none of its text', async () => {
    session = await launchChromium();
    const page = fixture();
    const html = broken(page.html);
    await serveFixturePage(session.context, page.expected.url, html);
    const chat = await session.context.newPage();
    await chat.goto(page.expected.url);

    let popup = await popupOver(session, chat);
    const button = popup.getByRole('button', { name: 'Save page snapshot' });
    // The content script reports "no turns" after a 4 s grace; on the loaded shared cores 15 s once fell short.
    await expect
      .poll(
        async () => {
          await popup.reload();
          // The section comes with the popup's later sections and asks the background for the tab's
          // health first: give it a moment to appear before looking.
          await button.waitFor({ timeout: 5_000 }).catch(() => undefined);
          return button.count();
        },
        { timeout: 45_000 },
      )
      .toBe(1);
    const downloading = popup.waitForEvent('download', { timeout: 15_000 });
    await button.click();
    const outcome = popup.locator('[data-snapshot-result]');
    await outcome.waitFor({ timeout: 15_000 });
    expect(await outcome.textContent()).toMatch(/^Saved margin-page-snapshot-chatgpt-/);
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^margin-page-snapshot-chatgpt-\d{4}-\d{2}-\d{2}\.html$/);
    const snapshot = await readFile(await download.path(), 'utf8');

    expect(snapshot).toMatch(/^<!doctype html>\n<!-- Margin \d+\.\d+\.\d+, .*site: chatgpt; health check: no-turns: /);
    // The structure is there: the renamed turns and their roles, the class names.
    expect(snapshot).toContain('data-testid="chat-turn-2"');
    expect(snapshot).toContain('data-message-author-role="assistant"');
    // None of the conversation is: every captured text of the fixture, and the page's address.
    const texts = page.expected.responses.flatMap((response) =>
      response.capture ? [response.capture.response, ...response.capture.context.map((turn) => turn.content)] : [],
    );
    expect(texts.length).toBeGreaterThan(2);
    const lines = texts.flatMap((text) => text.split('\n').map((line) => line.replace(/[`*#]/g, '').trim()));
    expect(lines.filter((line) => line.length >= 16).length).toBeGreaterThan(2);
    for (const line of lines.filter((line) => line.length >= 16)) expect(snapshot).not.toContain(line);
    expect(snapshot).not.toContain(page.expected.conversationId ?? 'no id');
    expect(snapshot).not.toContain('chatgpt.com');

    // On a page that works, the section is not offered.
    await serveFixturePage(session.context, page.expected.url, page.html);
    await chat.reload();
    popup = await popupOver(session, chat);
    // The popup reads the tab's health once when it opens: reopen it until the reloaded page has reported.
    const healthyPopup = popup;
    await expect
      .poll(
        async () => {
          await healthyPopup.reload();
          const healthy = healthyPopup.locator('[data-health="ok"]');
          await healthy.waitFor({ timeout: 5_000 }).catch(() => undefined);
          return healthy.count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(await popup.getByRole('button', { name: 'Save page snapshot' }).count()).toBe(0);
  });

  it('keeps the snapshot code out of every content script', async () => {
    const snapshot = await readFile(`${chromeExtensionDir}/page-snapshot.js`, 'utf8');
    expect(snapshot).toContain('Margin page snapshot');
    const scripts = await readdir(`${chromeExtensionDir}/content-scripts`);
    expect(scripts).toContain('chatgpt.js');
    for (const script of scripts) {
      const content = await readFile(`${chromeExtensionDir}/content-scripts/${script}`, 'utf8');
      expect(content, script).not.toContain('Margin page snapshot');
    }
  });
});
