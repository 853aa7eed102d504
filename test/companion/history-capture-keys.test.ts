import 'fake-indexeddb/auto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { synthesizedMessageId } from '../../companion/src/import-history/synthesized-id.ts';
import { placeTurns, synthesizeMessageId } from '../../extension/src/capture/capture-response.ts';
import { saveAnnotation } from '../../extension/src/db/annotations.ts';
import { AppDB } from '../../extension/src/db/app-db.ts';
import { siteAdapters } from '../../extension/src/sites/index.ts';
import { applyPulledPage } from '../../extension/src/sync/apply-remote.ts';
import type { Message } from '../../shared/index.ts';
import { loadSiteFixtures, parseFixture } from '../extension/site-fixtures.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { type HistoryStore, historyFixture, openHistoryStore } from './support/history-store.ts';

interface Turn {
  role: 'user' | 'assistant';
  content: string;
  id: string;
}

/** The captured response's conversation as each app exports it, with the variant's siblings when it has them. */
const EXPORTERS: Record<
  string,
  (conversationId: string, turns: Turn[], variant: { index: number; count: number } | null) => unknown
> = {
  chatgpt(conversationId, turns, variant) {
    const mapping: Record<string, unknown> = { root: { id: 'root', parent: null, children: [], message: null } };
    let parent = 'root';
    turns.forEach((turn, index) => {
      const last = index === turns.length - 1;
      const siblings = last && variant ? siblingIds(turn.id, variant) : [turn.id];
      (mapping[parent] as { children: string[] }).children.push(...siblings);
      for (const id of siblings) {
        mapping[id] = {
          id,
          parent,
          children: [],
          message: {
            id,
            author: { role: turn.role },
            create_time: 1_760_000_000 + index,
            content: { content_type: 'text', parts: [id === turn.id ? turn.content : `Another answer (${id}).`] },
            recipient: 'all',
            metadata: {},
          },
        };
      }
      parent = turn.id;
    });
    return [{ id: conversationId, mapping, current_node: parent }];
  },
  claude(conversationId, turns, variant) {
    const messages: unknown[] = [];
    let parent = '00000000-0000-4000-8000-000000000000';
    turns.forEach((turn, index) => {
      const last = index === turns.length - 1;
      (last && variant ? siblingIds(turn.id, variant) : [turn.id]).forEach((id, sibling) => {
        messages.push({
          uuid: id,
          text: id === turn.id ? turn.content : `Another answer (${id}).`,
          content: [],
          sender: turn.role === 'user' ? 'human' : 'assistant',
          created_at: new Date(Date.UTC(2026, 0, 1, 0, index, sibling)).toISOString(),
          parent_message_uuid: parent,
        });
      });
      parent = turn.id;
    });
    return [{ uuid: conversationId, name: 'Captured', chat_messages: messages }];
  },
  'open-webui'(conversationId, turns, variant) {
    const messages: Record<string, Record<string, unknown>> = {};
    let parent: string | null = null;
    turns.forEach((turn, index) => {
      const last = index === turns.length - 1;
      const ids = last && variant ? siblingIds(turn.id, variant) : [turn.id];
      if (parent) (messages[parent] as { childrenIds: string[] }).childrenIds.push(...ids);
      for (const id of ids) {
        const content = id === turn.id ? turn.content : `Another answer (${id}).`;
        messages[id] = {
          id,
          parentId: parent,
          childrenIds: [],
          role: turn.role,
          content,
          timestamp: 1_760_000_000 + index,
        };
      }
      parent = turn.id;
    });
    return [{ id: conversationId, chat: { history: { messages, currentId: parent } } }];
  },
  librechat(conversationId, turns, variant) {
    const messages: unknown[] = [];
    let parent = '00000000-0000-0000-0000-000000000000';
    turns.forEach((turn, index) => {
      const last = index === turns.length - 1;
      (last && variant ? siblingIds(turn.id, variant) : [turn.id]).forEach((id, sibling) => {
        messages.push({
          messageId: id,
          conversationId,
          parentMessageId: parent,
          text: id === turn.id ? turn.content : `Another answer (${id}).`,
          isCreatedByUser: turn.role === 'user',
          createdAt: new Date(Date.UTC(2026, 0, 1, 0, index, sibling)).toISOString(),
        });
      });
      parent = turn.id;
    });
    return { conversationId, messages };
  },
};

/** The siblings of a variant, the captured one at its place ("2/3" = second of three). */
function siblingIds(captured: string, variant: { index: number; count: number }): string[] {
  return Array.from({ length: variant.count }, (_, i) =>
    i === variant.index - 1 ? captured : `${captured}-alt-${i + 1}`,
  );
}

describe.each(STORE_KINDS)(
  'a response captured on its page and the same response imported meet on one key (%s)',
  (kind) => {
    let history: HistoryStore;
    beforeEach(async () => {
      history = await openHistoryStore(kind);
    });
    afterEach(() => history.close());

    it('synthesizes Claude message ids exactly as the extension does', () => {
      for (const [conversation, position, text] of [
        ['0b8c1f7e-0000-4000-8000-0000000000aa', 3, 'Hello'],
        ['c', 0, ''],
        ['x', 41, 'Ünïcødé 🎉\n```js\nx\n```'],
      ] as const) {
        expect(synthesizedMessageId(conversation, position, text)).toBe(
          synthesizeMessageId(conversation, position, text),
        );
      }
    });

    for (const site of ['chatgpt', 'claude', 'open-webui', 'librechat']) {
      const adapter = siteAdapters.find((candidate) => candidate.id === site);
      const fixtures = loadSiteFixtures(site).filter((fixture) =>
        fixture.expected.responses.some((response) => response.capture && response.capture.missingContextTurns === 0),
      );
      it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))(`${site} %s`, async (_name, fixture) => {
        if (!adapter) throw new Error(`no adapter ${site}`);
        const page = parseFixture(fixture);
        const turns = placeTurns(adapter.turns(page.document));
        for (const expected of fixture.expected.responses) {
          const capture = expected.capture;
          if (!capture || capture.missingContextTurns > 0) continue;
          // The conversation as the app's export holds it: the page's message ids where the page shows them.
          const path: Turn[] = capture.context.map((message, place) => {
            const turn = turns.find((candidate) => candidate.place === place);
            const native = turn ? adapter.nativeMessageId(turn) : null;
            return {
              role: message.role as Turn['role'],
              content: message.content,
              id: native ?? `${site}-turn-${place}`,
            };
          });
          path.push({
            role: 'assistant',
            content: capture.response,
            id: site === 'claude' ? 'claude-answer' : capture.messageId,
          });
          const file = join(history.dir, `${site}-${fixture.name}-${expected.turn}.json`);
          writeFileSync(file, JSON.stringify(EXPORTERS[site]?.(capture.conversationId, path, capture.variant)));
          await history.import({ file });
          const key = `${site}:${capture.conversationId}:${capture.messageId}`;
          const item = (await history.allItems()).find((candidate) => candidate.key === key);
          expect(item, `${key} was not imported`).toBeDefined();
          expect(item?.response).toBe(capture.response);
          expect(item?.context).toEqual(capture.context as Message[]);
          expect(item?.variant).toEqual(capture.variant);
        }
        await page.close();
      });
    }
  },
);

describe.each(STORE_KINDS)('an imported rating and the extension (%s)', (kind) => {
  let history: HistoryStore;
  let db: AppDB;
  beforeEach(async () => {
    history = await openHistoryStore(kind);
    db = new AppDB(`margin-history-${Math.random()}`);
  });
  afterEach(async () => {
    db.close();
    await history.close();
  });

  it('the extension edits the imported annotation after its next pull: one annotation per response, not two', async () => {
    await history.import({ file: historyFixture('open-webui', 'chat-export.json'), annotator: 'me' });
    const imported = (await history.allAnnotations()).find((annotation) => annotation.thumb === 'down');
    if (!imported) throw new Error('the fixture has a thumbs-down');
    // The extension pulls what the companion has, then the person rates the same response on its page.
    const page = await history.store.changesSince(0, 1000);
    await applyPulledPage(db, { ...page, annotations: page.annotations, comparisons: page.comparisons });
    const saved = await saveAnnotation(
      db,
      {
        capture: {
          site: imported.site,
          url: `http://localhost:3000/c/${imported.conversationId}`,
          conversationId: imported.conversationId,
          messageId: imported.messageId,
          model: imported.model,
          modelSource: 'message',
          context: imported.context,
          response: imported.response,
          variant: imported.variant,
          missingContextTurns: 0,
        },
        changes: { thumb: 'up', comment: 'On second thought, fine.' },
      },
      {
        annotator: 'me',
        defaultTags: [],
        now: () => new Date('2026-12-03T00:00:00.000Z'),
        newId: () => 'would-be-a-duplicate',
      },
    );
    expect(saved.id).toBe(imported.id);
    expect(saved.revision).toBe(2);
    // Its push replaces the imported version on the companion.
    const applied = await history.store.applyChanges({
      deviceId: '5f0e4c2b-9a81-4d3e-8c7f-1e2d3c4b5a69',
      receivedAt: '2026-12-03T00:00:01.000Z',
      annotations: [saved],
      comparisons: [],
    });
    expect(applied.annotations[0]?.status).toBe('accepted');
    const forKey = (await history.allAnnotations()).filter((annotation) => annotation.key === imported.key);
    expect(forKey).toHaveLength(1);
    expect(forKey[0]).toMatchObject({ id: imported.id, thumb: 'up', revision: 2 });
    // Importing the export again leaves the person's newer judgement alone.
    await history.query('DELETE FROM history_conversations RETURNING site');
    await history.import({ file: historyFixture('open-webui', 'chat-export.json'), annotator: 'me' });
    expect((await history.allAnnotations()).find((annotation) => annotation.id === imported.id)).toMatchObject({
      thumb: 'up',
      revision: 2,
    });
  });
});
