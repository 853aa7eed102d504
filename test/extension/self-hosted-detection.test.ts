import { afterEach, describe, expect, it } from 'vitest';
import { allSiteMatches, detectSelfHostedAdapter, selfHostedAdapters } from '../../extension/src/sites/index.ts';
import { loadSiteFixtures, parseFixture, parsePage } from './site-fixtures.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function page(url: string, html: string): Document {
  const { document, close } = parsePage(url, html);
  closers.push(close);
  return document;
}

describe('self-hosted apps', () => {
  it('are Open WebUI and LibreChat, and no static match pattern covers them', () => {
    expect(selfHostedAdapters.map((candidate) => candidate.id).sort()).toEqual(['librechat', 'open-webui']);
    expect(allSiteMatches.filter((pattern) => /localhost|127\.0\.0\.1|\*:\/\/\*|<all_urls>/.test(pattern))).toEqual([]);
  });

  it('are recognised from the page, also before the first message', () => {
    const openWebui = page(
      'http://192.168.1.20:8080/',
      '<html><head><link rel="stylesheet" href="/static/custom.css"><title>Open WebUI</title></head><body><div id="chat-container"></div></body></html>',
    );
    const libreChat = page(
      'http://localhost:3080/c/new',
      '<html><head><meta name="description" content="LibreChat - An open source chat application with support for multiple AI models"><title>LibreChat</title></head><body><div id="root"></div></body></html>',
    );
    const other = page(
      'http://localhost:8000/',
      '<html><head><title>My app</title></head><body><main></main></body></html>',
    );
    expect(detectSelfHostedAdapter(openWebui)?.adapter.id).toBe('open-webui');
    expect(detectSelfHostedAdapter(libreChat)?.adapter.id).toBe('librechat');
    expect(detectSelfHostedAdapter(other)).toBeNull();
  });

  it('are recognised on every fixture of theirs, and on no fixture of any other site', async () => {
    for (const site of ['chatgpt', 'claude', 'gemini', 'open-webui', 'librechat', 'perplexity']) {
      for (const fixture of loadSiteFixtures(site)) {
        const { document, close } = parseFixture(fixture);
        closers.push(close);
        const expected = site === 'open-webui' || site === 'librechat' ? site : undefined;
        expect(detectSelfHostedAdapter(document)?.adapter.id, `${site}/${fixture.name}`).toBe(expected);
      }
    }
  });
});
