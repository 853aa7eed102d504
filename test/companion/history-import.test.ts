import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportError } from '../../companion/src/import-history/import-error.ts';
import { HISTORY_IMPORT_DEVICE_ID } from '../../companion/src/import-history/run-import.ts';
import {
  ABANDONED_RUN_ERROR,
  interruptAbandonedRuns,
  RUN_HEARTBEAT_MS,
  RUN_LEASE_MS,
} from '../../companion/src/import-history/run-lease.ts';
import { hashId } from '../../shared/export/hash.ts';
import { emptyImportSummary, type ImportRun } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { type HistoryStore, historyFixture, IMPORT_CLOCK, openHistoryStore } from './support/history-store.ts';

const C1 = '6740f2a1-1c4e-8000-9d2b-4f1a2b3c0001';
const A1C = 'f3b1d2e4-6a7c-4e8f-9a0b-1c2d3e4f5003';
const chatgptKey = (messageId: string, conversationId = C1) => `chatgpt:${conversationId}:${messageId}`;

/** Every stored row, to prove a second import wrote nothing. */
async function snapshot(history: HistoryStore) {
  const count = async (table: string) =>
    (await history.query<{ n: number }>(`SELECT CAST(count(*) AS INTEGER) AS n FROM ${table}`))[0]?.n;
  return {
    seq: await history.store.checkpoint(),
    items: await history.query('SELECT id, body, context FROM items ORDER BY id'),
    texts: await count('item_texts'),
    annotations: await history.query('SELECT id, seq, hash FROM annotations ORDER BY id'),
    comparisons: await history.query('SELECT id, seq, hash FROM comparisons ORDER BY id'),
    history: await count('history'),
  };
}

describe.each(STORE_KINDS)('import-history (%s)', (kind) => {
  let history: HistoryStore;
  beforeEach(async () => {
    history = await openHistoryStore(kind);
  });
  afterEach(() => history.close());

  it('is idempotent: the same export twice writes nothing the second time', async () => {
    const first = await history.import({ file: historyFixture('chatgpt', 'export.zip') });
    expect(first.summary.responses.added).toBe(12);
    const before = await snapshot(history);
    const second = await history.import({ file: historyFixture('chatgpt', 'export.zip') });
    expect(await snapshot(history)).toEqual(before);
    expect(second.summary.conversations).toEqual({ read: 5, imported: 0, unchanged: 5 });
    expect(second.summary.responses.added + second.summary.ratings.added + second.summary.comparisons.added).toBe(0);
    // The same export extracted: its conversations are recognized as the same.
    const third = await history.import({ file: historyFixture('chatgpt', 'single') });
    expect(third.summary.conversations.unchanged).toBe(5);
    expect(await snapshot(history)).toEqual(before);
  });

  it('imports a newer export as only what is new: a new conversation, a new turn, a new thumb', async () => {
    await history.import({ file: historyFixture('chatgpt', 'single') });
    const before = await snapshot(history);
    const newer = join(history.dir, 'newer');
    cpSync(historyFixture('chatgpt', 'single'), newer, { recursive: true });
    const conversations = JSON.parse(readFileSync(join(newer, 'conversations.json'), 'utf8'));
    // A turn added to the Fibonacci conversation, and a thumb on a response rated nowhere before.
    const fibonacci = conversations[1];
    const last = fibonacci.current_node;
    fibonacci.mapping['b2-user'] = {
      id: 'b2-user',
      parent: last,
      children: ['b2-answer'],
      message: {
        id: 'b2-user',
        author: { role: 'user' },
        create_time: 1727200000.5,
        content: { content_type: 'text', parts: ['And the 30th?'] },
      },
    };
    fibonacci.mapping['b2-answer'] = {
      id: 'b2-answer',
      parent: 'b2-user',
      children: [],
      message: {
        id: 'b2-answer',
        author: { role: 'assistant' },
        create_time: 1727200003.25,
        content: { content_type: 'text', parts: ['832040.'] },
        metadata: { model_slug: 'o3' },
        recipient: 'all',
      },
    };
    fibonacci.mapping[last].children.push('b2-user');
    fibonacci.current_node = 'b2-answer';
    fibonacci.update_time = 1727200003.25;
    conversations.push({
      id: 'new-conversation-0001',
      title: 'New',
      create_time: 1727500000,
      update_time: 1727500002,
      current_node: 'n2',
      mapping: {
        n0: { id: 'n0', parent: null, children: ['n1'], message: null },
        n1: {
          id: 'n1',
          parent: 'n0',
          children: ['n2'],
          message: {
            id: 'n1',
            author: { role: 'user' },
            create_time: 1727500001,
            content: { content_type: 'text', parts: ['Hi'] },
          },
        },
        n2: {
          id: 'n2',
          parent: 'n1',
          children: [],
          message: {
            id: 'n2',
            author: { role: 'assistant' },
            create_time: 1727500002,
            content: { content_type: 'text', parts: ['Hello!'] },
            recipient: 'all',
          },
        },
      },
    });
    writeFileSync(join(newer, 'conversations.json'), JSON.stringify(conversations));
    const feedback = JSON.parse(readFileSync(join(newer, 'message_feedback.json'), 'utf8'));
    feedback.push({
      id: 'fb-new',
      conversation_id: 'new-conversation-0001',
      message_id: 'n2',
      rating: 'thumbsUp',
      content: '{"tags": []}',
      create_time: 1727500010,
    });
    writeFileSync(join(newer, 'message_feedback.json'), JSON.stringify(feedback));

    const { summary } = await history.import({ file: newer });
    expect(summary.conversations).toEqual({ read: 6, imported: 2, unchanged: 4 });
    expect(summary.responses).toEqual({ read: 4, added: 2, present: 2 });
    expect(summary.ratings).toEqual({ read: 2, added: 1, present: 1, alreadyAnnotated: 0 });
    const after = await snapshot(history);
    expect(after.items).toHaveLength(before.items.length + 2);
    expect(after.annotations).toHaveLength(before.annotations.length + 1);
    // What was stored before is untouched.
    for (const annotation of before.annotations) expect(after.annotations).toContainEqual(annotation);
    const added = await history.items.get(
      (await history.allItems()).find((item) => item.messageId === 'b2-answer')?.id ?? '',
    );
    expect(added?.context.map((message) => message.content).at(-1)).toBe('And the 30th?');
  });

  it('imports only responses on or after --since, and can import the rest later', async () => {
    const { summary } = await history.import({ file: historyFixture('chatgpt', 'single'), since: '2024-09-24' });
    expect((await history.allItems()).map((item) => item.createdAt).sort()).toEqual([
      '2024-09-24T17:47:01.000Z',
      '2024-09-24T17:48:23.000Z',
      '2024-09-25T21:33:32.000Z',
    ]);
    expect(summary.skipped['conversation before --since']).toBe(2);
    expect(summary.skipped['response before --since']).toBe(2);
    const rest = await history.import({ file: historyFixture('chatgpt', 'single') });
    expect(rest.summary.responses).toEqual({ read: 12, added: 9, present: 3 });
  });

  it('writes nothing on a dry run, and counts what it would write', async () => {
    const { summary, run } = await history.import({ file: historyFixture('chatgpt', 'export.zip'), dryRun: true });
    expect(summary.responses.added).toBe(12);
    expect(summary.ratings.added).toBe(3);
    expect(summary.comparisons.added).toBe(3);
    expect(await history.items.count()).toBe(0);
    expect(await history.allAnnotations()).toEqual([]);
    expect(run.dryRun).toBe(true);
  });

  it('keeps what was read before a JSON syntax error, and names the file, the entry and the place', async () => {
    const file = historyFixture('chatgpt', 'malformed', 'syntax-error');
    const error = await history.import({ file }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).message).toBe(
      `${file} → conversations.json: JSON syntax error: unexpected "," at byte 7886 (line 2, column 113)`,
    );
    // The conversation before the error is stored whole.
    expect((await history.allItems()).map((item) => item.conversationId)).toEqual(Array(5).fill(C1));
    const runs = await history.items.listRuns(5);
    expect(runs[0]).toMatchObject({ status: 'failed', error: (error as Error).message });
    expect(runs[0]?.summary.responses.added).toBe(5);
  });

  it('refuses what is not an export, and a truncated ZIP, with a message that says so', async () => {
    await expect(
      history.import({ file: historyFixture('chatgpt', 'malformed', 'not-an-export.json') }),
    ).rejects.toThrow(/not-an-export\.json: not a chat export Margin knows/);
    await expect(history.import({ file: historyFixture('chatgpt', 'malformed', 'truncated.zip') })).rejects.toThrow(
      /truncated\.zip: not a readable ZIP \(.*\); the download may be incomplete/,
    );
    await expect(history.import({ file: historyFixture('chatgpt', 'nowhere.zip') })).rejects.toThrow(
      /nowhere\.zip: cannot read it \(ENOENT\)/,
    );
    await expect(
      history.import({ file: historyFixture('claude', 'conversations.json'), source: 'chatgpt' }),
    ).rejects.toThrow(/no conversations\.json|conversation/);
  });

  it('never brings back an imported rating the person deleted, nor undoes their edit of it', async () => {
    await history.import({ file: historyFixture('chatgpt', 'single') });
    const [deleted, edited] = (await history.allAnnotations()).filter((annotation) => annotation.thumb !== null);
    if (!deleted || !edited) throw new Error('fixture has two rated responses');
    await history.store.applyChanges({
      deviceId: 'dashboard',
      receivedAt: '2026-12-02T00:00:00.000Z',
      annotations: [
        { ...deleted, deletedAt: '2026-12-02T00:00:00.000Z', updatedAt: '2026-12-02T00:00:00.000Z', revision: 2 },
        { ...edited, comment: 'changed my mind', updatedAt: '2026-12-02T00:00:00.000Z', revision: 2 },
      ],
      comparisons: [],
    });
    await history.query('DELETE FROM history_conversations RETURNING site'); // as if the export changed
    const { summary } = await history.import({ file: historyFixture('chatgpt', 'single') });
    expect(summary.ratings).toMatchObject({ added: 0, present: 3 });
    const after = await history.allAnnotations();
    expect(after.find((annotation) => annotation.id === deleted.id)?.deletedAt).not.toBeNull();
    expect(after.find((annotation) => annotation.id === edited.id)?.comment).toBe('changed my mind');
  });

  it('does not add a rating for a response the person already rated in Margin, and pairs comparisons with theirs', async () => {
    const live = makeAnnotation({
      id: '0d1e2f3a-4b5c-4d6e-8f70-000000000001',
      key: chatgptKey(A1C),
      conversationId: C1,
      messageId: A1C,
      annotator: 'ada',
      thumb: 'down',
    });
    await history.store.applyChanges({
      deviceId: 'a7c3e1f0-5b2d-4e6f-9a8b-7c6d5e4f3a21',
      receivedAt: '2026-11-30T00:00:00.000Z',
      annotations: [live],
      comparisons: [],
    });
    const { summary, annotator } = await history.import({ file: historyFixture('chatgpt', 'single') });
    expect(annotator).toBe('ada'); // the extension's annotator: the person whose ratings these are
    expect(summary.ratings.alreadyAnnotated).toBe(1);
    const forKey = (await history.allAnnotations()).filter((annotation) => annotation.key === chatgptKey(A1C));
    expect(forKey).toEqual([live]);
    const pick = (await history.allComparisons()).find(
      (comparison) => comparison.b === live.id || comparison.a === live.id,
    );
    expect(pick).toBeDefined();
  });

  it('stores the annotations it writes under its own device id, and each conversation’s text once', async () => {
    await history.import({ file: historyFixture('chatgpt', 'single') });
    const devices = await history.query<{ device_id: string }>('SELECT DISTINCT device_id FROM annotations');
    expect(devices.map((row) => row.device_id)).toEqual([HISTORY_IMPORT_DEVICE_ID]);
    // 12 responses share their turns: each distinct turn is stored once.
    const contextMessages = (await history.allItems()).reduce((sum, item) => sum + item.context.length, 0);
    const [texts] = await history.query<{ n: number }>('SELECT CAST(count(*) AS INTEGER) AS n FROM item_texts');
    expect(contextMessages).toBe(20);
    expect(texts?.n).toBe(12);
  });

  it('gives sibling regenerations the variant group the live capture computes', async () => {
    await history.import({ file: historyFixture('chatgpt', 'single') });
    const variants = (await history.allItems()).filter((item) => item.conversationId === C1 && item.variant);
    expect(variants.map((item) => item.variant)).toEqual(
      [1, 2, 3].map((index) => ({
        index,
        count: 3,
        group: `g-${hashId(`${C1}:aaa2c4d6-1e3f-4a5b-8c7d-0e1f2a3b4001`)}`,
      })),
    );
  });

  it('marks a run whose process stopped beating as interrupted when a new import starts, and leaves a live one', async () => {
    const at = (ms: number) => new Date(IMPORT_CLOCK().getTime() + ms).toISOString();
    const run = (id: string, touched: number): ImportRun => ({
      id,
      source: 'chatgpt',
      file: 'export.zip',
      status: 'running',
      dryRun: false,
      startedAt: at(touched - 1_000),
      updatedAt: at(touched),
      finishedAt: null,
      summary: emptyImportSummary(),
      error: null,
    });
    await history.items.startRun(run('dead', -RUN_LEASE_MS - 1));
    await history.items.startRun(run('alive', -RUN_LEASE_MS + RUN_HEARTBEAT_MS));
    const { run: mine } = await history.import({ file: historyFixture('chatgpt', 'export.zip') });
    expect(mine.status).toBe('done');
    expect(await history.items.getRun('dead')).toMatchObject({
      status: 'interrupted',
      error: ABANDONED_RUN_ERROR,
      finishedAt: at(-RUN_LEASE_MS - 1),
      updatedAt: IMPORT_CLOCK().toISOString(),
    });
    expect((await history.items.getRun('alive'))?.status).toBe('running');
    // A Ctrl-C'd or failed run is never touched: only `running` ones can be abandoned.
    expect(await interruptAbandonedRuns(history.items, new Date(IMPORT_CLOCK().getTime() + 10 * RUN_LEASE_MS))).toBe(1);
    expect((await history.items.getRun(mine.id))?.status).toBe('done');
    expect((await history.items.getRun('alive'))?.status).toBe('interrupted');
  });
});
