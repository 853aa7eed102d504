import { describe, expect, it } from 'vitest';
import { RubricObservations, rftGrader } from '../../../shared/export/index.ts';
import type { Annotation } from '../../../shared/index.ts';
import { parseJsonl, runExport } from './export-helpers.ts';
import { annotations } from './fixture.ts';

const observe = (...rubrics: Record<string, unknown>[]) => {
  const observed = new RubricObservations();
  for (const rubric of rubrics) observed.observe(JSON.stringify({ messages: [], reference_answer: 'x', rubric }));
  return observed;
};

describe('openai-rft rows and their grader', () => {
  it('carries the rubric answers of the annotation whose answer is the reference', async () => {
    const rated = annotations.map(
      (a): Annotation =>
        a.conversationId === 'c-multi' && a.messageId === 'm2'
          ? { ...a, rubric: { version: 3, answers: { 'exact-answer': false, tone: 'curt', helpful: 2 } } }
          : a,
    );
    const out = await runExport({ format: 'openai-rft' }, rated);
    const rows = parseJsonl(out.train) as { reference_answer: string; rubric: Record<string, unknown> }[];
    const corrected = rows.find((row) => Object.keys(row.rubric).length > 0);
    expect(corrected?.rubric).toEqual({ 'exact-answer': false, tone: 'curt', helpful: 2 });
    expect(corrected?.reference_answer).toBe('Hold the reset pin for 10 seconds until the LED blinks amber.');
    expect(rows.filter((row) => Object.keys(row.rubric).length === 0).length).toBe(rows.length - 1);
  });

  it('is a string_check when every row says the answer must be exact', () => {
    expect(rftGrader(observe({ 'exact-answer': true }, { exact: true, tone: 'ok' }))).toEqual({
      type: 'string_check',
      name: 'margin-exact-answer',
      input: '{{ sample.output_text }}',
      reference: '{{ item.reference_answer }}',
      operation: 'eq',
    });
  });

  it('is a score_model prompted with the rubric questions otherwise', () => {
    const grader = rftGrader(
      observe({ helpful: 4, tone: 'formal', 'exact-match': true }, { helpful: 1, tone: 'curt', accurate: false }, {}),
      'o4-mini-2025-04-16',
    );
    if (grader.type !== 'score_model') throw new Error(`expected score_model, got ${grader.type}`);
    expect(grader.model).toBe('o4-mini-2025-04-16');
    expect(grader.range).toEqual([0, 1]);
    const [system, user] = grader.input;
    expect(system?.content).toContain('- helpful (a number; answers ranged 1–4)');
    expect(system?.content).toContain('- tone (one of: formal, curt)');
    expect(system?.content).toContain('- accurate (yes / no)');
    expect(system?.content).toContain('only an answer that matches the reference exactly scores 1');
    expect(user?.content).toContain('{{ item.reference_answer }}');
    expect(user?.content).toContain('{{ sample.output_text }}');
    expect(user?.content).toContain('{{ item.rubric }}');
  });

  it('grades without criteria when nobody answered a rubric', () => {
    const grader = rftGrader(observe({}, {}));
    expect(grader.type).toBe('score_model');
    expect(JSON.stringify(grader)).not.toContain('rubric questions');
  });
});
