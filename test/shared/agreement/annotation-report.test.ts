import { describe, expect, it } from 'vitest';
import {
  agreementOptionsSchema,
  agreementReport,
  parseLevelDeclaration,
  type RatedResponse,
  type Rating,
} from '../../../shared/agreement/index.ts';

const rating = (annotator: string, overrides: Partial<Rating> = {}): Rating => ({
  annotator,
  thumb: null,
  score: null,
  tags: [],
  rubric: {},
  ...overrides,
});
const options = agreementOptionsSchema.parse({ resamples: 0 });

describe('the agreement report over ratings', () => {
  it('asks every tag of every annotator of a response: not tagging is "does not apply"', () => {
    const rated: RatedResponse[] = [
      { key: 'r1', ratings: [rating('ada', { tags: ['wrong'] }), rating('bo', { tags: ['wrong'] })] },
      { key: 'r2', ratings: [rating('ada', { tags: ['wrong', 'long'] }), rating('bo')] },
      { key: 'r3', ratings: [rating('ada'), rating('bo')] },
    ];
    const report = agreementReport(rated, options, 6);
    expect(report.questions.map((q) => q.id)).toEqual(['tag:long', 'tag:wrong']);
    const wrong = report.questions[1]?.figures[0];
    // r1 agree (present), r2 disagree, r3 agree (absent): 2 of 3 units.
    expect(wrong).toMatchObject({ units: 3, annotators: 2, values: 6 });
    expect(wrong?.percentAgreement).toBeCloseTo(2 / 3, 12);
  });

  it('leaves unanswered questions missing, and a response answered once pairs with nothing', () => {
    const rated: RatedResponse[] = [
      { key: 'r1', ratings: [rating('ada', { thumb: 'up', score: 90 }), rating('bo', { thumb: 'up' })] },
      { key: 'r2', ratings: [rating('ada', { thumb: 'down', score: 10 }), rating('bo', { thumb: 'down' })] },
    ];
    const report = agreementReport(rated, options, 4);
    const [thumb, score] = report.questions;
    expect(thumb?.figures[0]).toMatchObject({ units: 2, alpha: 1, fleissKappa: 1, percentAgreement: 1 });
    expect(score?.figures[0]).toMatchObject({
      units: 0,
      alpha: null,
      note: 'fewer than two annotators answered this question on the same response',
    });
  });

  it('reads rubric numbers as interval and words or yes/no as nominal unless declared', () => {
    const rated: RatedResponse[] = [
      {
        key: 'r1',
        ratings: [
          rating('a', { rubric: { n: 1, w: 'x', b: true } }),
          rating('b', { rubric: { n: 2, w: 'x', b: false } }),
        ],
      },
      {
        key: 'r2',
        ratings: [
          rating('a', { rubric: { n: 3, w: 'y', b: true } }),
          rating('b', { rubric: { n: 3, w: 'y', b: true } }),
        ],
      },
    ];
    const levels = (report: ReturnType<typeof agreementReport>) =>
      Object.fromEntries(report.questions.map((q) => [q.id, q.level]));
    expect(levels(agreementReport(rated, options, 4))).toEqual({
      'rubric:b': 'nominal',
      'rubric:n': 'interval',
      'rubric:w': 'nominal',
    });
    const declared = agreementOptionsSchema.parse({ resamples: 0, level: 'n=ordinal,w=ordinal:y<x' });
    expect(levels(agreementReport(rated, declared, 4))).toMatchObject({ 'rubric:n': 'ordinal', 'rubric:w': 'ordinal' });
  });

  it('warns about models and declarations that match nothing', () => {
    const rated: RatedResponse[] = [
      { key: 'r1', ratings: [rating('a', { thumb: 'up' }), rating('b', { thumb: 'up' })] },
    ];
    const report = agreementReport(rated, agreementOptionsSchema.parse({ models: 'gpt', level: 'depth=ordinal' }), 2);
    expect(report.warnings).toEqual([
      '--models names "gpt", who has no annotation among those read',
      'a level is declared for "rubric:depth", which no shared response answers',
    ]);
  });

  it('parses level declarations and refuses what is not one', () => {
    expect(parseLevelDeclaration('score=ratio')).toEqual({ question: 'score', level: 'ratio' });
    expect(parseLevelDeclaration('tag:long=nominal')).toEqual({ question: 'tag:long', level: 'nominal' });
    expect(parseLevelDeclaration('tone=ordinal:cold<neutral<warm')).toEqual({
      question: 'rubric:tone',
      level: 'ordinal',
      order: ['cold', 'neutral', 'warm'],
    });
    expect(parseLevelDeclaration('tone=nominal:a<b')).toMatch(/only the ordinal level takes an order/);
    expect(parseLevelDeclaration('tone=ordinal:a<<b')).toMatch(/distinct categories/);
    expect(parseLevelDeclaration('tone')).toMatch(/is not QUESTION=LEVEL/);
  });

  it('takes the export filters and a queue id', () => {
    expect(agreementOptionsSchema.parse({}).source).toEqual(['capture', 'review', 'api', 'import']);
    expect(agreementOptionsSchema.parse({ source: 'review' }).source).toEqual(['review']);
    expect(agreementOptionsSchema.parse({ queue: 'q1' }).queue).toBe('q1');
    const queue = agreementOptionsSchema.safeParse({ queue: 'Not A Slug' });
    expect(queue.error?.issues[0]).toMatchObject({
      path: ['queue'],
      message: expect.stringContaining('lowercase slug'),
    });
    expect(agreementOptionsSchema.safeParse({ since: '2026-12-01', until: '2026-11-01' }).success).toBe(false);
    expect(agreementOptionsSchema.safeParse({ resamples: '-1' }).success).toBe(false);
    expect(agreementOptionsSchema.safeParse({ sit: 'chatgpt' }).success).toBe(false);
  });
});
