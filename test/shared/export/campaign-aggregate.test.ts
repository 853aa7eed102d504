import { describe, expect, it } from 'vitest';
import { krippendorffAlpha, unitAlphas } from '../../../shared/agreement/index.ts';
import { aggregateAnswers, itemAgreements } from '../../../shared/export/index.ts';
import { type QueueAdjudication, type QueueAnswer, queueCreateSchema } from '../../../shared/index.ts';

const { filter: _filter, ...settings } = queueCreateSchema.parse({
  id: 'unit',
  name: 'Unit',
  questions: {
    score: 'optional',
    correction: 'optional',
    rubric: [
      { id: 'tone', label: 'Tone', kind: 'choice', options: ['ok', 'rude'], required: false },
      { id: 'facts', label: 'Facts', kind: 'number', min: 1, max: 5, required: false },
    ],
  },
});
const queue = { ...settings, createdAt: '2026-12-01T00:00:00.000Z', createdBy: 'lead' };
const ITEM = `qi-${'0'.repeat(28)}`;

function answer(annotator: string, fields: Partial<QueueAnswer>): QueueAnswer {
  return {
    queueId: 'unit',
    itemId: ITEM,
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
    leasedAt: null,
    answeredAt: '2026-12-01T00:00:00.000Z',
    ...fields,
  };
}

describe('aggregateAnswers', () => {
  const answers = [
    answer('ada', { thumb: 'up', score: 90, comment: 'clear', rubric: { tone: 'ok', facts: 5 } }),
    answer('bob', { thumb: 'up', score: 80, correction: 'Better.', rubric: { tone: 'rude', facts: 4 } }),
    answer('cy', { thumb: 'down', score: 30, comment: 'wrong', correction: 'Other.', rubric: { tone: 'ok' } }),
  ];

  it('takes the most frequent thumb and choice, the median or the mean of numbers, and the winning side’s text', () => {
    expect(aggregateAnswers(queue, answers, undefined, 'majority')).toEqual({
      thumb: 'up',
      score: 80,
      comment: 'clear',
      correction: 'Better.',
      rubric: { tone: 'ok', facts: 4.5 },
      preferred: null,
      decidedBy: 'majority',
    });
    expect(aggregateAnswers(queue, answers, undefined, 'mean')).toMatchObject({ score: 67, decidedBy: 'mean' });
  });

  it('gives no line when the thumb or the preference vote ties, and leaves a tied choice out', () => {
    const split = [answer('ada', { thumb: 'up' }), answer('bob', { thumb: 'down' })];
    expect(aggregateAnswers(queue, split, undefined, 'majority')).toEqual({ skip: 'no-majority' });
    const pairs = [answer('ada', { preferred: 'first' }), answer('bob', { preferred: 'tie' })];
    expect(aggregateAnswers(queue, pairs, undefined, 'majority')).toEqual({ skip: 'no-majority' });
    const tone = [
      answer('ada', { thumb: 'up', rubric: { tone: 'ok' } }),
      answer('bob', { thumb: 'up', rubric: { tone: 'rude' } }),
    ];
    expect(aggregateAnswers(queue, tone, undefined, 'majority')).toMatchObject({ rubric: {} });
  });

  it('ties between corrections go to the earliest answer; an adjudication wins under adjudicated only', () => {
    const corrections = [
      answer('ada', { thumb: 'down', correction: 'First fix.' }),
      answer('bob', { thumb: 'down', correction: 'Second  fix.' }),
      answer('cy', { thumb: 'down', correction: 'Second fix.' }),
    ];
    expect(aggregateAnswers(queue, corrections, undefined, 'majority')).toMatchObject({ correction: 'Second  fix.' });
    expect(aggregateAnswers(queue, corrections.slice(0, 2), undefined, 'majority')).toMatchObject({
      correction: 'First fix.',
    });
    const adjudication: QueueAdjudication = {
      queueId: 'unit',
      itemId: ITEM,
      thumb: 'up',
      score: 55,
      comment: 'settled',
      correction: null,
      rubric: {},
      preferred: null,
      adjudicator: 'lead',
      decidedAt: '2026-12-02T00:00:00.000Z',
    };
    expect(aggregateAnswers(queue, corrections, adjudication, 'adjudicated')).toEqual({
      thumb: 'up',
      score: 55,
      comment: 'settled',
      correction: null,
      rubric: {},
      preferred: null,
      decidedBy: 'adjudication',
    });
    expect(aggregateAnswers(queue, corrections, adjudication, 'majority')).toMatchObject({ thumb: 'down' });
    expect(aggregateAnswers(queue, corrections, undefined, 'adjudicated')).toMatchObject({ decidedBy: 'majority' });
  });
});

describe('item agreement', () => {
  it('is each unit’s share of α: the m-weighted mean of the unit alphas is α', () => {
    const units = [[1, 2, 2], [3, 3], [4, 1, 2, 5], [2], [5, 5, 4]];
    const alphas = unitAlphas(units, { level: 'interval' });
    expect(alphas[3]).toBeNull();
    let weighted = 0;
    let values = 0;
    units.forEach((unit, at) => {
      if (unit.length < 2) return;
      weighted += unit.length * (alphas[at] ?? Number.NaN);
      values += unit.length;
    });
    expect(weighted / values).toBeCloseTo(krippendorffAlpha(units, { level: 'interval' }).alpha ?? Number.NaN, 12);
    expect(unitAlphas([['a', 'a'], ['a']], { level: 'nominal' })).toEqual([1, null]);
  });

  it('takes the lowest question of an item, floored at −1, and null under two answers', () => {
    const item = (id: string) => `qi-${id.repeat(28)}`;
    const done = new Map([
      [item('1'), [answer('ada', { thumb: 'up' }), answer('bob', { thumb: 'up' }), answer('cy', { thumb: 'down' })]],
      [item('2'), [answer('ada', { thumb: 'up' }), answer('bob', { thumb: 'up' }), answer('cy', { thumb: 'up' })]],
      [item('3'), [answer('ada', { thumb: 'up' }), answer('bob', { thumb: 'down' })]],
      [item('4'), [answer('ada', { thumb: 'down' }), answer('bob', { thumb: 'down' }), answer('cy', { thumb: 'up' })]],
      [item('5'), [answer('ada', { thumb: 'up', score: 10 })]],
    ]);
    // 7 ups and 4 downs among the pairable values: D_e = 2·7·4 / (11·10).
    const expected = (2 * 7 * 4) / 110;
    const agreements = itemAgreements(queue, done);
    expect(agreements.get(item('1'))).toBeCloseTo(1 - 2 / 3 / expected, 12);
    expect(agreements.get(item('2'))).toBe(1);
    expect(agreements.get(item('3'))).toBeCloseTo(1 - 1 / expected, 12);
    expect(agreements.get(item('5'))).toBeNull();
    // A score on item 1 that disagrees more than its thumbs lowers its agreement; agreeing scores do not raise it.
    const scored = new Map(done);
    scored.set(item('1'), [
      answer('ada', { thumb: 'up', score: 0 }),
      answer('bob', { thumb: 'up', score: 100 }),
      answer('cy', { thumb: 'down', score: 50 }),
    ]);
    scored.set(item('2'), [answer('ada', { thumb: 'up', score: 50 }), answer('bob', { thumb: 'up', score: 50 })]);
    const lowered = itemAgreements(queue, scored);
    expect(lowered.get(item('1'))).toBe(-1);
    expect(lowered.get(item('2'))).toBe(1);
  });
});
