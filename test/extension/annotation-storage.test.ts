import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { responseKey } from '../../extension/src/capture/capture-response.ts';
import { SaveError, saveAnnotation, storageErrorMessage } from '../../extension/src/db/annotations.ts';
import { AppDB } from '../../extension/src/db/app-db.ts';
import { countAnnotations } from '../../extension/src/db/counts.ts';
import {
  createAnnotationHandlers,
  type Sender,
} from '../../extension/src/entrypoints/background/annotation-handlers.ts';
import { siteAdapters } from '../../extension/src/sites/index.ts';
import type { AnnotationInput } from '../../extension/src/utils/annotation-input.ts';
import type { Settings } from '../../extension/src/utils/settings.ts';
import { annotationKey } from '../../shared/index.ts';
import { DEFAULT_SHORTCUTS } from '../../shared/shortcuts.ts';

const RUNTIME_ID = 'abcdefghijklmnopabcdefghijklmnop';
const PAGE = 'https://chatgpt.com/c/conv-1';
const fromContentScript: Sender = { id: RUNTIME_ID, url: PAGE, tab: { url: PAGE } };

function input(overrides: Partial<AnnotationInput['changes']> = {}, messageId = 'msg-1'): AnnotationInput {
  return {
    capture: {
      site: 'chatgpt',
      url: PAGE,
      conversationId: 'conv-1',
      messageId,
      model: 'gpt-5-3',
      modelSource: 'message',
      context: [{ role: 'user', content: 'Hi' }],
      response: 'Hello!',
      variant: null,
      missingContextTurns: 0,
    },
    changes: overrides,
  };
}

let db: AppDB;
let clock: Date;
let ids: number;
let settings: Settings;

function context() {
  return {
    annotator: settings.annotator,
    defaultTags: settings.defaultTags,
    now: () => clock,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  };
}

beforeEach(() => {
  db = new AppDB(`margin-test-${Math.random()}`);
  clock = new Date('2026-09-01T10:00:00.000Z');
  ids = 0;
  settings = {
    annotator: 'ada',
    defaultTags: ['triage'],
    enabledSites: {},
    shortcuts: DEFAULT_SHORTCUTS,
    rubric: { version: 0, questions: [] },
    selfHostedOrigins: [],
    genericOrigins: [],
  };
});
afterEach(async () => {
  db.close();
  await Dexie.delete(db.name);
});

describe('saveAnnotation', () => {
  it('creates one annotation per response, then raises revision and updatedAt on every save', async () => {
    const first = await saveAnnotation(db, input({ thumb: 'up' }), context());
    expect(first).toMatchObject({
      key: annotationKey('chatgpt', 'conv-1', 'msg-1'),
      thumb: 'up',
      score: null,
      tags: ['triage'],
      revision: 1,
      annotator: 'ada',
      createdAt: '2026-09-01T10:00:00.000Z',
      updatedAt: '2026-09-01T10:00:00.000Z',
    });
    clock = new Date('2026-09-01T10:05:00.000Z');
    const second = await saveAnnotation(db, input({ score: 80, comment: 'good' }), context());
    expect(second).toMatchObject({
      id: first.id,
      thumb: 'up',
      score: 80,
      comment: 'good',
      revision: 2,
      createdAt: '2026-09-01T10:00:00.000Z',
      updatedAt: '2026-09-01T10:05:00.000Z',
    });
    const third = await saveAnnotation(db, input({ thumb: null }), context());
    expect(third.thumb).toBeNull();
    expect(third.revision).toBe(3);
    expect(await db.annotations.count()).toBe(1);
  });

  it('records context turns the page had virtualized away in metadata, and flags the capture partial', async () => {
    const value = input({ thumb: 'down' });
    value.capture.missingContextTurns = 4;
    const saved = await saveAnnotation(db, value, context());
    expect(saved.metadata).toEqual({ 'capture.unrenderedTurns': 4, 'capture.partial': true });
  });

  it('rejects what the shared schema rejects, naming the field, and stores nothing', async () => {
    await expect(saveAnnotation(db, input({ comment: 'x'.repeat(20_001) }), context())).rejects.toThrow(/^comment: /);
    await expect(saveAnnotation(db, input({ comment: 'x'.repeat(20_001) }), context())).rejects.toBeInstanceOf(
      SaveError,
    );
    expect(await db.annotations.count()).toBe(0);
  });

  it('reports a full disk as such and keeps what was saved before', async () => {
    await saveAnnotation(db, input({ thumb: 'up' }), context());
    db.close();
    const failing = new AppDB(db.name);
    failing.use({
      stack: 'dbcore',
      name: 'quota',
      create: (down) => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          return {
            ...table,
            mutate: () => Promise.reject(Object.assign(new Error('quota'), { name: 'QuotaExceededError' })),
          };
        },
      }),
    });
    await expect(saveAnnotation(failing, input({ score: 10 }), context())).rejects.toThrow(/no storage space/);
    failing.close();
    await db.open();
    const [kept] = await db.annotations.toArray();
    expect(kept).toMatchObject({ thumb: 'up', score: null, revision: 1 });
  });

  it('names the likely cause of a failed write: quota, or a disk too full to commit, or the error itself', () => {
    const abort = (inner: unknown) =>
      Object.assign(new Error('The transaction was aborted'), { name: 'AbortError', inner });
    expect(storageErrorMessage(abort(Object.assign(new Error('q'), { name: 'QuotaExceededError' })))).toBe(
      'the browser has no storage space left for Margin',
    );
    expect(storageErrorMessage(abort(null))).toMatch(
      /^the browser could not write to its storage; the disk may be full\./,
    );
    expect(storageErrorMessage(Object.assign(new Error('Internal error'), { name: 'UnknownError' }))).toMatch(
      /disk may be full/,
    );
    expect(storageErrorMessage(new TypeError('bad key'))).toBe('storage failed: bad key');
  });

  it('counts total, today and per site', async () => {
    await saveAnnotation(db, input({ thumb: 'up' }, 'a'), context());
    clock = new Date(Date.now() - 3 * 86_400_000);
    await saveAnnotation(db, input({ thumb: 'up' }, 'b'), context());
    clock = new Date();
    await saveAnnotation(db, input({ thumb: 'up' }, 'c'), context());
    const counts = await countAnnotations(db, new Date());
    expect(counts.total).toBe(3);
    expect(counts.today).toBe(1);
    expect(counts.bySite).toEqual({ chatgpt: 3 });
  });

  it('leaves tombstones out of every count', async () => {
    clock = new Date();
    const today = await saveAnnotation(db, input({ thumb: 'up' }, 'a'), context());
    await saveAnnotation(db, input({ thumb: 'down' }, 'b'), context());
    const other = { ...(await saveAnnotation(db, input({ thumb: 'up' }, 'c'), context())), site: 'claude' };
    await db.annotations.put(other);
    // A tombstone as a pull from the companion writes it: the row stays, with `deletedAt` set.
    await db.annotations.put({ ...today, deletedAt: new Date().toISOString(), revision: today.revision + 1 });
    const counts = await countAnnotations(db, new Date());
    expect(counts).toEqual({ total: 2, today: 2, bySite: { chatgpt: 1, claude: 1 } });
    await db.annotations.put({ ...other, deletedAt: new Date().toISOString() });
    expect(await countAnnotations(db, new Date())).toEqual({ total: 1, today: 1, bySite: { chatgpt: 1 } });
  });

  it('uses the same key format in the content script as shared/', () => {
    expect(responseKey('claude', 'c-1', 'm-1')).toBe(annotationKey('claude', 'c-1', 'm-1'));
  });
});

describe('background annotation handlers', () => {
  function handlers() {
    return createAnnotationHandlers({
      db,
      adapters: siteAdapters,
      runtimeId: RUNTIME_ID,
      readSettings: async () => settings,
      now: () => clock,
      newId: context().newId,
    });
  }

  it('saves a valid payload from our content script on that site', async () => {
    const result = await handlers().saveAnnotation(input({ thumb: 'up' }), fromContentScript);
    expect(result).toMatchObject({ ok: true, annotation: { messageId: 'msg-1', thumb: 'up', revision: 1 } });
    const loaded = await handlers().getConversationAnnotations(
      { site: 'chatgpt', conversationId: 'conv-1' },
      fromContentScript,
    );
    expect(loaded).toMatchObject({ enabled: true, annotations: [{ messageId: 'msg-1', thumb: 'up' }] });
  });

  it.each([
    ['an unknown field', { ...input(), extra: 1 }, /extra|Unrecognized/],
    ['a score over 100', input({ score: 101 }), /changes\.score/],
    ['a missing capture', { changes: {} }, /capture/],
    ['a non-http url', { ...input(), capture: { ...input().capture, url: 'javascript:alert(1)' } }, /capture\.url/],
  ])('refuses %s with a message naming the field', async (_what, payload, message) => {
    const result = await handlers().saveAnnotation(payload, fromContentScript);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
    expect(await db.annotations.count()).toBe(0);
  });

  it.each([
    ['another extension', { ...fromContentScript, id: 'someone-else' }],
    [
      'a page of another site',
      { id: RUNTIME_ID, url: 'https://claude.ai/chat/x', tab: { url: 'https://claude.ai/chat/x' } },
    ],
    [
      'a page that is not a chat site',
      { id: RUNTIME_ID, url: 'https://evil.example/', tab: { url: 'https://evil.example/' } },
    ],
  ])('refuses a save from %s', async (_who, sender) => {
    const result = await handlers().saveAnnotation(input({ thumb: 'up' }), sender);
    expect(result.ok).toBe(false);
    expect(await db.annotations.count()).toBe(0);
  });

  it('does nothing on a site turned off in options', async () => {
    settings.enabledSites = { chatgpt: false };
    const loaded = await handlers().getConversationAnnotations(
      { site: 'chatgpt', conversationId: 'conv-1' },
      fromContentScript,
    );
    expect(loaded).toEqual({ enabled: false, annotations: [], comparisons: [] });
    const result = await handlers().saveAnnotation(input({ thumb: 'up' }), fromContentScript);
    expect(result).toEqual({ ok: false, error: "chatgpt is turned off in Margin's options" });
  });
});
