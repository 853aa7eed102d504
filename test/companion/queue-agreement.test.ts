import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementFromQueue } from '../../companion/src/agreement/agreement-from-queue.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import {
  type AgreementReport,
  agreementOptionsSchema,
  agreementReportSchema,
  type Queue,
  type QueueAnswer,
  queueCreateSchema,
  queueItemIdFor,
} from '../../shared/index.ts';
import { repoRoot } from '../support/paths.ts';
import { openTestStores, STORE_KINDS, type TestDatabase } from '../support/stores.ts';

/** Krippendorff (2011)'s reliability data: observers A–D, twelve units, blanks as null. */
const MATRIX: Record<string, (number | null)[]> = {
  A: [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  B: [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  C: [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  D: [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
};
const WORDS = ['one', 'two', 'three', 'four', 'five'];
const NOW = '2026-12-01T10:00:00.000Z';

function queueOf(id: string, settings: Record<string, unknown>): Queue {
  const { filter: _filter, ...queue } = queueCreateSchema.parse({ id, name: id, overlap: 4, ...settings });
  return { ...queue, createdAt: NOW, createdBy: 'lead' };
}

function answer(
  queue: Queue,
  unit: number,
  annotator: string,
  fields: Partial<QueueAnswer>,
): Omit<QueueAnswer, 'leasedAt'> {
  return {
    queueId: queue.id,
    itemId: queueItemIdFor(queue.id, `unit-${unit}`),
    annotator,
    status: 'done',
    thumb: null,
    score: null,
    comment: '',
    correction: null,
    rubric: {},
    preference: null,
    shownOrder: null,
    preferred: null,
    reason: null,
    answeredAt: NOW,
    ...fields,
  };
}

async function fill(stores: Stores, queue: Queue, units: number) {
  expect(await stores.queues.create(queue)).toBe(true);
  await stores.queues.addItems(
    queue,
    Array.from({ length: units }, (_, unit) => ({
      id: queueItemIdFor(queue.id, `unit-${unit}`),
      queueId: queue.id,
      key: `unit-${unit}`,
      origin: 'api' as const,
      messages: [],
      response: queue.kind === 'single' ? `Response ${unit}` : null,
      responses:
        queue.kind === 'pairwise'
          ? [
              { text: 'a', model: null },
              { text: 'b', model: null },
            ]
          : null,
      model: null,
      url: null,
      metadata: {},
      createdAt: NOW,
    })),
  );
}

const figure = (report: AgreementReport, id: string) => report.questions.find((q) => q.id === id)?.figures[0];

describe.each(STORE_KINDS)('agreement within a queue (%s)', (kind) => {
  let stores: Stores;
  let database: TestDatabase;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    ({ stores, database, remove } = await openTestStores(kind, 'queue-agreement'));
  }, 120_000);
  afterAll(async () => remove?.());

  it('gives the published α for each question at the level the queue declares', async () => {
    const queue = queueOf('krippendorff', {
      questions: {
        thumb: 'off',
        score: 'optional',
        rubric: [
          { id: 'quality', label: 'Quality', kind: 'number', min: 1, max: 5, required: false },
          { id: 'grade', label: 'Grade', kind: 'choice', options: WORDS, required: false },
          { id: 'why', label: 'Why', kind: 'text', required: false },
        ],
      },
    });
    await fill(stores, queue, 12);
    for (const [annotator, row] of Object.entries(MATRIX))
      for (const [unit, value] of row.entries()) {
        if (value === null) continue;
        const fields = {
          score: value * 20,
          rubric: { quality: value, grade: WORDS[value - 1] as string, why: `${value}` },
        };
        expect((await stores.queues.record(queue, answer(queue, unit, annotator, fields), new Date(NOW))).ok).toBe(
          true,
        );
      }
    // A skip is not an answer.
    await stores.queues.record(queue, answer(queue, 11, 'A', { status: 'skipped', reason: 'unsure' }), new Date(NOW));
    const options = agreementOptionsSchema.parse({ queue: queue.id, resamples: '0' });
    const report = await agreementFromQueue(queue, await stores.queues.answers(queue.id), options);
    expect(report.questions.map((q) => q.id)).toEqual(['score', 'rubric:grade', 'rubric:quality']);
    expect(figure(report, 'score')?.alpha?.toFixed(3)).toBe('0.849');
    expect(figure(report, 'rubric:quality')?.alpha?.toFixed(3)).toBe('0.849');
    expect(figure(report, 'rubric:grade')?.alpha?.toFixed(3)).toBe('0.743');
    const ordinal = await agreementFromQueue(
      queue,
      await stores.queues.answers(queue.id),
      agreementOptionsSchema.parse({ queue: queue.id, resamples: '0', level: `grade=ordinal:${WORDS.join('<')}` }),
    );
    expect(figure(ordinal, 'rubric:grade')?.alpha?.toFixed(3)).toBe('0.815');

    if (kind === 'sqlite') {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          join(repoRoot, 'bin', 'margin.js'),
          'agreement',
          '--database',
          database.option,
          '--queue',
          queue.id,
          '--resamples',
          '0',
          '--json',
        ],
        { cwd: repoRoot },
      );
      expect(agreementReportSchema.parse(JSON.parse(stdout))).toEqual(report);
    }
  }, 120_000);

  it('compares pairwise preferences by response, whichever side each annotator was shown it on', async () => {
    const queue = queueOf('pairs', { kind: 'pairwise', overlap: 2 });
    await fill(stores, queue, 4);
    for (let unit = 0; unit < 4; unit++) {
      const preferred = unit % 2 === 0 ? 'first' : 'second';
      // ada saw the item's responses in order, bob reversed: the same choice is A for one and B for the other.
      await stores.queues.record(
        queue,
        answer(queue, unit, 'ada', { preference: preferred === 'first' ? 'A' : 'B', shownOrder: [0, 1], preferred }),
        new Date(NOW),
      );
      await stores.queues.record(
        queue,
        answer(queue, unit, 'bob', { preference: preferred === 'first' ? 'B' : 'A', shownOrder: [1, 0], preferred }),
        new Date(NOW),
      );
    }
    const report = await agreementFromQueue(
      queue,
      await stores.queues.answers(queue.id),
      agreementOptionsSchema.parse({ queue: queue.id, resamples: '0' }),
    );
    expect(figure(report, 'rubric:preference')).toMatchObject({ alpha: 1, percentAgreement: 1 });
  });
});
