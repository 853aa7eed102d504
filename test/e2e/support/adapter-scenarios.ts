import { loadSiteFixtures, type SiteFixture } from '../../extension/site-fixtures.ts';

/**
 * What the adapter tests need to know about each built-in site, beyond its fixtures: every site but
 * ChatGPT, Claude and Gemini (site-scenarios.ts, for the tests of the controls) and the self-hosted
 * apps (annotate-self-hosted.test.ts). annotate-site-adapters.test.ts runs them in Chromium.
 * `finishStreaming` is a pure edit of a Document (no closures: it is serialized into the page), so the
 * unit tests (site-capture.test.ts) can check on happy-dom that it really turns the streaming fixture
 * into a finished reply.
 */
export interface AdapterScenario {
  site: string;
  fixtures: SiteFixture[];
  fixture(name: string): SiteFixture;
  /** The URL a new chat moves to once it has an id. */
  newChatTarget: string;
  /** A selector for the turn element of the multi-turn fixture's first response, to remount it. */
  firstResponseTurn: string;
  /** Does to the streaming fixture's last reply what the site does when the stream ends. */
  finishStreaming(doc: Document): void;
  /** The streaming fixture's last reply as captured once `finishStreaming` has run. */
  finishedResponse: string;
}

function scenario(site: string, rest: Omit<AdapterScenario, 'site' | 'fixtures' | 'fixture'>): AdapterScenario {
  const fixtures = loadSiteFixtures(site);
  return {
    site,
    fixtures,
    fixture(name) {
      const found = fixtures.find((candidate) => candidate.name === name);
      if (!found) throw new Error(`no fixture ${site}/${name}`);
      return found;
    },
    ...rest,
  };
}

const PRIMES = 'Here are three more: 11, 13, 17.';

export const adapterScenarios: AdapterScenario[] = [
  scenario('copilot', {
    newChatTarget: 'https://copilot.microsoft.com/chats/Nw5Yq8Rt2Lp6Vx3Zb9Kc4',
    firstResponseTurn: '[data-content="ai-message"][aria-labelledby^="2yp9JesX5upgUDm1YT9U9-"]',
    finishedResponse: PRIMES,
    finishStreaming: (doc) => {
      const replies = doc.querySelectorAll('[data-content="ai-message"]');
      const last = replies[replies.length - 1];
      last?.querySelector('[id$="-content-0"] span')?.append(' 13, 17.');
      const row = doc.createElement('div');
      row.className = 'mt-3';
      const bar = doc.createElement('div');
      bar.setAttribute('data-testid', 'message-item-reactions');
      const copy = doc.createElement('button');
      copy.setAttribute('data-testid', 'copy-ai-message-button');
      copy.setAttribute('aria-label', 'Copy message');
      bar.append(copy);
      row.append(bar);
      last?.append(row);
    },
  }),
  scenario('perplexity', {
    newChatTarget: 'https://www.perplexity.ai/search/say-hello-in-italian-Tz4Kp8.Wq2Rn6Yx0Mv3Lb',
    firstResponseTurn: '#markdown-content-0',
    finishedResponse: PRIMES,
    finishStreaming: (doc) => {
      const answer = doc.querySelector('#markdown-content-1');
      answer?.querySelector('.prose p')?.append(' 13, 17.');
      const section = answer?.closest('.gap-y-lg');
      const toolbar = doc.createElement('div');
      toolbar.className = 'flex items-center justify-between';
      const copy = doc.createElement('button');
      copy.setAttribute('aria-label', 'Copy');
      copy.type = 'button';
      toolbar.append(copy);
      section?.append(toolbar);
    },
  }),
  scenario('deepseek', {
    newChatTarget: 'https://chat.deepseek.com/a/chat/s/8e4c2b5a-0f6d-4b92-9a03-5c7fb04de11e',
    firstResponseTurn: '[data-virtual-list-item-key="2"]',
    finishedResponse: PRIMES,
    finishStreaming: (doc) => {
      const item = doc.querySelector('[data-virtual-list-item-key="4"]');
      item?.querySelector('.ds-markdown p')?.append(' 13, 17.');
      const gap = doc.createElement('div');
      const wrapper = doc.createElement('div');
      const row = doc.createElement('div');
      row.className = 'ds-flex';
      const copy = doc.createElement('div');
      copy.className = 'ds-icon-button';
      copy.setAttribute('role', 'button');
      copy.tabIndex = 0;
      row.append(copy);
      wrapper.append(row);
      item?.append(gap, wrapper);
    },
  }),
  scenario('grok', {
    newChatTarget: 'https://grok.com/c/9f5d3c6b-1a7e-4ca3-8b14-6d80c15ef22f',
    firstResponseTurn: '#response-b696073a-89e4-407e-ba92-e5ab1a8cefd5',
    finishedResponse: PRIMES,
    finishStreaming: (doc) => {
      const replies = doc.querySelectorAll('[id^="response-"].items-start');
      const last = replies[replies.length - 1];
      last?.querySelector('.response-content-markdown p')?.append(' 13, 17.');
      const row = last?.querySelector('.action-buttons > div');
      for (const label of ['Regenerate', 'Copy']) {
        const button = doc.createElement('button');
        button.type = 'button';
        button.setAttribute('aria-label', label);
        row?.append(button);
      }
    },
  }),
  scenario('mistral', {
    newChatTarget: 'https://chat.mistral.ai/chat/0b9e7d4c-2f8a-4db4-9c25-7e91d26f0330',
    firstResponseTurn: '[data-message-id="0a1b2c3d-1111-4a2b-8c3d-000000000002"]',
    finishedResponse: PRIMES,
    finishStreaming: (doc) => {
      const replies = doc.querySelectorAll('[data-message-author-role="assistant"]');
      const last = replies[replies.length - 1];
      last?.querySelector('[data-message-part-type="answer"] p')?.append(' 13, 17.');
      const footer = doc.createElement('div');
      const row = doc.createElement('div');
      const copy = doc.createElement('button');
      copy.type = 'button';
      copy.setAttribute('aria-label', 'Copy to clipboard');
      row.append(copy);
      footer.append(row);
      last?.lastElementChild?.append(footer);
      doc.querySelector('button[aria-label="Stop generating"]')?.setAttribute('aria-label', 'Send question');
    },
  }),
  scenario('poe', {
    newChatTarget: 'https://poe.com/chat/5q6nhy0zs4bt',
    firstResponseTurn: '[class*="ChatMessage_leftSideMessageRow"]',
    finishedResponse: PRIMES,
    finishStreaming: (doc) => {
      const row = doc.querySelector('[class*="ChatMessage_messageRow"][data-complete="false"]');
      row?.querySelector('[class*="Markdown_markdownContainer"] p')?.append(' 13, 17.');
      row?.setAttribute('data-complete', 'true');
    },
  }),
  scenario('huggingchat', {
    newChatTarget: 'https://huggingface.co/chat/conversation/68b2f0c1a9e4d3b2c1f0e1e1',
    firstResponseTurn: '[data-message-id="b1f0a7c4-1d2e-4f30-8a41-5c6d7e8f9a02"]',
    finishedResponse: PRIMES,
    finishStreaming: (doc) => {
      const replies = doc.querySelectorAll('[data-message-role="assistant"]');
      const last = replies[replies.length - 1];
      last?.querySelector('svg.loading')?.remove();
      last?.querySelector('.prose p')?.append(' 13, 17.');
      const row = doc.createElement('div');
      row.className = 'absolute -bottom-3.5 right-1 flex items-center gap-0.5';
      for (const title of ['Copy to clipboard', 'Retry']) {
        const button = doc.createElement('button');
        button.type = 'button';
        button.title = title;
        row.append(button);
      }
      last?.append(row);
    },
  }),
  scenario('ai-studio', {
    newChatTarget: 'https://aistudio.google.com/prompts/1Qw2Er3Ty4Ui5Op6As7Df8Gh9Jk0Lz',
    firstResponseTurn: '#turn-m2',
    finishedResponse: PRIMES,
    finishStreaming: (doc) => {
      doc.querySelector('#turn-m4 ms-cmark-node p span')?.append(' 13, 17.');
      doc.querySelector('button.run-button .stoppable-spinner')?.remove();
    },
  }),
];
