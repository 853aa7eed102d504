import { describe, expect, it } from 'vitest';
import {
  answerBody,
  commandForKey,
  draftIssues,
  EMPTY_DRAFT,
  leaseLeft,
} from '../../companion/dashboard/src/queue-answer.ts';
import { EMPTY_QUEUE_FORM, formField, queueBody, slugFor } from '../../companion/dashboard/src/queue-settings.ts';
import type { Queue } from '../../shared/queue.ts';

const single: Pick<Queue, 'kind' | 'questions'> = {
  kind: 'single',
  questions: { thumb: 'required', score: 'optional', comment: 'optional', correction: 'optional', rubric: [] },
};
const pairwise: Pick<Queue, 'kind' | 'questions'> = {
  kind: 'pairwise',
  questions: { thumb: 'off', score: 'off', comment: 'optional', correction: 'off', rubric: [] },
};

describe("the queue view's keys (the extension's keys)", () => {
  it('maps thumbs, the 1–5 scores to 0–100, comment, correction, skip, help and Enter', () => {
    expect(commandForKey('+', 'single')).toEqual({ type: 'set', change: { thumb: 'up' } });
    expect(commandForKey('-', 'single')).toEqual({ type: 'set', change: { thumb: 'down' } });
    expect(['1', '2', '3', '4', '5'].map((key) => commandForKey(key, 'single'))).toEqual(
      [0, 25, 50, 75, 100].map((score) => ({ type: 'set', change: { score } })),
    );
    expect(commandForKey('c', 'single')).toEqual({ type: 'focus', field: 'comment' });
    expect(commandForKey('w', 'single')).toEqual({ type: 'focus', field: 'correction' });
    expect(commandForKey('j', 'single')).toEqual({ type: 'skip' });
    expect(commandForKey('?', 'single')).toEqual({ type: 'help' });
    expect(commandForKey('Enter', 'pairwise')).toEqual({ type: 'submit' });
    expect(commandForKey('x', 'single')).toBeNull();
  });

  it('answers A, B and tie only in a pairwise queue, and thumbs, scores and corrections only in a single one', () => {
    expect(commandForKey('a', 'pairwise')).toEqual({ type: 'set', change: { preference: 'A' } });
    expect(commandForKey('b', 'pairwise')).toEqual({ type: 'set', change: { preference: 'B' } });
    expect(commandForKey('e', 'pairwise')).toEqual({ type: 'set', change: { preference: 'tie' } });
    expect(commandForKey('a', 'single')).toBeNull();
    expect(commandForKey('+', 'pairwise')).toBeNull();
    expect(commandForKey('3', 'pairwise')).toBeNull();
    expect(commandForKey('w', 'pairwise')).toBeNull();
    expect(commandForKey('c', 'pairwise')).toEqual({ type: 'focus', field: 'comment' });
  });
});

describe('the answer sent', () => {
  it('leaves out an empty correction, trims the comment and drops cleared rubric answers', () => {
    expect(
      answerBody({ ...EMPTY_DRAFT, thumb: 'up', comment: '  fine ', correction: '  ', rubric: { tone: '', n: 3 } }),
    ).toEqual({ ...EMPTY_DRAFT, thumb: 'up', comment: 'fine', correction: null, rubric: { n: 3 } });
  });

  it("checks the queue's own rules before sending, by field", () => {
    expect(draftIssues(single, EMPTY_DRAFT)).toEqual({ thumb: 'a thumb (up or down) is required in this queue' });
    expect(draftIssues(single, { ...EMPTY_DRAFT, thumb: 'down' })).toEqual({});
    expect(Object.keys(draftIssues(pairwise, EMPTY_DRAFT))).toEqual(['preference']);
    expect(draftIssues(pairwise, { ...EMPTY_DRAFT, preference: 'tie' })).toEqual({});
  });

  it("words a lease's time left", () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(leaseLeft('2026-12-01T10:00:42Z', now)).toBe('42 s');
    expect(leaseLeft('2026-12-01T10:14:05Z', now)).toBe('14 min 5 s');
    expect(leaseLeft('2026-12-01T12:30:00Z', now)).toBe('2 h 30 min');
    expect(leaseLeft('2026-12-01T09:59:59Z', now)).toBe('expired');
    // Not expired while any of the hold is left (the server still counts it), and expired at its end.
    expect(leaseLeft('2026-12-01T10:00:00.400Z', now)).toBe('1 s');
    expect(leaseLeft('2026-12-01T10:00:00Z', now)).toBe('expired');
  });
});

describe('the queue form', () => {
  it('suggests an id from the name', () => {
    expect(slugFor("Last week's logs!")).toBe('last-weeks-logs');
  });

  it('turns the form into the route body: minutes to seconds, names split, a filter when filling', () => {
    const result = queueBody({
      ...EMPTY_QUEUE_FORM,
      id: 'week-48',
      name: 'Week 48',
      names: 'ada, grace  linus',
      leaseMinutes: '2.5',
      tag: 'campaign',
      limit: '50',
    });
    expect(result).toEqual({
      ok: true,
      body: expect.objectContaining({
        id: 'week-48',
        overlap: 2,
        leaseSeconds: 150,
        assignees: { names: ['ada', 'grace', 'linus'], roles: ['admin', 'annotator'] },
        filter: expect.objectContaining({ tag: 'campaign', limit: 50 }),
      }),
    });
  });

  it('says what is wrong under each field, in the schema’s words', () => {
    const result = queueBody({
      ...EMPTY_QUEUE_FORM,
      id: 'Bad Id',
      name: ' ',
      overlap: '0',
      leaseMinutes: '0.1',
      rubric: '[',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.id).toMatch(/lowercase slug/);
    expect(result.errors.name).toBe('give the queue a name');
    expect(result.errors.overlap).toBe('must be 1 or more');
    expect(result.errors.leaseMinutes).toBe('at least 10 seconds');
    expect(result.errors.rubric).toMatch(/^not JSON/);
  });

  it('turns off what a pairwise queue does not ask, whatever the form says', () => {
    const result = queueBody({ ...EMPTY_QUEUE_FORM, id: 'ab', name: 'AB', kind: 'pairwise', fill: false });
    expect(result.ok && result.body.questions).toMatchObject({ thumb: 'off', score: 'off', correction: 'off' });
    expect(result.ok && 'filter' in result.body).toBe(false);
  });

  it('files schema paths under form fields', () => {
    expect(formField(['questions', 'rubric', '0', 'label'])).toBe('rubric');
    expect(formField(['leaseSeconds'])).toBe('leaseMinutes');
    expect(formField(['assignees', 'names', '1'])).toBe('names');
    expect(formField(['filter', 'since'])).toBe('since');
  });
});
