import { z } from 'zod';
import type { QuestionTable } from './annotation-questions.ts';
import { bootstrapAlpha } from './bootstrap.ts';
import { cohenKappa, sharedPairs } from './cohen-kappa.ts';
import { fleissKappa } from './fleiss-kappa.ts';
import { krippendorffAlpha } from './krippendorff-alpha.ts';
import { percentAgreement } from './percent-agreement.ts';
import { type AgreementValue, measurementLevelSchema, type UnitValues } from './values.ts';

/**
 * Whose answers a figure compares: everyone; humans only; or each model against each human on the
 * same response (human–human and model–model pairs left out), when some annotators are models.
 */
export const AGREEMENT_SCOPES = ['all', 'human', 'machine-vs-human'] as const;
export const agreementScopeSchema = z.enum(AGREEMENT_SCOPES);
export type AgreementScope = z.infer<typeof agreementScopeSchema>;

export const alphaIntervalSchema = z.object({
  low: z.number(),
  high: z.number(),
  confidence: z.number(),
  resamples: z.int(),
  undefinedResamples: z.int(),
  seed: z.number(),
});

export const agreementFigureSchema = z.object({
  scope: agreementScopeSchema,
  /** Responses where at least two of the scope's annotators answered the question. */
  units: z.int().min(0),
  /** Annotators with an answer on one of those responses. */
  annotators: z.int().min(0),
  /** Answers on those responses: the pairable values α counts. */
  values: z.int().min(0),
  alpha: z.number().nullable(),
  alphaInterval: alphaIntervalSchema.nullable(),
  /** Categorical questions (nominal, ordinal) only. */
  fleissKappa: z.number().nullable(),
  /** false when responses had different numbers of answers (Fleiss' formulas applied as written). */
  fleissConstantRaters: z.boolean().nullable(),
  /** Mean share of equal pairs of answers on a response, from 0 to 1. */
  percentAgreement: z.number().nullable(),
  /** Why a figure is missing, in words. */
  note: z.string().nullable(),
});
export type AgreementFigure = z.infer<typeof agreementFigureSchema>;

export const annotatorPairSchema = z.object({
  a: z.string(),
  b: z.string(),
  kind: z.enum(['human-human', 'machine-human', 'machine-machine']),
  /** Responses both answered. */
  units: z.int().min(0),
  cohenKappa: z.number().nullable(),
  percentAgreement: z.number().nullable(),
});
export type AnnotatorPair = z.infer<typeof annotatorPairSchema>;

export const questionAgreementSchema = z.object({
  id: z.string(),
  label: z.string(),
  level: measurementLevelSchema,
  declared: z.boolean(),
  /** Nominal or ordinal: Cohen's and Fleiss' κ apply. */
  categorical: z.boolean(),
  figures: z.array(agreementFigureSchema),
  /** Cohen's κ of every pair of annotators who answered the question on a shared response (categorical only). */
  pairs: z.array(annotatorPairSchema),
});
export type QuestionAgreement = z.infer<typeof questionAgreementSchema>;

export const agreementReportSchema = z.object({
  /** Annotations that passed the filters. */
  annotationsRead: z.int().min(0),
  /** Responses annotated by two or more distinct annotators: the units. */
  responses: z.int().min(0),
  annotators: z.array(z.object({ name: z.string(), kind: z.enum(['human', 'model']), responses: z.int().min(0) })),
  questions: z.array(questionAgreementSchema),
  /** Why there is nothing to compare, when there is not (fewer than two annotators overlap). */
  message: z.string().nullable(),
  /** Declared levels or model names that matched nothing, and similar hints. */
  warnings: z.array(z.string()),
});
export type AgreementReport = z.infer<typeof agreementReportSchema>;

export interface FigureOptions {
  models: ReadonlySet<string>;
  seed: number;
  resamples: number;
}

/** The figures of one question: per scope, and Cohen's κ per pair of annotators. */
export function questionAgreement(table: QuestionTable, options: FigureOptions): QuestionAgreement {
  const categorical = table.level === 'nominal' || table.level === 'ordinal';
  const isModel = (name: string) => options.models.has(name);
  const scopes: AgreementScope[] = options.models.size > 0 ? ['all', 'human', 'machine-vs-human'] : ['all'];
  const figures = scopes.map((scope) => {
    const clusters = scopeClusters(table.responses, scope, isModel);
    return figure(scope, clusters, table, categorical, options);
  });
  return {
    id: table.id,
    label: table.label,
    level: table.level,
    declared: table.declared,
    categorical,
    figures,
    pairs: categorical ? annotatorPairs(table.responses, isModel) : [],
  };
}

/**
 * Each response's units for a scope: itself (all, human), or one two-value unit per model–human pair
 * (machine-vs-human), kept together so the bootstrap resamples responses, not pairs. Each cluster
 * also names the annotators it holds.
 */
function scopeClusters(
  responses: readonly ReadonlyMap<string, AgreementValue>[],
  scope: AgreementScope,
  isModel: (name: string) => boolean,
): Array<{ units: UnitValues[]; annotators: string[] }> {
  return responses.map((answers) => {
    const entries = [...answers.entries()];
    if (scope === 'all')
      return { units: [entries.map(([, value]) => value)], annotators: entries.map(([name]) => name) };
    const humans = entries.filter(([name]) => !isModel(name));
    if (scope === 'human')
      return { units: [humans.map(([, value]) => value)], annotators: humans.map(([name]) => name) };
    const models = entries.filter(([name]) => isModel(name));
    const units = models.flatMap(([, model]) => humans.map(([, human]) => [model, human]));
    const annotators = units.length > 0 ? [...models, ...humans].map(([name]) => name) : [];
    return { units, annotators };
  });
}

function figure(
  scope: AgreementScope,
  allClusters: Array<{ units: UnitValues[]; annotators: string[] }>,
  table: QuestionTable,
  categorical: boolean,
  options: FigureOptions,
): AgreementFigure {
  const clusters = allClusters
    .map((cluster) => ({ ...cluster, units: cluster.units.filter((unit) => unit.length >= 2) }))
    .filter((cluster) => cluster.units.length > 0);
  const units = clusters.flatMap((cluster) => cluster.units);
  const annotators = new Set(clusters.flatMap((cluster) => cluster.annotators)).size;
  const base = {
    scope,
    units: clusters.length,
    annotators,
    values: clusters.reduce(
      (sum, cluster) =>
        sum + (scope === 'machine-vs-human' ? cluster.annotators.length : (cluster.units[0]?.length ?? 0)),
      0,
    ),
  };
  if (clusters.length === 0) {
    return {
      ...base,
      alpha: null,
      alphaInterval: null,
      fleissKappa: null,
      fleissConstantRaters: null,
      percentAgreement: null,
      note:
        scope === 'machine-vs-human'
          ? 'no response has an answer from both a model and a human'
          : 'fewer than two annotators answered this question on the same response',
    };
  }
  const level = { level: table.level, ...(table.order && { order: table.order }) };
  const alpha = krippendorffAlpha(units, level);
  const interval =
    options.resamples > 0 && alpha.alpha !== null
      ? bootstrapAlpha(
          clusters.map((cluster) => cluster.units),
          { ...level, seed: options.seed, resamples: options.resamples },
        )
      : null;
  const fleiss = categorical ? fleissKappa(units) : null;
  const notes: string[] = [];
  if (alpha.undefinedReason === 'no variation') notes.push('α is undefined: every answer is the same value');
  if (interval === null && alpha.alpha !== null && options.resamples > 0 && clusters.length < 2)
    notes.push('one response only: no interval');
  return {
    ...base,
    alpha: alpha.alpha,
    alphaInterval: interval,
    fleissKappa: fleiss?.kappa ?? null,
    fleissConstantRaters: fleiss ? fleiss.constantRaters : null,
    percentAgreement: percentAgreement(units).agreement,
    note: notes.length > 0 ? notes.join('; ') : null,
  };
}

function annotatorPairs(
  responses: readonly ReadonlyMap<string, AgreementValue>[],
  isModel: (name: string) => boolean,
): AnnotatorPair[] {
  const names = [...new Set(responses.flatMap((answers) => [...answers.keys()]))].sort();
  const pairs: AnnotatorPair[] = [];
  for (let i = 0; i < names.length; i += 1) {
    for (let j = i + 1; j < names.length; j += 1) {
      const a = names[i] ?? '';
      const b = names[j] ?? '';
      const shared = sharedPairs(responses, a, b);
      if (shared.length === 0) continue;
      const models = Number(isModel(a)) + Number(isModel(b));
      const kappa = cohenKappa(shared);
      pairs.push({
        a,
        b,
        kind: models === 0 ? 'human-human' : models === 1 ? 'machine-human' : 'machine-machine',
        units: shared.length,
        cohenKappa: kappa.kappa,
        percentAgreement: kappa.observedAgreement,
      });
    }
  }
  return pairs;
}
