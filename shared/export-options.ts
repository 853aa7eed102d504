import { z } from 'zod';
import { CONVERSATION_RATING_VALUES } from './conversation-rating.ts';
import { didYouMean } from './did-you-mean.ts';
import { EXPORT_AGGREGATES } from './export/aggregates.ts';
import { EXPORT_FORMAT_IDS, type ExportKind, exportFormatDefinitions } from './export/formats/index.ts';
import { REASONING_FIELDS, REASONING_MODES } from './export/reasoning.ts';
import { EXPORT_SOURCES } from './export/sources.ts';
import { LIMITS } from './limits.ts';
import { queueIdSchema } from './queue-id.ts';

/**
 * Every dataset format the export engine writes, in registry order: one file each in
 * shared/export/formats/ (docs/export.md describes them).
 */
export const EXPORT_FORMATS = EXPORT_FORMAT_IDS;
export const exportFormatSchema = z.enum(EXPORT_FORMATS, {
  // A bare "dpo" or a typo gets the registry's nearest ids, not only the full list.
  error: (issue) =>
    issue.input === undefined
      ? `choose a format: ${EXPORT_FORMATS.join(', ')}`
      : `unknown format "${String(issue.input)}"${didYouMean(String(issue.input), EXPORT_FORMATS)}; the formats are ${EXPORT_FORMATS.join(', ')}`,
});
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export type { ExportKind };
/** Each format's kind, from the registry. */
export const EXPORT_FORMAT_KIND = Object.fromEntries(
  exportFormatDefinitions.map((format) => [format.id, format.kind]),
) as Record<ExportFormat, ExportKind>;

// The CLI and the HTTP query hand over strings; the extension hands over typed values. These
// preprocessors accept both, so all three parse options with this one schema.
const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

const listSchema = z.preprocess(
  (value) => {
    const items = Array.isArray(value) ? value : value === undefined ? undefined : [value];
    return items?.flatMap((item) =>
      typeof item === 'string'
        ? item
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')
        : [item],
    );
  },
  z.array(z.string().min(1).max(LIMITS.keyChars)).min(1, 'give at least one value'),
);

/** `--source capture,review`: which kinds of annotation the export reads (shared/export/sources.ts). */
const sourceListSchema = listSchema.pipe(
  z.array(
    z.enum(EXPORT_SOURCES, {
      error: (issue) =>
        `unknown source "${String(issue.input)}"${didYouMean(String(issue.input), EXPORT_SOURCES)}; the sources are ${EXPORT_SOURCES.join(', ')}`,
    }),
  ),
);

/** `--conversation-rating good,unclear`: conversation ratings to keep (`unrated`: conversations nobody rated). */
export const CONVERSATION_RATING_FILTER_VALUES = [...CONVERSATION_RATING_VALUES, 'unrated'] as const;
export type ConversationRatingFilterValue = (typeof CONVERSATION_RATING_FILTER_VALUES)[number];
const conversationRatingListSchema = listSchema.pipe(
  z.array(
    z.enum(CONVERSATION_RATING_FILTER_VALUES, {
      error: (issue) =>
        `unknown conversation rating "${String(issue.input)}"${didYouMean(String(issue.input), CONVERSATION_RATING_FILTER_VALUES)}; the ratings are ${CONVERSATION_RATING_FILTER_VALUES.join(', ')}`,
    }),
  ),
);

const booleanSchema = z.preprocess((value) => {
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  return value;
}, z.boolean());

const scoreSchema = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : emptyToUndefined(value)),
  z.int('must be a whole number').min(0, 'must be from 0 to 100').max(100, 'must be from 0 to 100'),
);

/** A date (`2026-11-01`, start of that day in UTC) or a full ISO date-time with offset. */
const instantSchema = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be an ISO date (2026-11-01) or date-time (2026-11-01T10:00:00Z)',
});

/**
 * Options of one export. Filters select annotations; the thresholds tune the rules (docs/export.md).
 * Unknown keys are errors, so a misspelt filter never silently exports everything.
 */
export const exportOptionsSchema = z
  .strictObject({
    format: exportFormatSchema,
    /**
     * Which kinds of annotation to read: `capture` (chat pages), `review`, `api`, `import`. Only
     * captures by default, so pipeline reviews and logged calls never slip into a chat dataset.
     */
    source: z.preprocess(emptyToUndefined, sourceListSchema.default(['capture'])),
    /** Keep annotations from these sites only. */
    site: listSchema.optional(),
    /** Keep annotations of responses by these models only. */
    model: listSchema.optional(),
    /** Keep annotations by these annotators only. */
    annotator: listSchema.optional(),
    /** Keep annotations carrying at least one of these tags. */
    tag: listSchema.optional(),
    /** Drop annotations carrying any of these tags. */
    excludeTag: listSchema.optional(),
    /**
     * Keep annotations whose conversation its annotator rated so (docs/conversation-ratings.md);
     * `unrated` keeps conversations without a rating.
     */
    conversationRating: z.preprocess(emptyToUndefined, conversationRatingListSchema.optional()),
    /** Created at or after this instant. */
    since: z.preprocess(emptyToUndefined, instantSchema.optional()),
    /** Created before this instant. */
    until: z.preprocess(emptyToUndefined, instantSchema.optional()),
    /** Score at least this (annotations without a score are dropped when set). */
    minScore: z.preprocess(emptyToUndefined, scoreSchema.optional()),
    /** Score at most this (annotations without a score are dropped when set). */
    maxScore: z.preprocess(emptyToUndefined, scoreSchema.optional()),
    hasComment: z.preprocess(emptyToUndefined, booleanSchema.optional()),
    hasCorrection: z.preprocess(emptyToUndefined, booleanSchema.optional()),
    /** Drop annotations whose capture was partial (`capture.partial`, docs/capture.md): turns, images, files… not read. */
    skipPartial: z.preprocess(emptyToUndefined, booleanSchema.default(false)),
    /** Drop lines identical to one already written. */
    dedup: z.preprocess(emptyToUndefined, booleanSchema.default(true)),
    /** Fraction of conversations that go to the train file; the rest go to validation. */
    split: z.preprocess(
      (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : emptyToUndefined(value)),
      z.number('must be a number').gt(0, 'must be above 0').lt(1, 'must be below 1').optional(),
    ),
    /** Used where the captured conversation has no system prompt of its own. */
    systemPrompt: z.preprocess(emptyToUndefined, z.string().max(LIMITS.textChars).optional()),
    /** Replace emails, phone numbers and API-key-like strings in every exported text. */
    redactPii: z.preprocess(emptyToUndefined, booleanSchema.default(false)),
    /** SFT: a response with this score or more is an example. */
    sftMinScore: z.preprocess(emptyToUndefined, scoreSchema.default(70)),
    /** Pairs among variants: the smallest score gap that makes a pair (δ). */
    pairMinGap: z.preprocess(emptyToUndefined, scoreSchema.default(15)),
    /** KTO: a score at or above this is desirable. */
    ktoDesirableMin: z.preprocess(emptyToUndefined, scoreSchema.default(70)),
    /** KTO: a score at or below this is undesirable. */
    ktoUndesirableMax: z.preprocess(emptyToUndefined, scoreSchema.default(40)),
    /** Captured reasoning: left out, as a field on the assistant message, or inline as <think>…</think>. */
    reasoning: z.preprocess(
      emptyToUndefined,
      z.enum(REASONING_MODES, { error: `must be ${REASONING_MODES.join(', ')}` }).default('none'),
    ),
    /** The field name in `reasoning: field` mode (reasoning_content unless given). */
    reasoningField: z.preprocess(
      emptyToUndefined,
      z.enum(REASONING_FIELDS, { error: `must be ${REASONING_FIELDS.join(' or ')}` }).optional(),
    ),
    /**
     * Export a campaign queue (docs/queues.md): its items and their annotators' answers are read
     * instead of the annotations.
     */
    queue: z.preprocess(emptyToUndefined, queueIdSchema.optional()),
    /** With `queue`: how each item's answers become lines (shared/export/aggregates.ts); `adjudicated` unless given. */
    aggregate: z.preprocess(
      emptyToUndefined,
      z.enum(EXPORT_AGGREGATES, { error: `must be ${EXPORT_AGGREGATES.join(', ')}` }).optional(),
    ),
    /** With `queue`: items whose agreement (from −1 to 1) is below this are skipped. */
    minAgreement: z.preprocess(
      (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : emptyToUndefined(value)),
      z
        .number('must be a number from -1 to 1')
        .min(-1, 'must be from -1 to 1')
        .max(1, 'must be from -1 to 1')
        .optional(),
    ),
  })
  .refine((o) => o.aggregate === undefined || o.queue !== undefined, {
    message: 'aggregate says how a queue’s answers become lines: give queue (the campaign to export) too',
    path: ['aggregate'],
  })
  .refine((o) => o.minAgreement === undefined || o.queue !== undefined, {
    message: 'minAgreement skips a queue’s items whose annotators disagree: give queue (the campaign to export) too',
    path: ['minAgreement'],
  })
  .refine((o) => o.queue === undefined || o.tag === undefined, {
    message: 'queue items carry no tags: leave out tag in a queue export',
    path: ['tag'],
  })
  .refine((o) => o.queue === undefined || o.excludeTag === undefined, {
    message: 'queue items carry no tags: leave out excludeTag in a queue export',
    path: ['excludeTag'],
  })
  .refine((o) => o.queue === undefined || o.conversationRating === undefined, {
    message: 'conversation ratings belong to chat conversations, not to queue items: leave out conversationRating',
    path: ['conversationRating'],
  })
  .refine((o) => o.minScore === undefined || o.maxScore === undefined || o.minScore <= o.maxScore, {
    message: 'minScore must not exceed maxScore',
    path: ['minScore'],
  })
  .refine((o) => o.ktoUndesirableMax < o.ktoDesirableMin, {
    message: 'ktoUndesirableMax must be below ktoDesirableMin',
    path: ['ktoUndesirableMax'],
  })
  .refine((o) => o.reasoningField === undefined || o.reasoning === 'field', {
    message: 'reasoningField names the field of reasoning=field: give reasoning=field too',
    path: ['reasoningField'],
  })
  .refine((o) => o.pairMinGap >= 1, { message: 'pairMinGap must be at least 1', path: ['pairMinGap'] })
  .refine((o) => o.since === undefined || o.until === undefined || toEpoch(o.since) < toEpoch(o.until), {
    message: 'since must be before until',
    path: ['since'],
  });
/**
 * What the schema cannot see once `source` has its default: an explicit `source` beside `queue` (a
 * queue export reads the queue's items, whatever their source). The CLI and the HTTP routes check it
 * on the options as given.
 */
export function queueSourceIssue(input: Record<string, unknown>): { path: string[]; message: string } | null {
  const given = (key: string) => input[key] !== undefined && input[key] !== '';
  if (!given('queue') || !given('source')) return null;
  return {
    path: ['source'],
    message: 'a queue export reads the queue’s items, whatever their source: leave out source',
  };
}

/** Options as given (defaults optional). */
export type ExportOptionsInput = z.input<typeof exportOptionsSchema>;
/** Options after parsing: defaults filled in. */
export type ExportOptions = z.output<typeof exportOptionsSchema>;

/** Milliseconds since the epoch of an option instant; a bare date is the start of that day in UTC. */
export function toEpoch(instant: string): number {
  return Date.parse(instant.length === 10 ? `${instant}T00:00:00Z` : instant);
}

export { DEFAULT_AGGREGATE, EXPORT_AGGREGATES, type ExportAggregate } from './export/aggregates.ts';
export { type AnnotationSource, EXPORT_SOURCE_TEXT, EXPORT_SOURCES } from './export/sources.ts';
