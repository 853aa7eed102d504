import { afterEach, describe, expect, it } from 'vitest';
import { captureResponse, synthesizeMessageId } from '../../extension/src/capture/capture-response.ts';
import { siteAdapters } from '../../extension/src/sites/index.ts';
import { loadSiteFixtures, parseFixture } from './site-fixtures.ts';

describe.each(siteAdapters.map((adapter) => [adapter.id, adapter] as const))(
  '%s adapter on its fixtures',
  (id, adapter) => {
    const fixtures = loadSiteFixtures(id);
    const closers: (() => Promise<void>)[] = [];
    afterEach(async () => {
      await Promise.all(closers.splice(0).map((close) => close()));
    });

    it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
      const { document, close } = parseFixture(fixture);
      closers.push(close);
      const { expected } = fixture;

      expect(adapter.conversationId(new URL(expected.url))).toBe(expected.conversationId);
      const turns = adapter.turns(document);
      expect(turns.map((turn) => turn.role)).toEqual(expected.turns);
      // describeTurn is what the content script uses on a single mutated element: it must agree.
      for (const turn of turns) expect(adapter.describeTurn(turn.element)).toEqual(turn);

      const assistantIndexes = turns.flatMap((turn, index) => (turn.role === 'assistant' ? [index] : []));
      expect(expected.responses.map((response) => response.turn)).toEqual(assistantIndexes);
      for (const response of expected.responses) {
        const turn = turns[response.turn];
        if (!turn) throw new Error(`expected.json names turn ${response.turn}, which the page does not have`);
        expect(adapter.isStreaming(turn, document), `turn ${response.turn} streaming`).toBe(response.streaming);
        expect(adapter.anchor(turn) !== null, `turn ${response.turn} anchor`).toBe(response.hasAnchor);
        const capture = captureResponse(adapter, document, expected.url, turn.element);
        if (response.capture === null) {
          expect(capture).toBeNull();
        } else {
          expect(capture).toEqual({ site: id, url: expected.url, ...response.capture });
        }
      }
    });

    it('finds every turn element with its turnSelector', () => {
      for (const fixture of fixtures) {
        const { document, close } = parseFixture(fixture);
        closers.push(close);
        const selected = new Set(document.querySelectorAll(adapter.turnSelector));
        for (const turn of adapter.turns(document)) expect(selected.has(turn.element), fixture.name).toBe(true);
      }
    });
  },
);

describe('synthesized message ids', () => {
  it('are the same for the same response at the same place, and differ otherwise', () => {
    const id = synthesizeMessageId('conv', 3, 'Hello');
    expect(synthesizeMessageId('conv', 3, 'Hello')).toBe(id);
    expect(synthesizeMessageId('conv', 5, 'Hello')).not.toBe(id);
    expect(synthesizeMessageId('conv', 3, 'Hello!')).not.toBe(id);
    expect(synthesizeMessageId('other', 3, 'Hello')).not.toBe(id);
    expect(id).toMatch(/^m-[0-9a-f]{14}$/);
  });
});

describe('very long conversations', () => {
  it('keeps the most recent 500 turns of context and counts the rest as missing', async () => {
    const { Window } = await import('happy-dom');
    const adapter = siteAdapters.find((candidate) => candidate.id === 'claude');
    if (!adapter) throw new Error('no claude adapter');
    const url = 'https://claude.ai/chat/long-1';
    const window = new Window({ url, settings: { disableJavaScriptEvaluation: true } });
    const document = window.document as unknown as Document;
    const feed = document.createElement('div');
    for (let index = 0; index < 601; index++) {
      const row = document.createElement('div');
      row.setAttribute('data-rs-index', String(index));
      row.setAttribute('data-index', String(index));
      if (index % 2 === 0) {
        const user = document.createElement('div');
        user.setAttribute('data-testid', 'user-message');
        user.textContent = `question ${index}`;
        row.append(user);
      } else {
        const streaming = document.createElement('div');
        streaming.setAttribute('data-is-streaming', 'false');
        const body = document.createElement('div');
        body.className = 'font-claude-response';
        body.textContent = `answer ${index}`;
        const bar = document.createElement('div');
        bar.setAttribute('data-message-action-bar', '');
        const copy = document.createElement('button');
        copy.setAttribute('data-testid', 'action-bar-copy');
        bar.append(copy);
        streaming.append(body, bar);
        row.append(streaming);
      }
      feed.append(row);
    }
    document.body.append(feed);
    const last = document.querySelector('[data-index="599"]');
    if (!last) throw new Error('no row 599');
    const capture = captureResponse(adapter, document, url, last);
    expect(capture?.context).toHaveLength(500);
    expect(capture?.context[0]).toEqual({ role: 'assistant', content: 'answer 99' });
    expect(capture?.context.at(-1)).toEqual({ role: 'user', content: 'question 598' });
    expect(capture?.missingContextTurns).toBe(99);
    await window.happyDOM.close();
  });
});
