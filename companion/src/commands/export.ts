import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import {
  DEFAULT_GRADER_MODEL,
  type ExportRecord,
  type ExportSummary,
  explainExport,
  exportFileKind,
  exportFormatDefinition,
  exportParquetSchema,
  type ParquetSchema,
  REASONING_FIELDS,
  REASONING_MODES,
  RubricObservations,
  rftGrader,
} from '../../../shared/export/index.ts';
import {
  EXPORT_AGGREGATES,
  EXPORT_FORMATS,
  EXPORT_SOURCES,
  exportOptionsSchema,
  queueSourceIssue,
} from '../../../shared/index.ts';
import { writeDatasetDir } from '../dataset/dataset-dir.ts';
import { exportFromCampaign } from '../dataset/export-campaign.ts';
import { exportLayout, writeExportFiles } from '../dataset/export-files.ts';
import { exportFromStore } from '../dataset/export-run.ts';
import { describeSummary, exportProblem } from '../dataset/export-summary-text.ts';
import { resolveExportTarget } from '../dataset/export-target.ts';
import { ParquetRows } from '../dataset/parquet-rows.ts';
import { campaignRecords } from '../queues/queue-campaign.ts';
import { defaultDataDir } from '../support/config.ts';
import { DATABASE_OPTION_HELP, openStore } from '../support/data-dir.ts';

interface ExportFlags {
  format?: string;
  out?: string;
  dataDir?: string;
  database?: string;
  explain?: boolean;
  progress?: boolean;
  grader?: string;
  graderModel?: string;
  datasetDir?: string;
  license?: string;
  allowEmpty?: boolean;
  [option: string]: unknown;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

// Option names are the schema's keys in kebab case, so a schema error can name the flag to fix.
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const OPTION_KEYS = Object.keys(exportOptionsSchema.shape);

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('Write the annotations as a fine-tuning or RLHF dataset (JSONL), plus a .meta.jsonl sidecar.')
    // Checked by the options schema, not commander's choices: a bare "dpo" gets "did you mean trl-dpo…".
    .option('--format <format>', `dataset format: ${EXPORT_FORMATS.join(', ')}`)
    .option(
      '--out <file>',
      'output file, a folder (the file gets the default name inside it), or - for stdout (default margin-<format>.jsonl)',
    )
    .option('--data-dir <dir>', 'where the database lives (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP)
    .option(
      '--source <sources>',
      `read these kinds of annotation: ${EXPORT_SOURCES.join(', ')} (default capture: chat pages only)`,
      collect,
    )
    .option('--site <site>', 'only these sites (repeat or comma-separate)', collect)
    .option('--model <model>', 'only these models', collect)
    .option('--annotator <name>', 'only these annotators', collect)
    .option('--tag <tag>', 'only annotations with one of these tags', collect)
    .option('--exclude-tag <tag>', 'drop annotations with any of these tags', collect)
    .option(
      '--conversation-rating <ratings>',
      'only annotations whose conversation their annotator rated so: good, needs-work, unclear, unrated',
      collect,
    )
    .option('--since <date>', 'created at or after (2026-11-01 or an ISO date-time)')
    .option('--until <date>', 'created before')
    .option('--min-score <n>', 'score at least n')
    .option('--max-score <n>', 'score at most n')
    .option('--has-comment', 'only annotations with a comment')
    .option('--no-has-comment', 'only annotations without a comment')
    .option('--has-correction', 'only annotations with a correction')
    .option('--no-has-correction', 'only annotations without a correction')
    .option('--skip-partial', 'drop annotations whose capture was partial (turns, images, files… not read)')
    .option('--no-dedup', 'keep lines identical to one already written')
    .option(
      '--split <fraction>',
      'put this fraction of conversations in <out>.train.jsonl, the rest in .validation.jsonl',
    )
    .option('--system-prompt <text>', 'system prompt for conversations captured without one')
    .option('--redact-pii', 'replace emails, phone numbers and API-key-like strings')
    .option('--sft-min-score <n>', 'SFT: lowest score that makes an example (default 70)')
    .option('--pair-min-gap <n>', 'pairs: smallest score gap between variants, δ (default 15)')
    .option('--kto-desirable-min <n>', 'KTO: lowest desirable score (default 70)')
    .option('--kto-undesirable-max <n>', 'KTO: highest undesirable score (default 40)')
    .addOption(
      new Option(
        '--reasoning <mode>',
        'captured reasoning: none (default), field (on the assistant message) or inline (<think>)',
      ).choices(REASONING_MODES),
    )
    .addOption(
      new Option('--reasoning-field <name>', 'the field of --reasoning field (default reasoning_content)').choices(
        REASONING_FIELDS,
      ),
    )
    .option('--grader <file>', 'openai-rft: also write the grader (JSON) for the fine-tuning job')
    .option('--grader-model <model>', `openai-rft --grader: the score_model grader's model (${DEFAULT_GRADER_MODEL})`)
    .option('--dataset-dir <dir>', 'write a Hugging Face Hub folder: data/ per split, README.md card, provenance/')
    .option('--license <id>', "the card's license with --dataset-dir, a Hub license id (default other)")
    .option('--queue <id>', 'export a campaign queue: its items and their annotators’ answers (docs/queues.md)')
    .addOption(
      new Option(
        '--aggregate <mode>',
        'with --queue: how each item’s answers become lines (default adjudicated, else majority)',
      ).choices(EXPORT_AGGREGATES),
    )
    .option('--min-agreement <x>', 'with --queue: skip items whose annotators agree less than x (-1 to 1)')
    .option('--allow-empty', 'succeed even when no line is written or a filter value matches nothing')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option('--explain', 'print the rules that turn annotations into lines, and exit')
    .action(async (flags: ExportFlags, command: Command) => {
      const input: Record<string, unknown> = {};
      for (const key of OPTION_KEYS) {
        // Defaults of commander's --no-x flags would look like explicit choices: keep only what was given.
        if (flags[key] !== undefined && command.getOptionValueSource(key) === 'cli') input[key] = flags[key];
      }
      if (flags.explain) {
        const parsed = exportOptionsSchema.safeParse({ format: 'raw', ...input });
        process.stdout.write(
          explainExport(parsed.success ? parsed.data : exportOptionsSchema.parse({ format: 'raw' })),
        );
        return;
      }
      const parsed = exportOptionsSchema.safeParse(input);
      const sourceIssue = queueSourceIssue(input);
      if (!parsed.success || sourceIssue !== null) {
        const problems = [...(parsed.error?.issues ?? []), ...(sourceIssue ? [sourceIssue] : [])].map(
          (issue) => `--${kebab(String(issue.path[0] ?? 'format'))}: ${issue.message}`,
        );
        throw new Error(`invalid export options:\n  ${problems.join('\n  ')}`);
      }
      const options = parsed.data;
      if (flags.out === '-' && options.split !== undefined)
        throw new Error('--split writes two files: give --out FILE, not -');
      if (flags.grader !== undefined && options.format !== 'openai-rft')
        throw new Error('--grader writes the grader of an openai-rft export: add --format openai-rft');
      if (flags.graderModel !== undefined && flags.grader === undefined)
        throw new Error('--grader-model is the model of the grader that --grader FILE writes: add --grader');
      if (flags.datasetDir !== undefined && flags.out !== undefined)
        throw new Error('--dataset-dir writes its own files (data/, README.md): leave out --out');
      if (flags.license !== undefined && flags.datasetDir === undefined)
        throw new Error('--license goes on the dataset card that --dataset-dir writes: add --dataset-dir');
      const parquet = exportParquetSchema(options);
      // Before reading anything: a wrong --out fails now, not after the whole export.
      const out = flags.datasetDir === undefined ? resolveExportTarget(flags.out, options.format) : '-';
      const allowEmpty = flags.allowEmpty === true;

      const stores = await openStore(flags.dataDir ?? defaultDataDir(), flags.database);
      const store = stores.sync;
      const progress =
        flags.progress !== false && process.stderr.isTTY && options.queue === undefined
          ? new SingleBar({
              format: 'Exporting {bar} {percentage}% | {value}/{total} annotations | {lines} lines',
              hideCursor: true,
              stream: process.stderr,
            })
          : null;
      let read = 0;
      let summary: ExportSummary;
      try {
        if (progress) progress.start((await store.stats()).annotations.live, 0, { lines: 0 });
        const run =
          options.queue === undefined
            ? exportFromStore(store, options, (count) => {
                const before = read;
                read += count;
                if (progress && Math.floor(read / 2000) > Math.floor(before / 2000)) progress.update(read);
              })
            : exportFromCampaign(
                await campaignRecords(stores.queues, options.queue),
                options,
                await stores.users.list(),
              );
        const rubrics = flags.grader === undefined ? null : new RubricObservations();
        const batches = rubrics ? observeLines(run.batches, (line) => rubrics.observe(line)) : run.batches;
        const onLines = (lines: number) => progress?.update(read, { lines });
        const extension = exportFileKind(exportFormatDefinition(options.format));
        // A file export with a problem (no line, an unknown filter value) keeps every earlier file.
        const check = (result: ExportSummary) => {
          if (exportProblem(result, allowEmpty) !== null) throw new EmptyExport(result);
        };
        const keepEarlier = (error: unknown) => {
          if (error instanceof EmptyExport) return error.summary;
          throw error;
        };
        if (flags.datasetDir !== undefined) {
          const dir = resolve(flags.datasetDir);
          const written = await writeDatasetDir(dir, options, batches, run.summary, {
            license: flags.license ?? 'other',
            onLines,
            beforeCommit: check,
          }).catch((error: unknown) => ({ summary: keepEarlier(error), files: [] as string[] }));
          summary = written.summary;
          if (written.files.length > 0) process.stderr.write(`dataset folder ${dir}: ${written.files.join(', ')}\n`);
        } else {
          summary =
            out === '-'
              ? await toStdout(batches, run.summary, parquet)
              : await writeExportFiles(
                  exportLayout(out, options.split !== undefined, extension),
                  parquet,
                  batches,
                  run.summary,
                  onLines,
                  check,
                ).catch(keepEarlier);
        }
        if (rubrics && flags.grader !== undefined && exportProblem(summary, allowEmpty) === null) {
          const grader = rftGrader(rubrics, flags.graderModel);
          await writeFile(resolve(flags.grader), `${JSON.stringify(grader, null, 2)}\n`);
          process.stderr.write(`grader (${grader.type}) -> ${flags.grader}\n`);
        }
        progress?.update(read, { lines: summary.examplesWritten });
      } finally {
        progress?.stop();
        await stores.close();
      }
      const problem = exportProblem(summary, allowEmpty);
      process.stderr.write(describeSummary(summary, flags.datasetDir ?? out, options, problem !== null));
      if (problem !== null) throw new Error(problem);
    });
}

/** Thrown before the files are put in place, so an export that should not count changes nothing. */
class EmptyExport extends Error {
  constructor(readonly summary: ExportSummary) {
    super('this export should not replace any file');
  }
}

/** The batches as they are, each line shown to `observe` on the way (the grader's rubric survey). */
async function* observeLines(
  batches: AsyncIterable<ExportRecord[]>,
  observe: (line: string) => void,
): AsyncGenerator<ExportRecord[]> {
  for await (const batch of batches) {
    for (const record of batch) observe(record.line);
    yield batch;
  }
}

async function toStdout(
  batches: AsyncIterable<{ line: string; value?: unknown }[]>,
  summary: () => ExportSummary,
  parquet: ParquetSchema | null,
): Promise<ExportSummary> {
  const write = async (chunk: string | Uint8Array) => {
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  };
  // Parquet goes out as bytes, a row group at a time: `margin export --format verl-rl --out - > x.parquet`.
  const rows = parquet === null ? null : new ParquetRows(parquet, write);
  for await (const batch of batches) {
    if (rows) for (const record of batch) await rows.add(record.line, record.value);
    else await write(batch.map((record) => record.line).join(''));
  }
  await rows?.finish();
  return summary();
}
