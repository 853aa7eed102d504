import { afterEach, describe, expect, it } from 'vitest';
import { captureResponse } from '../../extension/src/capture/capture-response.ts';
import type { SiteAdapter } from '../../extension/src/sites/define-site-adapter.ts';
import { siteAdapters } from '../../extension/src/sites/index.ts';
import { adapterScenarios } from '../e2e/support/adapter-scenarios.ts';
import { loadSiteFixtures, parseFixture, parsePage } from './site-fixtures.ts';

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
  const { document, close } = parsePage(url, html);
  closers.push(close);
  return document;
}

describe.each(adapterScenarios.map((scenario) => [scenario.site, scenario] as const))(
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
