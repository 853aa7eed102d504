import { describe, expect, it } from 'vitest';
import { missingMessage, missingRequired } from '../../extension/src/annotate/rubric-gate.ts';

const rubric = {
  version: 2,
  questions: [
    { id: 'hallucination', label: 'Hallucination?', kind: 'yes-no' as const, required: true },
    { id: 'note', label: 'Note', kind: 'text' as const, required: false },
  ],
};

describe('required rubric questions hold a rating back', () => {
  it('lists the required questions an annotation leaves unanswered', () => {
    expect(missingRequired(rubric, null).map((question) => question.id)).toEqual(['hallucination']);
    expect(missingRequired(rubric, { version: 2, answers: { note: 'x' } }).map((question) => question.id)).toEqual([
      'hallucination',
    ]);
    expect(missingRequired(rubric, { version: 2, answers: { hallucination: false } })).toEqual([]);
  });

  it('does not count answers given to an older version of the rubric', () => {
    expect(missingRequired(rubric, { version: 1, answers: { hallucination: true } })).toHaveLength(1);
  });

  it('holds nothing without a rubric or without required questions', () => {
    expect(missingRequired(null, null)).toEqual([]);
    expect(missingRequired({ version: 1, questions: [rubric.questions[1] as never] }, null)).toEqual([]);
  });

  it('says what is missing', () => {
    expect(missingMessage(missingRequired(rubric, null))).toBe(
      'Not saved yet: the rubric requires "Hallucination?". Answer, then save.',
    );
  });
});
