import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importHistory } from '../../companion/src/import-history/run-import.ts';
import { QueueService } from '../../companion/src/queues/queue-service.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import {
  type Item,
  type QueueCreateInput,
  queueCreateSchema,
  queueFilterSchema,
  queueItemIdFor,
} from '../../shared/index.ts';
import { collect } from '../support/collect.ts';
import { repoRoot } from '../support/paths.ts';
import { openTestStores, STORE_KINDS, type TestDatabase } from '../support/stores.ts';
import { historyFixture, IMPORT_CLOCK } from './support/history-store.ts';

const run = promisify(execFile);
const margin = async (args: string[]) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repoRoot, 'bin', 'margin.js'), ...args], {
      cwd: repoRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

const byAge = (a: Item, b: Item) =>
  a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : Date.parse(a.createdAt) - Date.parse(b.createdAt);

describe.each(STORE_KINDS)('filling a queue from unrated imported items (%s)', (kind) => {
  let stores: Stores;
  let database: TestDatabase;
  let remove: () => Promise<void>;
  let service: QueueService;
  /** The imported items nobody has rated, oldest first, and every imported item. */
  let unrated: Item[];
  let all: Item[];
  let serial = 0;

  beforeAll(async () => {
    ({ stores, database, remove } = await openTestStores(kind, 'queue-fill'));
    await importHistory(
      { store: stores.sync, items: stores.items, clock: IMPORT_CLOCK },
      { source: 'auto', file: historyFixture('chatgpt', 'export.zip') },
    );
    service = new QueueService({ queues: stores.queues, annotations: stores.sync, items: stores.items });
    all = (await collect(stores.items.iterateItems())).sort(byAge);
    const rated = new Set(
      (await collect(stores.sync.iterateAnnotations())).filter((a) => a.deletedAt === null).map((a) => a.key),
    );
    unrated = all.filter((item) => !rated.has(item.key));
  }, 120_000);
  afterAll(async () => remove?.());

  const create = (filter: QueueCreateInput['filter']) => {
    serial += 1;
    return service.create(queueCreateSchema.parse({ id: `fill-${serial}`, name: 'Fill', filter }), 'lead');
  };

  it('reads the item store a page at a time, oldest first, whatever the page size', async () => {
    // The export holds 12 responses, some of them rated in ChatGPT: both kinds must be present.
    expect(all).toHaveLength(12);
    expect(unrated.length).toBeGreaterThan(0);
    expect(unrated.length).toBeLessThan(all.length);
    for (const pageSize of [1, 5, 12, 500]) {
      expect((await collect(stores.items.iterateItems({ pageSize }))).map((item) => item.id)).toEqual(
        all.map((item) => item.id),
      );
    }
    const scanned = await collect(stores.items.iterateItems({ unrated: true, sources: ['import'], pageSize: 2 }));
    expect(scanned.map((item) => item.id)).toEqual(unrated.map((item) => item.id));
    expect(await collect(stores.items.iterateItems({ sources: ['log'] }))).toEqual([]);
  });

  it('puts one item per unrated imported response in the queue, with its conversation, and adds nothing twice', async () => {
    const created = await create({ from: 'unrated', source: ['import'] });
    expect(created).toMatchObject({ added: unrated.length, matched: unrated.length });
    const items = await collect(stores.queues.iterateItems(created.queue.id));
    expect(items.map((item) => item.key).sort()).toEqual(unrated.map((item) => item.key).sort());
    for (const item of unrated) {
      const queued = items.find((candidate) => candidate.key === item.key);
      expect(queued).toMatchObject({
        id: queueItemIdFor(created.queue.id, item.key),
        messages: item.context,
        response: item.response,
        responses: null,
        model: item.model,
      });
      expect(item.context.length).toBeGreaterThan(0);
      expect(item.context.at(-1)?.role).toBe('user');
    }
    const again = await service.fill(created.queue, queueFilterSchema.parse({ from: 'unrated' }));
    expect(again).toEqual({ added: 0, matched: unrated.length });
    // The rated responses come from the annotations; a response already queued is not added again.
    const rated = await service.fill(created.queue, queueFilterSchema.parse({ source: ['import'] }));
    expect(rated.added).toBe(all.length - unrated.length);
    expect(await collect(stores.queues.iterateItems(created.queue.id))).toHaveLength(all.length);
  });

  it('honours the limit, site, model and since/until', async () => {
    const limited = await create({ from: 'unrated', limit: 2 });
    expect(limited).toMatchObject({ added: 2, matched: unrated.length });
    expect((await collect(stores.queues.iterateItems(limited.queue.id))).map((item) => item.key).sort()).toEqual(
      unrated
        .slice(0, 2)
        .map((item) => item.key)
        .sort(),
    );
    expect(await create({ from: 'unrated', site: ['claude'] })).toMatchObject({ added: 0, matched: 0 });
    expect(await create({ from: 'unrated', site: ['chatgpt'] })).toMatchObject({ added: unrated.length });
    const model = unrated.find((item) => item.model !== null)?.model;
    expect(model).toBeTruthy();
    const ofModel = unrated.filter((item) => item.model === model).length;
    expect(await create({ from: 'unrated', model: [model as string] })).toMatchObject({ added: ofModel });
    const newest = unrated.at(-1) as Item;
    const oldest = unrated[0] as Item;
    const since = await create({ from: 'unrated', since: newest.createdAt });
    expect(since.added).toBe(unrated.filter((item) => item.createdAt >= newest.createdAt).length);
    const until = await create({ from: 'unrated', until: newest.createdAt });
    expect(until.added).toBe(unrated.filter((item) => item.createdAt < newest.createdAt).length);
    expect(until.added + since.added).toBe(unrated.length);
    expect(oldest.createdAt < newest.createdAt).toBe(true);
  });

  it('refuses filters an unrated item cannot pass, naming each', () => {
    const parsed = queueCreateSchema.safeParse({
      id: 'bad',
      name: 'Bad',
      filter: { from: 'unrated', annotator: ['ana'], tag: ['x'], source: ['review'] },
    });
    expect(parsed.success).toBe(false);
    const issues = parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message]);
    expect(issues).toEqual([
      ['filter.source', expect.stringContaining('pipeline review')],
      ['filter.annotator', expect.stringContaining('an unrated item has none')],
      ['filter.tag', expect.stringContaining('an unrated item has none')],
    ]);
    expect(queueCreateSchema.safeParse({ id: 'bad', name: 'Bad', filter: { from: 'rated' } }).success).toBe(false);
  });

  it('margin queue create --from unrated fills it, and names a bad combination by its flag', async () => {
    const made = await margin(['queue', 'create', 'cli-unrated', '--database', database.option, '--from', 'unrated']);
    expect(made.stderr).toBe('');
    expect(made.stdout).toBe(
      `Created queue "cli-unrated" with ${unrated.length} items (${unrated.length} matching unrated responses).\n`,
    );
    const bad = await margin([
      'queue',
      'create',
      'cli-bad',
      '--database',
      database.option,
      '--from',
      'unrated',
      '--annotator',
      'ana',
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--annotator: annotator reads ratings, and an unrated item has none');
  });
});
