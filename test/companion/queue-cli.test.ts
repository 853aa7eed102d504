import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Queue, queueItemIdFor } from '../../shared/index.ts';
import { repoRoot } from '../support/paths.ts';
import { createDatabase, type TestDatabase } from '../support/stores.ts';

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

describe('margin queue', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createDatabase('sqlite', 'queue-cli');
  });
  afterAll(async () => database?.remove());

  it('names each bad flag, creates a queue from a filter, and shows its progress', async () => {
    const bad = await margin([
      'queue',
      'create',
      'Weekly Logs',
      '--database',
      database.option,
      '--overlap',
      '0',
      '--thumb',
      'maybe',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('<id>: must be a lowercase slug');
    expect(bad.stderr).toContain('--overlap: must be 1 or more');
    expect(bad.stderr).toContain('--thumb: must be "off", "optional" or "required"');

    const created = await margin([
      'queue',
      'create',
      'weekly',
      '--database',
      database.option,
      '--overlap',
      '2',
      '--fill',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ queue: { id: 'weekly', overlap: 2, blind: true }, added: 0 });

    const shown = await margin(['queue', 'progress', 'weekly', '--database', database.option]);
    expect(shown.stdout).toContain('0/0 items complete; 0/0 answers');
    const missing = await margin(['queue', 'show', 'nope', '--database', database.option]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('There is no queue "nope"') });
  }, 120_000);

  it('lists disagreements with each annotator’s answer, as text and as JSON', async () => {
    const created = await margin([
      'queue',
      'create',
      'disputed',
      '--database',
      database.option,
      '--overlap',
      '2',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const queue = JSON.parse(created.stdout).queue as Queue;
    const stores = await database.open();
    try {
      const items = ['calm', 'split'].map((key) => ({
        id: queueItemIdFor(queue.id, key),
        queueId: queue.id,
        key,
        origin: 'api' as const,
        messages: [],
        response: `Response ${key}`,
        responses: null,
        model: null,
        url: null,
        metadata: {},
        createdAt: queue.createdAt,
      }));
      await stores.queues.addItems(queue, items);
      const thumbs = { calm: ['up', 'up'], split: ['up', 'down'] } as const;
      for (const item of items)
        for (const [index, annotator] of ['ada', 'bob'].entries())
          await stores.queues.record(
            queue,
            {
              queueId: queue.id,
              itemId: item.id,
              annotator,
              status: 'done',
              thumb: thumbs[item.key as 'calm' | 'split'][index] ?? null,
              score: null,
              comment: annotator === 'bob' ? 'too blunt' : '',
              correction: null,
              rubric: {},
              preference: null,
              shownOrder: null,
              preferred: null,
              reason: null,
              answeredAt: `2026-12-01T10:00:0${index}.000Z`,
            },
            new Date('2026-12-01T10:00:00.000Z'),
          );
    } finally {
      await stores.close();
    }
    const text = await margin(['queue', 'disagreements', 'disputed', '--database', database.option]);
    expect(text.code, text.stderr).toBe(0);
    const split = queueItemIdFor('disputed', 'split');
    expect(text.stdout).toBe(
      [
        '1 of 2 items with two or more answers disagree (threshold 20 points).',
        '',
        `${split} (#2, split): no final answer yet`,
        '  thumb: up, down',
        '    ada: thumb up',
        '    bob: thumb down, “too blunt”',
        '',
      ].join('\n'),
    );
    const json = await margin(['queue', 'disagreements', 'disputed', '--database', database.option, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ compared: 2, items: [{ item: { id: split } }] });
    const bad = await margin(['queue', 'disagreements', 'disputed', '--database', database.option, '--threshold', 'x']);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('--threshold: must be a number') });
  }, 120_000);
});
