import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { annotationSchema, comparisonSchema, itemSchema } from '../../shared/index.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { type HistoryStore, historyFixture, openHistoryStore } from './support/history-store.ts';

// `UPDATE_EXPECTED=1 npx vitest run test/companion/history-import-fixtures.test.ts` rewrites the
// expected files from what the importer does now; review the diff before committing it.
const update = process.env.UPDATE_EXPECTED === '1';

/** Each fixture export, and the file holding what importing it must store (ZIPs share their folder's). */
const FIXTURES: Array<{ name: string; file: string[]; expected: string[] }> = [
  {
    name: 'ChatGPT, one conversations.json',
    file: ['chatgpt', 'single'],
    expected: ['chatgpt', 'expected', 'single.json'],
  },
  {
    name: 'ChatGPT, the ZIP as delivered',
    file: ['chatgpt', 'export.zip'],
    expected: ['chatgpt', 'expected', 'single.json'],
  },
  {
    name: 'ChatGPT, the 2026 sharded layout',
    file: ['chatgpt', 'sharded'],
    expected: ['chatgpt', 'expected', 'sharded.json'],
  },
  {
    name: 'ChatGPT, an unknown content type',
    file: ['chatgpt', 'malformed', 'unknown-content-type'],
    expected: ['chatgpt', 'expected', 'unknown-content-type.json'],
  },
  {
    name: 'Claude, conversations.json',
    file: ['claude', 'conversations.json'],
    expected: ['claude', 'expected', 'export.json'],
  },
  {
    name: 'Claude, the ZIP as delivered',
    file: ['claude', 'export.zip'],
    expected: ['claude', 'expected', 'export.json'],
  },
  {
    name: 'Gemini, My Activity.json',
    file: ['gemini', 'My Activity.json'],
    expected: ['gemini', 'expected', 'takeout.json'],
  },
  {
    name: 'Gemini, the Takeout ZIP',
    file: ['gemini', 'takeout.zip'],
    expected: ['gemini', 'expected', 'takeout.json'],
  },
  {
    name: 'Open WebUI, every chat exported',
    file: ['open-webui', 'chat-export.json'],
    expected: ['open-webui', 'expected', 'chat-export.json'],
  },
  {
    name: 'Open WebUI, one chat exported',
    file: ['open-webui', 'chat-export-single.json'],
    expected: ['open-webui', 'expected', 'chat-export-single.json'],
  },
  {
    name: 'LibreChat, a flat export',
    file: ['librechat', 'flat.json'],
    expected: ['librechat', 'expected', 'flat.json'],
  },
  {
    name: 'LibreChat, a recursive export',
    file: ['librechat', 'tree.json'],
    expected: ['librechat', 'expected', 'tree.json'],
  },
];

describe.each(STORE_KINDS)('importing each fixture export (%s)', (kind) => {
  let history: HistoryStore;
  beforeEach(async () => {
    history = await openHistoryStore(kind);
  });
  afterEach(() => history.close());

  it.each(FIXTURES)('$name: stores exactly the expected items, annotations and comparisons', async (fixture) => {
    const { summary } = await history.import({ file: historyFixture(...fixture.file) });
    const actual = {
      summary: { ...summary, files: summary.files.map((name) => name.split('/').at(-1)) },
      items: await history.allItems(),
      annotations: await history.allAnnotations(),
      comparisons: await history.allComparisons(),
    };
    for (const item of actual.items) expect(itemSchema.safeParse(item).success).toBe(true);
    for (const annotation of actual.annotations) expect(annotationSchema.safeParse(annotation).success).toBe(true);
    for (const comparison of actual.comparisons) expect(comparisonSchema.safeParse(comparison).success).toBe(true);
    const path = historyFixture(...fixture.expected);
    // One expected file for both stores: PostgreSQL must give back exactly what SQLite does.
    if (update && kind === 'sqlite') {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(actual, null, 2)}\n`);
    }
    expect(existsSync(path), `${path} is missing: run with UPDATE_EXPECTED=1 and review it`).toBe(true);
    expect(actual).toEqual(JSON.parse(readFileSync(path, 'utf8')));
  });
});
