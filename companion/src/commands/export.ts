import { once } from 'node:events';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import { type ExportSummary, explainExport } from '../../../shared/export/index.ts';
import { EXPORT_FORMATS, exportOptionsSchema } from '../../../shared/index.ts';
import { writeExportFiles } from '../dataset/export-files.ts';
import { exportFileName, exportFromStore } from '../dataset/export-run.ts';
import { defaultDataDir } from '../support/config.ts';
import { DATABASE_OPTION_HELP, openStore } from '../support/data-dir.ts';

interface ExportFlags {
  format?: string;
  out?: string;
  dataDir?: string;
  database?: string;
  explain?: boolean;
  progress?: boolean;
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
    .addOption(new Option('--format <format>', 'dataset format').choices(EXPORT_FORMATS))
    .option('--out <file>', 'output file, or - for stdout (default margin-<format>.jsonl)')
    .option('--data-dir <dir>', 'where the database lives (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP)
    .option('--site <site>', 'only these sites (repeat or comma-separate)', collect)
    .option('--model <model>', 'only these models', collect)
    .option('--annotator <name>', 'only these annotators', collect)
    .option('--tag <tag>', 'only annotations with one of these tags', collect)
    .option('--exclude-tag <tag>', 'drop annotations with any of these tags', collect)
    .option('--since <date>', 'created at or after (2026-11-01 or an ISO date-time)')
    .option('--until <date>', 'created before')
    .option('--min-score <n>', 'score at least n')
    .option('--max-score <n>', 'score at most n')
    .option('--has-comment', 'only annotations with a comment')
    .option('--no-has-comment', 'only annotations without a comment')
    .option('--has-correction', 'only annotations with a correction')
    .option('--no-has-correction', 'only annotations without a correction')
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
      if (!parsed.success) {
        const problems = parsed.error.issues.map(
          (issue) => `--${kebab(String(issue.path[0] ?? 'format'))}: ${issue.message}`,
        );
        throw new Error(`invalid export options:\n  ${problems.join('\n  ')}`);
      }
      const options = parsed.data;
      const out = flags.out ?? exportFileName(options.format, null, false);
      if (out === '-' && options.split !== undefined)
        throw new Error('--split writes two files: give --out FILE, not -');

      const stores = await openStore(flags.dataDir ?? defaultDataDir(), flags.database);
      const store = stores.sync;
      const progress =
        flags.progress !== false && process.stderr.isTTY
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
        const run = exportFromStore(store, options, () => {
          read += 1;
          if (progress && read % 2000 === 0) progress.update(read);
        });
        summary =
          out === '-'
            ? await toStdout(run.batches, run.summary)
            : await writeExportFiles(resolve(out), options.split !== undefined, run.batches, run.summary, (lines) =>
                progress?.update(read, { lines }),
              );
        progress?.update(read, { lines: summary.examplesWritten });
      } finally {
        progress?.stop();
        await stores.close();
      }
      process.stderr.write(describeSummary(summary, out));
    });
}

async function toStdout(
  batches: AsyncIterable<{ line: string }[]>,
  summary: () => ExportSummary,
): Promise<ExportSummary> {
  for await (const batch of batches) {
    if (!process.stdout.write(batch.map((record) => record.line).join(''))) await once(process.stdout, 'drain');
  }
  return summary();
}

function describeSummary(summary: ExportSummary, out: string): string {
  const skipped = Object.entries(summary.skipped)
    .sort(([, a], [, b]) => b - a)
    .map(([reason, count]) => `  ${reason}: ${count}`);
  const lines = [
    `${summary.format}: ${summary.examplesWritten} lines${summary.pairs ? ` (${summary.pairs} pairs)` : ''} from ${summary.annotationsRead} annotations` +
      (summary.lines.validation ? ` (train ${summary.lines.train}, validation ${summary.lines.validation})` : '') +
      (out === '-' ? '' : ` -> ${out}`),
    ...(summary.labels.desirable + summary.labels.undesirable > 0
      ? [`labels: ${summary.labels.desirable} desirable, ${summary.labels.undesirable} undesirable`]
      : []),
    ...(summary.redactions.total > 0
      ? [
          `redacted: ${summary.redactions.email} emails, ${summary.redactions.phone} phone numbers, ${summary.redactions.apiKey} API keys`,
        ]
      : []),
    ...(skipped.length > 0 ? ['skipped:', ...skipped] : []),
    ...summary.warnings.map((warning) => `warning: ${warning}`),
  ];
  return `${lines.join('\n')}\n`;
}
