import { z } from 'zod';
import { EXPORT_AGGREGATES } from '../export/aggregates.ts';
import { EXPORT_SOURCES, exportOptionsSchema, queueSourceIssue } from '../export-options.ts';
import { messageSchema } from '../message.ts';
import { fileResponse, jsonResponse, READER_ROLES, routeContract } from './contract.ts';

/** The media type of Parquet files (registered with IANA in 2024). */
export const PARQUET_CONTENT_TYPE = 'application/vnd.apache.parquet';

/** Which file of a split export: the train part unless asked. */
const partSchema = z.enum(['train', 'validation'], { error: 'part must be "train" or "validation"' }).default('train');

/**
 * The export's options (shared/export-options.ts), the keys that choose which file to send taken
 * out first: they would be unknown keys to the options, which refuse any.
 */
function withExportOptions<S extends z.ZodObject>(responseKeys: S) {
  return responseKeys.transform((query, ctx) => {
    const rest: Record<string, unknown> = { ...query };
    for (const key of Object.keys(responseKeys.shape)) delete rest[key];
    const parsed = exportOptionsSchema.safeParse(rest);
    const sourceIssue = queueSourceIssue(rest);
    if (!parsed.success || sourceIssue !== null) {
      for (const issue of [...(parsed.error?.issues ?? []), ...(sourceIssue ? [sourceIssue] : [])]) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: rest });
      }
      return z.NEVER;
    }
    return { ...(query as z.output<S>), options: parsed.data };
  });
}

/**
 * `GET /api/v1/export?format=…&site=…`: the export options, plus `part` (train or validation, with
 * `split`) and `sidecar=1|true` (the sidecar file, ending in the summary, instead of the dataset).
 */
export const exportQuerySchema = withExportOptions(
  z.looseObject({
    part: partSchema,
    // Anything but 1 or true is the dataset itself, as it always was.
    sidecar: z
      .unknown()
      .optional()
      .transform((value) => value === '1' || value === 'true'),
  }),
).refine((query) => query.part === 'train' || query.options.split !== undefined, {
  message: 'part=validation needs split (the fraction of conversations for train)',
  path: ['part'],
});

export const EXPORT_PREVIEW_LINES = { default: 20, max: 200 } as const;
const linesMessage = `lines must be a whole number from 0 to ${EXPORT_PREVIEW_LINES.max}`;

/** `GET /api/v1/export/preview?format=…&lines=20&part=train`: the same options as the export. */
export const exportPreviewQuerySchema = withExportOptions(
  z.looseObject({
    lines: z.preprocess(
      (value) => (value === undefined ? EXPORT_PREVIEW_LINES.default : Number(value)),
      z.int({ error: linesMessage }).min(0, linesMessage).max(EXPORT_PREVIEW_LINES.max, linesMessage),
    ),
    part: partSchema,
  }),
);

const count = z.int().min(0);

/** The summary of a whole export run (shared/export's `ExportSummary`), as the preview sends it. */
export const exportSummarySchema = z.strictObject({
  format: z.string(),
  /** The sources read (`source=`), and how many live annotations of each other source were left out. */
  sources: z.strictObject({
    included: z.array(z.enum(EXPORT_SOURCES)),
    excluded: z.partialRecord(z.enum(EXPORT_SOURCES), count),
  }),
  annotationsRead: count,
  /** Annotations read whose capture was partial (`capture.partial`), written or skipped. */
  partialCaptures: count,
  comparisonsRead: count,
  /** Lines written, in all files. */
  examplesWritten: count,
  lines: z.strictObject({ train: count, validation: count }),
  /** Lines that are preference pairs (pair formats only). */
  pairs: count,
  /** KTO lines by label. */
  labels: z.strictObject({ desirable: count, undesirable: count }),
  /** Lines that carry captured reasoning. */
  reasoningLines: count,
  /** Why annotations, candidate pairs or examples produced no line; reason → count. */
  skipped: z.record(z.string(), count),
  redactions: z.strictObject({ email: count, phone: count, apiKey: count, total: count }),
  warnings: z.array(z.string()),
  /** Filter values no annotation has (typos), with the values they most likely meant. */
  unknownValues: z.array(
    z.strictObject({
      option: z.enum(['site', 'model', 'annotator', 'tag', 'excludeTag']),
      value: z.string(),
      suggestions: z.array(z.string()),
    }),
  ),
  /** A campaign export (`queue=`): the queue, how its answers were aggregated, what was read. */
  campaign: z
    .strictObject({
      queue: z.string(),
      kind: z.enum(['single', 'pairwise']),
      aggregate: z.enum(EXPORT_AGGREGATES),
      minAgreement: z.number().nullable(),
      answers: count,
      adjudications: count,
    })
    .optional(),
});
export type ExportSummaryResponse = z.infer<typeof exportSummarySchema>;

const previewCommon = {
  /** The line as written (without its newline). */
  line: z.string(),
  /** What made the line: `correction`, `thumb-up`, `score`, `score-gap`, `thumbs`, `comparison`, `stored`, … */
  basis: z.string(),
  /** The annotations behind it, chosen side first for pairs. */
  annotationIds: z.array(z.string()),
  /** The system prompt the line carries (the conversation's own, or the export's `systemPrompt`). */
  system: z.string().nullable(),
  /** The conversation before the answer. */
  turns: z.array(messageSchema),
};

/**
 * One previewed line as what it means rather than its format's JSON: the prompt, then the target
 * (sft), the chosen and rejected answers (pair), the completion and its label (kto), or the stored
 * response (raw). Generic over the kind, so a new format of a known kind previews with no change.
 */
export const previewExampleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...previewCommon, kind: z.literal('sft'), target: z.string() }),
  z.strictObject({
    ...previewCommon,
    kind: z.literal('pair'),
    chosen: z.string(),
    rejected: z.string(),
    /** Score gap / 100 when both sides have a score. */
    margin: z.number().nullable(),
  }),
  z.strictObject({ ...previewCommon, kind: z.literal('kto'), completion: z.string(), label: z.boolean() }),
  z.strictObject({
    ...previewCommon,
    kind: z.literal('raw'),
    response: z.string(),
    correction: z.string().nullable(),
  }),
]);
export type PreviewExample = z.infer<typeof previewExampleSchema>;

export const exportPreviewResponseSchema = z.strictObject({
  /** The first lines of the file (train, or validation with `part`), each without its newline. */
  lines: z.array(z.string()),
  /** The same lines, each as the example it carries (same order). */
  examples: z.array(previewExampleSchema),
  /** The whole run's summary: lines written, pairs, skips by reason, warnings. */
  summary: exportSummarySchema,
});
export type ExportPreviewResponse = z.infer<typeof exportPreviewResponseSchema>;

/** The dataset itself, and a preview of it: the same engine as `margin export`, so the same bytes. */
export const EXPORT_API = {
  download: routeContract({
    id: 'export.download',
    method: 'GET',
    path: '/api/v1/export',
    access: READER_ROLES,
    summary: 'Streams the dataset file (or its sidecar) for the options, as an attachment.',
    query: exportQuerySchema,
    names: { query: 'export query' },
    response: fileResponse('application/jsonl; charset=utf-8', 'the dataset, one JSON line per example', [
      {
        contentType: PARQUET_CONTENT_TYPE,
        when: 'the format is a Parquet format (verl-sft, verl-rl) and sidecar is off',
      },
    ]),
  }),
  preview: routeContract({
    id: 'export.preview',
    method: 'GET',
    path: '/api/v1/export/preview',
    access: READER_ROLES,
    summary: 'The first lines of exactly what the export would write, and the whole run’s counts.',
    query: exportPreviewQuerySchema,
    names: { query: 'export query' },
    response: jsonResponse(exportPreviewResponseSchema),
  }),
} as const;
