import { z } from 'zod';
import { EXPORT_SOURCES } from '../export/sources.ts';
import { exportOptionsSchema, toEpoch } from '../export-options.ts';
import { LIMITS } from '../limits.ts';
import { queueIdSchema } from '../queue.ts';
import { DEFAULT_RESAMPLES, DEFAULT_SEED } from './bootstrap.ts';
import { MEASUREMENT_LEVELS, type MeasurementLevel } from './values.ts';

/** The export's own filter schemas, so `margin agreement --site …` reads exactly like `margin export --site …`. */
const filters = exportOptionsSchema.shape;

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

const listSchema = z.preprocess((value) => {
  const items = Array.isArray(value) ? value : value === undefined || value === '' ? undefined : [value];
  return items?.flatMap((item) =>
    typeof item === 'string'
      ? item
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== '')
      : [item],
  );
}, z.array(z.string().min(1).max(LIMITS.keyChars)).min(1, 'give at least one value').optional());

/**
 * A level declared for a question: `rubric:quality=ordinal`, `quality=ordinal:poor<fair<good` (string
 * categories need their order), `score=ordinal`. A bare id names a rubric question.
 */
export interface LevelDeclaration {
  question: string;
  level: MeasurementLevel;
  order?: string[];
}

const DECLARATION = /^([^=\s]+)=(nominal|ordinal|interval|ratio)(?::(.+))?$/;

export function parseLevelDeclaration(text: string): LevelDeclaration | string {
  const match = DECLARATION.exec(text.trim());
  if (!match) return `"${text}" is not QUESTION=LEVEL (LEVEL one of ${MEASUREMENT_LEVELS.join(', ')})`;
  const [, id = '', level = 'nominal', order] = match;
  const question = id === 'thumb' || id === 'score' || id.includes(':') ? id : `rubric:${id}`;
  if (order === undefined) return { question, level: level as MeasurementLevel };
  if (level !== 'ordinal') return `"${text}": only the ordinal level takes an order of categories`;
  const categories = order.split('<').map((part) => part.trim());
  if (categories.some((part) => part === '') || new Set(categories).size !== categories.length)
    return `"${text}": the order is distinct categories separated by <, such as poor<fair<good`;
  return { question, level: 'ordinal', order: categories };
}

const countSchema = (name: string, max: number, fallback: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : emptyToUndefined(value)),
    z
      .int(`${name} must be a whole number`)
      .min(0, `${name} must be 0 or more`)
      .max(max, `${name} is at most ${max}`)
      .default(fallback),
  );

/**
 * What `margin agreement` and `GET /api/v1/agreement` take: the export's filters (every source unless
 * `source` narrows it: agreement is about people, not about one kind of data), which annotators are
 * models, declared levels, and the bootstrap's seed and size (0 resamples: no interval).
 */
export const agreementOptionsSchema = z
  .strictObject({
    source: z.preprocess((value) => emptyToUndefined(value) ?? [...EXPORT_SOURCES], filters.source),
    site: filters.site,
    model: filters.model,
    annotator: filters.annotator,
    tag: filters.tag,
    excludeTag: filters.excludeTag,
    since: filters.since,
    until: filters.until,
    skipPartial: filters.skipPartial,
    /** Annotators that are models (LLM judges): their figures are reported apart from the humans'. */
    models: listSchema,
    /** Levels declared for questions (`quality=ordinal`); thumbs and tags are nominal, numbers interval. */
    level: listSchema.superRefine((texts, ctx) => {
      for (const text of texts ?? []) {
        const parsed = parseLevelDeclaration(text);
        if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      }
    }),
    seed: countSchema('seed', 2 ** 32 - 1, DEFAULT_SEED),
    resamples: countSchema('resamples', 100_000, DEFAULT_RESAMPLES),
    /** Agreement within one campaign queue (docs/queues.md), over its answers rather than annotations. */
    queue: z.preprocess(emptyToUndefined, queueIdSchema.optional()),
  })
  .refine((o) => o.since === undefined || o.until === undefined || toEpoch(o.since) < toEpoch(o.until), {
    message: 'since must be before until',
    path: ['since'],
  });
export type AgreementOptionsInput = z.input<typeof agreementOptionsSchema>;
export type AgreementOptions = z.output<typeof agreementOptionsSchema>;

/** The declared levels by question id (options already parsed, so every declaration is valid). */
export function declaredLevels(options: Pick<AgreementOptions, 'level'>): Map<string, LevelDeclaration> {
  const declared = new Map<string, LevelDeclaration>();
  for (const text of options.level ?? []) {
    const parsed = parseLevelDeclaration(text);
    if (typeof parsed !== 'string') declared.set(parsed.question, parsed);
  }
  return declared;
}
