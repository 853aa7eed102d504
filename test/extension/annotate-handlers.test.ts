import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureResponse } from '../../extension/src/capture/capture-response.ts';
import { AppDB } from '../../extension/src/db/app-db.ts';
import {
  createAnnotationHandlers,
  type Sender,
} from '../../extension/src/entrypoints/background/annotation-handlers.ts';
import { siteAdapters } from '../../extension/src/sites/index.ts';
import type { ComparisonInput, ResponseCaptureInput } from '../../extension/src/utils/annotation-input.ts';
import type { Settings } from '../../extension/src/utils/settings.ts';
import { type Rubric, rubricAnswerIssues, rubricQuestionId, rubricSchema } from '../../shared/index.ts';
import { DEFAULT_SHORTCUTS } from '../../shared/shortcuts.ts';
import { loadSiteFixtures, parseFixture } from './site-fixtures.ts';

const RUNTIME_ID = 'abcdefghijklmnopabcdefghijklmnop';
const PAGE = 'https://chatgpt.com/c/conv-1';
const fromChatgpt: Sender = { id: RUNTIME_ID, url: PAGE, tab: { url: PAGE } };
const CONTEXT = [{ role: 'user' as const, content: 'Suggest a quick dinner.' }];

function variant(messageId: string, index: number, response: string, overrides: Partial<ResponseCaptureInput> = {}) {
  return {
    site: 'chatgpt',
    url: PAGE,
    conversationId: 'conv-1',
    messageId,
    model: null,
    modelSource: 'unknown' as const,
    context: CONTEXT,
    response,
    variant: { index, count: 2, group: 'g-1' },
    missingContextTurns: 0,
    ...overrides,
  };
}

const RUBRIC: Rubric = {
  version: 3,
  questions: [
    { id: 'hallucination', label: 'Hallucination?', kind: 'yes-no', required: true },
    { id: 'tone', label: 'Tone', kind: 'choice', options: ['formal', 'casual'], required: false },
    { id: 'depth', label: 'Depth', kind: 'number', min: 1, max: 5, required: false },
    { id: 'note', label: 'Short note', kind: 'text', required: false },
  ],
};

let db: AppDB;
let settings: Settings;
let ids = 0;
let clock = new Date('2026-09-01T10:00:00.000Z');

function handlers() {
  return createAnnotationHandlers({
    db,
    adapters: siteAdapters,
    runtimeId: RUNTIME_ID,
    readSettings: async () => settings,
    now: () => clock,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  });
}

beforeEach(() => {
  db = new AppDB(`margin-test-${Math.random()}`);
  ids = 0;
  clock = new Date('2026-09-01T10:00:00.000Z');
  settings = {
    annotator: 'ada',
    defaultTags: [],
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

describe('saveComparison', () => {
  const pair = (winner: ComparisonInput['winner']): ComparisonInput => ({
    a: variant('a-1', 1, 'Pasta.'),
    b: variant('a-2', 2, 'Shakshuka.'),
    winner,
  });

  it('creates both annotations (unrated) and one comparison, then updates that comparison', async () => {
    const first = await handlers().saveComparison(pair('b'), fromChatgpt);
    expect(first).toMatchObject({ ok: true, comparison: { a: 'a-1', b: 'a-2', winner: 'b', revision: 1 } });
    const annotations = await db.annotations.toArray();
    expect(annotations.map((annotation) => [annotation.messageId, annotation.thumb, annotation.revision])).toEqual([
      ['a-1', null, 1],
      ['a-2', null, 1],
    ]);

    clock = new Date('2026-09-01T10:01:00.000Z');
    const second = await handlers().saveComparison(pair('a'), fromChatgpt);
    expect(second).toMatchObject({ ok: true, comparison: { winner: 'a', revision: 2 } });
    const comparisons = await db.comparisons.toArray();
    expect(comparisons).toHaveLength(1);
    expect(comparisons[0]).toMatchObject({
      a: annotations[0]?.id,
      b: annotations[1]?.id,
      winner: 'a',
      revision: 2,
      annotator: 'ada',
      createdAt: '2026-09-01T10:00:00.000Z',
      updatedAt: '2026-09-01T10:01:00.000Z',
    });
    // Existing annotations with the same capture are not touched again.
    expect((await db.annotations.toArray()).map((annotation) => annotation.revision)).toEqual([1, 1]);

    // Given the other way round, it is still the same pair: one comparison, sides as given now.
    const swapped = await handlers().saveComparison({ a: pair('a').b, b: pair('a').a, winner: 'tie' }, fromChatgpt);
    expect(swapped).toMatchObject({ ok: true, comparison: { a: 'a-2', b: 'a-1', winner: 'tie', revision: 3 } });
    expect(await db.comparisons.count()).toBe(1);

    const loaded = await handlers().getConversationAnnotations(
      { site: 'chatgpt', conversationId: 'conv-1' },
      fromChatgpt,
    );
    expect(loaded.comparisons).toEqual([{ a: 'a-2', b: 'a-1', winner: 'tie', revision: 3 }]);
  });

  it.each([
    [
      'contexts that differ',
      { b: variant('a-2', 2, 'x', { context: [{ role: 'user', content: 'Another prompt.' }] }) },
      'the two variants do not share the same conversation before them',
    ],
    [
      'different variant groups',
      { b: variant('a-2', 2, 'x', { variant: { index: 2, count: 2, group: 'g-2' } }) },
      'the two responses are not variants of the same prompt',
    ],
    ['no variant at all', { b: variant('a-2', 2, 'x', { variant: null }) }, 'not variants of the same prompt'],
    ['the same response twice', { b: variant('a-1', 1, 'Pasta.') }, 'a response cannot be compared with itself'],
    [
      'two conversations',
      { b: variant('a-2', 2, 'x', { conversationId: 'conv-2', url: 'https://chatgpt.com/c/conv-2' }) },
      'not from the same conversation',
    ],
  ])('refuses %s and stores nothing', async (_what, change, message) => {
    const result = await handlers().saveComparison({ ...pair('a'), ...change }, fromChatgpt);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
    expect(await db.comparisons.count()).toBe(0);
    expect(await db.annotations.count()).toBe(0);
  });

  it('refuses a payload that fails the schema, naming the field, and a page of another site', async () => {
    const bad = await handlers().saveComparison({ ...pair('a'), winner: 'c' }, fromChatgpt);
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/winner/) });
    const claude = 'https://claude.ai/chat/x';
    const forged = await handlers().saveComparison(pair('a'), { id: RUNTIME_ID, url: claude, tab: { url: claude } });
    expect(forged).toEqual({ ok: false, error: 'message for chatgpt from a page that is not chatgpt' });
    expect(await db.comparisons.count()).toBe(0);
  });
});

describe('rubric answers', () => {
  const save = (rubric: unknown) =>
    handlers().saveAnnotation(
      { capture: variant('a-1', 1, 'Pasta.'), changes: { comment: 'ok', rubric } },
      fromChatgpt,
    );

  it('stores answers to the rubric in force with its version, exported in raw as stored', async () => {
    settings.rubric = RUBRIC;
    const result = await save({ version: 3, answers: { hallucination: false, tone: 'formal', depth: 4 } });
    expect(result).toMatchObject({ ok: true, annotation: { rubric: { version: 3 } } });
    expect((await db.annotations.toArray())[0]?.rubric).toEqual({
      version: 3,
      answers: { hallucination: false, tone: 'formal', depth: 4 },
    });
    // A later save without rubric answers keeps them.
    await handlers().saveAnnotation({ capture: variant('a-1', 1, 'Pasta.'), changes: { thumb: 'up' } }, fromChatgpt);
    expect((await db.annotations.toArray())[0]).toMatchObject({ thumb: 'up', rubric: { version: 3 } });
  });

  it.each([
    [
      'a required question left unanswered',
      { version: 3, answers: { tone: 'formal' } },
      '"Hallucination?" is required',
    ],
    [
      'a choice not offered',
      { version: 3, answers: { hallucination: true, tone: 'rude' } },
      'pick one of formal, casual',
    ],
    ['a number out of range', { version: 3, answers: { hallucination: true, depth: 9 } }, 'a number from 1 to 5'],
    ['a wrong kind of value', { version: 3, answers: { hallucination: 'yes' } }, 'answer yes or no'],
    ['an unknown question', { version: 3, answers: { hallucination: true, mood: 'x' } }, '"mood" is not a question'],
    ['an older rubric version', { version: 2, answers: { hallucination: true } }, 'the rubric changed (now version 3)'],
  ])('refuses %s with a clear message and stores nothing', async (_what, rubric, message) => {
    settings.rubric = RUBRIC;
    const result = await save(rubric);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
    expect(await db.annotations.count()).toBe(0);
  });

  it('refuses answers when no rubric is defined', async () => {
    const result = await save({ version: 1, answers: {} });
    expect(result).toEqual({ ok: false, error: 'rubric: there is no rubric in the options any more' });
  });

  it('checks rubric definitions: ids unique, choices with two options, ranges the right way round', () => {
    expect(rubricSchema.safeParse(RUBRIC).success).toBe(true);
    const dup = { version: 1, questions: [RUBRIC.questions[0], RUBRIC.questions[0]] };
    expect(rubricSchema.safeParse(dup).error?.issues[0]?.message).toBe('two questions have the same id');
    const oneOption = { ...RUBRIC.questions[1], options: ['only'] };
    expect(rubricSchema.safeParse({ version: 1, questions: [oneOption] }).success).toBe(false);
    const backwards = { ...RUBRIC.questions[2], min: 5, max: 1 };
    expect(rubricSchema.safeParse({ version: 1, questions: [backwards] }).error?.issues[0]?.message).toBe(
      'min must be below max',
    );
    expect(rubricQuestionId('Hallucination?', new Set())).toBe('hallucination');
    expect(rubricQuestionId('Hallucination!', new Set(['hallucination']))).toBe('hallucination-2');
    expect(rubricQuestionId('???', new Set())).toBe('question');
    expect(rubricAnswerIssues(RUBRIC.questions, { hallucination: true })).toEqual([]);
  });
});

describe('self-hosted origins', () => {
  const openWebui = 'http://localhost:3000/c/3f2a1b0c-0000-4000-8000-000000000001';
  const fromOpenWebui: Sender = { id: RUNTIME_ID, url: openWebui, tab: { url: openWebui } };
  const capture = {
    ...variant('m-1', 1, 'Hi.'),
    site: 'open-webui',
    url: openWebui,
    conversationId: '3f2a1b0c-0000-4000-8000-000000000001',
    variant: null,
  };

  it('accepts a self-hosted app only on an origin the person added (port included)', async () => {
    const refused = await handlers().saveAnnotation({ capture, changes: { thumb: 'up' } }, fromOpenWebui);
    expect(refused).toEqual({ ok: false, error: 'message for open-webui from a page that is not open-webui' });

    settings.selfHostedOrigins = ['http://localhost:3001'];
    const otherPort = await handlers().saveAnnotation({ capture, changes: { thumb: 'up' } }, fromOpenWebui);
    expect(otherPort.ok).toBe(false);

    settings.selfHostedOrigins = ['http://localhost:3000'];
    const saved = await handlers().saveAnnotation({ capture, changes: { thumb: 'up' } }, fromOpenWebui);
    expect(saved).toMatchObject({ ok: true, annotation: { thumb: 'up' } });

    // An added origin is not a way to pass as a site with fixed addresses.
    const asChatgpt = await handlers().saveAnnotation(
      { capture: { ...capture, site: 'chatgpt' }, changes: { thumb: 'up' } },
      fromOpenWebui,
    );
    expect(asChatgpt.ok).toBe(false);
  });
});

describe('origins opted in to the generic adapter', () => {
  const page = 'http://localhost:8080/chat/7f3c2a1b-0000-4000-8000-000000000009';
  const fromGeneric: Sender = { id: RUNTIME_ID, url: page, tab: { url: page } };
  const capture = {
    ...variant('m-1', 1, 'Hi.'),
    site: 'generic',
    url: page,
    conversationId: '7f3c2a1b-0000-4000-8000-000000000009',
    variant: null,
  };

  it('accepts the generic site only on an origin opted in for it, not on a self-hosted app’s', async () => {
    settings.selfHostedOrigins = ['http://localhost:8080'];
    const asSelfHosted = await handlers().saveAnnotation({ capture, changes: { thumb: 'up' } }, fromGeneric);
    expect(asSelfHosted).toEqual({ ok: false, error: 'message for generic from a page that is not generic' });
    await expect(handlers().getPageSettings(undefined, fromGeneric)).resolves.toMatchObject({ generic: false });

    settings.selfHostedOrigins = [];
    settings.genericOrigins = ['http://localhost:8080'];
    const saved = await handlers().saveAnnotation({ capture, changes: { thumb: 'up' } }, fromGeneric);
    expect(saved).toMatchObject({ ok: true, annotation: { thumb: 'up' } });
    await expect(handlers().getPageSettings(undefined, fromGeneric)).resolves.toMatchObject({ generic: true });

    // The generic site's origin passes as no other site.
    const asOpenWebui = await handlers().saveAnnotation(
      { capture: { ...capture, site: 'open-webui' }, changes: { thumb: 'up' } },
      fromGeneric,
    );
    expect(asOpenWebui.ok).toBe(false);
  });
});

describe('page settings and health reports', () => {
  it('gives a chat page its rubric and shortcuts, and nobody else', async () => {
    settings.rubric = RUBRIC;
    await expect(handlers().getPageSettings(undefined, fromChatgpt)).resolves.toEqual({
      rubric: RUBRIC,
      shortcuts: DEFAULT_SHORTCUTS,
      generic: false,
    });
    const evil = 'https://evil.example/';
    await expect(
      handlers().getPageSettings(undefined, { id: RUNTIME_ID, url: evil, tab: { url: evil } }),
    ).rejects.toThrow('not a supported chat site');
  });

  it('accepts a health report about the sender’s own site only, checked by its schema', async () => {
    const report = {
      site: 'chatgpt',
      conversationId: 'conv-1',
      turns: 0,
      assistantTurns: 0,
      withControls: 0,
      withoutAnchor: 0,
      streaming: 0,
      problem: { kind: 'no-turns', message: 'ChatGPT: Margin finds no messages on this conversation page.' },
    };
    await expect(handlers().parseHealthReport(report, fromChatgpt)).resolves.toEqual(report);
    await expect(handlers().parseHealthReport({ ...report, site: 'claude' }, fromChatgpt)).rejects.toThrow(
      'not claude',
    );
    await expect(handlers().parseHealthReport({ ...report, turns: -1 }, fromChatgpt)).rejects.toThrow(/turns/);
  });
});

describe('a capture read from a page', () => {
  it('is saved as captured: the reasoning apart from the response, what it could not read in capture.* metadata', async () => {
    const fixture = loadSiteFixtures('claude').find((candidate) => candidate.name === 'thinking');
    if (!fixture) throw new Error('fixture claude/thinking is missing');
    const adapter = siteAdapters.find((candidate) => candidate.id === 'claude');
    if (!adapter) throw new Error('no claude adapter');
    const { document, close } = parseFixture(fixture);
    const url = fixture.expected.url;
    const turn = adapter.turns(document).find((candidate) => candidate.role === 'assistant');
    const capture = turn && captureResponse(adapter, document, url, turn.element);
    await close();
    if (!capture) throw new Error('the fixture gave no capture');

    const fromClaude: Sender = { id: RUNTIME_ID, url, tab: { url } };
    const result = await handlers().saveAnnotation({ capture, changes: { thumb: 'up' } }, fromClaude);
    expect(result).toMatchObject({ ok: true });
    const [stored] = await db.annotations.toArray();
    expect(stored?.schemaVersion).toBe(2);
    expect(stored?.reasoning).toBe(capture.reasoning);
    expect(stored?.reasoning).toMatch(/double the delay/);
    expect(stored?.response).not.toContain('double the delay');
    expect(stored?.response).toContain('[artifact: retry.ts]');
    expect(stored?.metadata).toMatchObject({ 'capture.partial': true, 'capture.artifacts': 1 });
  });
});
