import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from '../support/chromium.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { extensionScreenshot } from './support/extension-artifacts.ts';
import { saveOptions } from './support/options-save.ts';
import { companionNote, pairThroughOptions, textOf, waitUntil } from './support/sync-helpers.ts';

/** Something that answers HTTP, but not as Margin does (a dev server, another app on the port). */
async function startOtherServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(404, { 'content-type': 'text/html' });
    response.end('<h1>Not Found</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('pairing from the options page (Chromium)', () => {
  let session: ChromiumSession | undefined;
  let companion: CompanionProcess | undefined;
  let other: Server | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
    await companion?.dispose();
    companion = undefined;
    other?.close();
    other = undefined;
  });

  it('is one action: a failed try says what failed and saves nothing; a good one pairs', async () => {
    companion = await startCompanion();
    const stranger = await startOtherServer();
    other = stranger.server;
    session = await launchChromium();
    const options = await session.openExtensionPage('options.html');
    const section = options.getByRole('region', { name: 'Companion' });
    // No separate test that leaves nothing saved, and no button of its own: the page's one Save pairs.
    await section.getByLabel('Companion URL').waitFor();
    expect(await options.getByRole('button', { name: /Test connection|Pair and sync/ }).count()).toBe(0);

    const attempts: [url: string, token: string, expected: RegExp][] = [
      [
        companion.url,
        'not-the-token',
        /^Not paired\. Token rejected \(HTTP 401\).*Nothing of the pairing was saved\.$/,
      ],
      ['http://127.0.0.1:9', companion.token, /^Not paired\. Unreachable: nothing answers at http:\/\/127\.0\.0\.1:9/],
      [stranger.url, companion.token, /^Not paired\. Not a Margin companion/],
      // Off this machine only https: a team server's token and annotations cross the network.
      [
        'http://margin.example.org',
        companion.token,
        /^Not paired\. Companion URL: a server on another machine must use https:\/\/ \(https:\/\/margin\.example\.org\)/,
      ],
    ];
    for (const [url, token, expected] of attempts) {
      await section.getByLabel('Companion URL').fill(url);
      await section.getByLabel('Pairing token').fill(token);
      const saved = await saveOptions(options);
      expect(saved).toEqual({ tone: 'error', text: 'Not saved: Companion (the reason is shown there).' });
      const note = await companionNote(options);
      expect(note).toMatch(expected);
      expect(await options.locator('[data-companion-note]').getAttribute('data-tone')).toBe('error');
      expect(note).not.toMatch(/Saved|Syncing now/);
    }
    await extensionScreenshot(options, 'options-pairing-failed');

    // Nothing of those tries was kept: the popup still says so.
    const popup = await session.openExtensionPage('popup.html');
    await waitUntil(
      () => textOf(popup.locator('[data-sync-headline]')),
      (text) => text === 'Not paired with a companion',
      'the popup saying not paired',
    );
    await popup.close();

    await pairThroughOptions(session, companion, 5);
    const paired = await session.openExtensionPage('popup.html');
    await waitUntil(
      () => textOf(paired.locator('[data-sync-headline]')),
      (text) => text !== '' && text !== 'Not paired with a companion',
      'the popup seeing the pairing',
    );
    await extensionScreenshot(await session.openExtensionPage('options.html'), 'options');
  });
});
