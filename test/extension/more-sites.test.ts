import { Window } from 'happy-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { captureResponse } from '../../extension/src/capture/capture-response.ts';
import type { SiteAdapter } from '../../extension/src/sites/define-site-adapter.ts';
import {
  allSiteMatches,
  detectSelfHostedAdapter,
  selfHostedAdapters,
  siteAdapters,
} from '../../extension/src/sites/index.ts';
import { moreSiteScenarios } from '../e2e/more-site-scenarios.ts';
import { loadSiteFixtures, parseFixture } from './site-fixtures.ts';

function adapter(id: string): SiteAdapter {
  const found = siteAdapters.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no ${id} adapter`);
  return found;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function page(url: string, html: string): Document {
  const window = new Window({ url, settings: { disableJavaScriptEvaluation: true } });
  closers.push(() => window.happyDOM.close());
  return new window.DOMParser().parseFromString(html, 'text/html') as unknown as Document;
}

describe('conversation ids of the sites added after the first three', () => {
  const cases: [string, string, string | null][] = [
    ['copilot', 'https://www.copilot.com/chats/1wdhbpr2TwPnaJC6YMdbH', '1wdhbpr2TwPnaJC6YMdbH'],
    ['copilot', 'https://copilot.microsoft.com/chats/1wdhbpr2TwPnaJC6YMdbH?form=x', '1wdhbpr2TwPnaJC6YMdbH'],
    ['copilot', 'https://copilot.microsoft.com/', null],
    [
      'perplexity',
      'https://www.perplexity.ai/search/how-tall-is-everest-6uwt5.otQN2tlcAuCSk5KA',
      'how-tall-is-everest-6uwt5.otQN2tlcAuCSk5KA',
    ],
    ['perplexity', 'https://www.perplexity.ai/thread/abc-123', 'abc-123'],
    ['perplexity', 'https://www.perplexity.ai/', null],
    ['perplexity', 'https://www.perplexity.ai/spaces/my-space', null],
    [
      'deepseek',
      'https://chat.deepseek.com/a/chat/s/040e281f-fd36-41a0-8b5a-85344dc365ed',
      '040e281f-fd36-41a0-8b5a-85344dc365ed',
    ],
    ['deepseek', 'https://chat.deepseek.com/', null],
    [
      'grok',
      'https://grok.com/c/0d4b3e52-0000-4000-8000-000000000001?rid=8eb9b53e',
      '0d4b3e52-0000-4000-8000-000000000001',
    ],
    ['grok', 'https://grok.com/', null],
    [
      'mistral',
      'https://chat.mistral.ai/chat/8f1c2d3e-0000-4000-8000-000000000001',
      '8f1c2d3e-0000-4000-8000-000000000001',
    ],
    ['mistral', 'https://chat.mistral.ai/chat', null],
    ['poe', 'https://poe.com/chat/2abc3def4ghi', '2abc3def4ghi'],
    ['poe', 'https://poe.com/Assistant', null],
    ['huggingchat', 'https://huggingface.co/chat/conversation/68b2f0c1a9e4d3b2c1f0e9d8', '68b2f0c1a9e4d3b2c1f0e9d8'],
    ['huggingchat', 'https://huggingface.co/chat/', null],
    ['ai-studio', 'https://aistudio.google.com/prompts/1aB2cD3eF4gH', '1aB2cD3eF4gH'],
    ['ai-studio', 'https://aistudio.google.com/app/prompts/1aB2cD3eF4gH', '1aB2cD3eF4gH'],
    ['ai-studio', 'https://aistudio.google.com/prompts/new_chat', null],
    [
      'open-webui',
      'http://localhost:3000/c/3f2a1b0c-0000-4000-8000-000000000001',
      '3f2a1b0c-0000-4000-8000-000000000001',
    ],
    ['open-webui', 'http://localhost:3000/', null],
    [
      'librechat',
      'http://localhost:3080/c/9b8a7c6d-0000-4000-8000-000000000001',
      '9b8a7c6d-0000-4000-8000-000000000001',
    ],
    ['librechat', 'http://localhost:3080/c/new', null],
  ];
  it.each(cases)('%s %s', (site, url, expected) => {
    expect(adapter(site).conversationId(new URL(url))).toBe(expected);
  });
});

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
    expect(detectSelfHostedAdapter(openWebui)?.id).toBe('open-webui');
    expect(detectSelfHostedAdapter(libreChat)?.id).toBe('librechat');
    expect(detectSelfHostedAdapter(other)).toBeNull();
  });

  it('are recognised on every fixture of theirs, and on no fixture of any other site', async () => {
    for (const site of ['chatgpt', 'claude', 'gemini', 'open-webui', 'librechat', 'perplexity']) {
      for (const fixture of loadSiteFixtures(site)) {
        const { document, close } = parseFixture(fixture);
        closers.push(close);
        const expected = site === 'open-webui' || site === 'librechat' ? site : undefined;
        expect(detectSelfHostedAdapter(document)?.id, `${site}/${fixture.name}`).toBe(expected);
      }
    }
  });
});

describe.each(moreSiteScenarios.map((scenario) => [scenario.site, scenario] as const))(
  '%s: the streaming fixture once the stream ends',
  (site, scenario) => {
    it('is finished, has a place for the controls and captures the whole reply', () => {
      const fixture = scenario.fixture('streaming');
      const { document, close } = parseFixture(fixture);
      closers.push(close);
      const siteAdapter = adapter(site);
      const last = siteAdapter
        .turns(document)
        .filter((turn) => turn.role === 'assistant')
        .at(-1);
      if (!last) throw new Error('no assistant turn');
      expect(siteAdapter.isStreaming(last, document)).toBe(true);
      expect(captureResponse(siteAdapter, document, fixture.expected.url, last.element)).toBeNull();

      scenario.finishStreaming(document);
      const finished = siteAdapter
        .turns(document)
        .filter((turn) => turn.role === 'assistant')
        .at(-1);
      if (!finished) throw new Error('no assistant turn after finishing');
      expect(siteAdapter.isStreaming(finished, document)).toBe(false);
      expect(siteAdapter.anchor(finished)).not.toBeNull();
      const capture = captureResponse(siteAdapter, document, fixture.expected.url, finished.element);
      expect(capture?.response).toBe(scenario.finishedResponse);
      expect(capture?.context.at(-1)).toEqual({ role: 'user', content: 'List three more.' });
    });
  },
);

describe('site-specific reading', () => {
  it('Perplexity reads an answer rendered beside its empty placeholder (2026-08 rollout)', () => {
    const document = page(
      'https://www.perplexity.ai/search/q-1',
      `<div><h1 class="group/query"><span class="select-text">Q?</span></h1>
       <div class="gap-y-lg"><div><div id="markdown-content-0"></div><div class="prose dark:prose-invert inline"><p>Beside.</p></div></div>
       <div class="flex"><button aria-label="Copy"></button></div></div></div>`,
    );
    const perplexity = adapter('perplexity');
    const answer = perplexity.turns(document)[1];
    if (!answer) throw new Error('no answer turn');
    expect(
      captureResponse(perplexity, document, 'https://www.perplexity.ai/search/q-1', answer.element)?.response,
    ).toBe('Beside.');
  });

  function captures(site: string, name: string): string[] {
    const fixture = loadSiteFixtures(site).find((candidate) => candidate.name === name);
    if (!fixture) throw new Error(`no fixture ${site}/${name}`);
    const { document, close } = parseFixture(fixture);
    closers.push(close);
    const siteAdapter = adapter(site);
    return siteAdapter
      .turns(document)
      .filter((turn) => turn.role === 'assistant')
      .map((turn) => captureResponse(siteAdapter, document, fixture.expected.url, turn.element)?.response ?? '');
  }

  it('Copilot writes an unlabelled code block ("Code") without a language and drops its header', () => {
    const [, withCode] = captures('copilot', 'multi-turn');
    expect(withCode).toContain('```python\n# This is a basic Python program');
    expect(withCode).toContain('```\nHello, World!\n```');
    expect(withCode).not.toMatch(/Copy|Code\n/);
  });

  it('DeepSeek keeps the DeepThink reasoning and the code banner out of the answer', () => {
    const [first] = captures('deepseek', 'multi-turn');
    expect(first).toContain('```python\nevens =');
    expect(first).not.toMatch(/idiomatic|Thought for|Copy|Download/);
  });

  it('Grok writes its monospace spans as inline code and keeps a multi-line prompt', () => {
    const [, , showcase] = captures('grok', 'multi-turn');
    expect(showcase).toContain('`inline code`');
    expect(showcase).not.toContain('Thought for');
  });

  it('AI Studio reads lists through ms-cmark-node wrappers and leaves out thoughts and code footers', () => {
    const [first] = captures('ai-studio', 'multi-turn');
    expect(first).toContain('- It is case-sensitive.\n- Punctuation stays attached');
    expect(first).not.toMatch(/Thoughts|with caution|IGNORE_WHEN_COPYING/);
  });
});
