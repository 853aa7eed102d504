import type { Page } from 'playwright-core';
import { loadSiteFixtures, type SiteFixture } from '../../extension/site-fixtures.ts';

/**
 * What the browser tests of the controls need to know per site, beyond its fixtures. They run on
 * ChatGPT, Claude and Gemini; every other site's adapter has its own scenario (adapter-scenarios.ts).
 */
export interface SiteScenario {
  site: string;
  fixture(name: string): SiteFixture;
  /** The URL a new chat moves to once it has an id. */
  newChatTarget: string;
  /** Selector of the first user message's text element, to plant a hostile payload in it. */
  firstUserText: string;
  /** A selector for the turn of the first assistant response, to unmount and remount it. */
  firstResponseTurn: string;
  /** Makes the streaming fixture's last response finished, as the site does when the stream ends. */
  finishStreaming(page: Page): Promise<void>;
}

function fixtureOf(site: string) {
  const fixtures = loadSiteFixtures(site);
  return (name: string) => {
    const fixture = fixtures.find((candidate) => candidate.name === name);
    if (!fixture) throw new Error(`no fixture ${site}/${name}`);
    return fixture;
  };
}

export const scenarios: SiteScenario[] = [
  {
    site: 'chatgpt',
    fixture: fixtureOf('chatgpt'),
    newChatTarget: 'https://chatgpt.com/c/6740f2a1-0000-8000-8000-0000000000ee',
    firstUserText: '[data-message-author-role="user"] .whitespace-pre-wrap',
    firstResponseTurn: '[data-testid="conversation-turn-2"]',
    finishStreaming: (page) =>
      page.evaluate(() => {
        document.querySelector('[data-testid="stop-button"]')?.remove();
        const turn = document.querySelector('[data-testid="conversation-turn-4"]');
        const markdown = turn?.querySelector('.markdown');
        markdown?.classList.remove('result-streaming');
        markdown?.querySelector('p')?.append(' it falls.');
        const group = document.createElement('div');
        group.setAttribute('role', 'group');
        group.setAttribute('aria-label', 'Response actions');
        const copy = document.createElement('button');
        copy.setAttribute('data-testid', 'copy-turn-action-button');
        copy.setAttribute('aria-label', 'Copy response');
        group.append(copy);
        turn?.querySelector('.z-0')?.append(group);
      }),
  },
  {
    site: 'claude',
    fixture: fixtureOf('claude'),
    newChatTarget: 'https://claude.ai/chat/0b8c1f7e-0000-4000-8000-0000000000ee',
    firstUserText: '[data-testid="user-message"] p',
    firstResponseTurn: '[data-index="1"]',
    finishStreaming: (page) =>
      page.evaluate(() => {
        const streaming = document.querySelector('[data-is-streaming="true"]');
        streaming?.querySelector('p')?.append(' 13.');
        const bar = document.createElement('div');
        bar.setAttribute('data-message-action-bar', '');
        const toolbar = document.createElement('div');
        toolbar.setAttribute('role', 'toolbar');
        toolbar.setAttribute('aria-label', 'Message actions');
        const copy = document.createElement('button');
        copy.setAttribute('data-testid', 'action-bar-copy');
        copy.setAttribute('aria-label', 'Copy');
        toolbar.append(copy);
        bar.append(toolbar);
        streaming?.append(bar);
        streaming?.setAttribute('data-is-streaming', 'false');
      }),
  },
  {
    site: 'gemini',
    fixture: fixtureOf('gemini'),
    newChatTarget: 'https://gemini.google.com/app/e4b3da074a5a6d00',
    firstUserText: 'user-query .query-text',
    firstResponseTurn: '#b1e0a7c41f2d3a01 model-response',
    finishStreaming: (page) =>
      page.evaluate(() => {
        const responses = document.querySelectorAll('model-response');
        const last = responses[responses.length - 1];
        last?.querySelector('.markdown p')?.append(' 4, 5.');
        const actions = document.createElement('message-actions');
        const copy = document.createElement('button');
        copy.setAttribute('data-test-id', 'copy-button');
        copy.setAttribute('aria-label', 'Copy');
        actions.append(copy);
        last?.querySelector('.response-container-footer')?.append(actions);
        last?.querySelector('[aria-busy="true"]')?.removeAttribute('aria-busy');
      }),
  },
];
