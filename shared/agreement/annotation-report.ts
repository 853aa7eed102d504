import { type QuestionTable, questionTables, type RatedResponse } from './annotation-questions.ts';
import { type AgreementOptions, declaredLevels } from './options.ts';
import { type AgreementReport, type QuestionAgreement, questionAgreement } from './report.ts';

/**
 * The agreement report over rated responses (each with its distinct annotators' ratings; those with
 * fewer than two are not units and are only counted). `annotationsRead` is how many annotations
 * passed the filters, for the message when nothing overlaps.
 */
export function agreementReport(
  rated: readonly RatedResponse[],
  options: ReportOptions,
  annotationsRead: number,
): AgreementReport {
  const steps = reportSteps(rated, options, annotationsRead);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/**
 * The same report, handing the event loop back between questions (`pause`, e.g. setImmediate): the
 * bootstrap of a large store takes seconds, and a server keeps answering other requests meanwhile.
 */
export async function agreementReportAsync(
  rated: readonly RatedResponse[],
  options: ReportOptions,
  annotationsRead: number,
  pause: () => Promise<void>,
): Promise<AgreementReport> {
  const steps = reportSteps(rated, options, annotationsRead);
  let step = steps.next();
  while (!step.done) {
    await pause();
    step = steps.next();
  }
  return step.value;
}

type ReportOptions = Pick<AgreementOptions, 'models' | 'level' | 'seed' | 'resamples'>;

/** Yields after each question's figures; returns the report. */
function* reportSteps(
  rated: readonly RatedResponse[],
  options: ReportOptions,
  annotationsRead: number,
): Generator<void, AgreementReport> {
  const units = rated.filter((response) => response.ratings.length >= 2);
  const models = new Set(options.models ?? []);
  const declared = declaredLevels(options);
  const everyone = new Map<string, number>();
  for (const response of rated)
    for (const rating of response.ratings) everyone.set(rating.annotator, everyone.get(rating.annotator) ?? 0);
  for (const response of units)
    for (const rating of response.ratings) everyone.set(rating.annotator, (everyone.get(rating.annotator) ?? 0) + 1);

  const warnings: string[] = [];
  for (const name of models)
    if (!everyone.has(name)) warnings.push(`--models names "${name}", who has no annotation among those read`);

  const tables = questionTables(units, declared);
  const asked = new Set(tables.map((table) => table.id));
  for (const question of declared.keys())
    if (!asked.has(question)) warnings.push(`a level is declared for "${question}", which no shared response answers`);

  const questions: QuestionAgreement[] = [];
  for (const table of tables) {
    try {
      questions.push(questionAgreement(table, { models, seed: options.seed, resamples: options.resamples }));
    } catch (error) {
      // A level that does not fit the answers (words at the interval level…) is the caller's to fix.
      throw new Error(`${table.id}: ${(error as Error).message}${levelHint(table)}`);
    }
    yield;
  }

  return {
    annotationsRead,
    responses: units.length,
    annotators: [...everyone.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, responses]) => ({ name, kind: models.has(name) ? 'model' : 'human', responses })),
    questions,
    message: overlapMessage(rated.length, units.length, everyone.size, annotationsRead),
    warnings,
  };
}

function levelHint(table: QuestionTable): string {
  return table.declared ? ` (declared with --level ${table.id.replace(/^rubric:/, '')}=…)` : '';
}

function overlapMessage(responses: number, units: number, annotators: number, read: number): string | null {
  if (units > 0) return null;
  if (read === 0) return 'No annotation matches these filters, so there is nothing to compare.';
  if (annotators < 2)
    return `All ${read} annotation${read === 1 ? ' is' : 's are'} by one annotator: agreement needs two or more annotators rating the same responses.`;
  return `${annotators} annotators rated ${responses} responses, but no response was rated by two or more of them: agreement needs overlap (the same response rated by several people).`;
}
