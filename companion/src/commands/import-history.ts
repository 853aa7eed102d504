import { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import {
  exportOptionsSchema,
  HISTORY_SOURCE_CHOICES,
  type HistorySourceChoice,
  type ImportSummary,
} from '../../../shared/index.ts';
import { describeImportSummary } from '../import-history/describe-summary.ts';
import { importHistory } from '../import-history/run-import.ts';
import { defaultDataDir } from '../support/config.ts';
import { DATABASE_OPTION_HELP, openStore } from '../support/data-dir.ts';

interface ImportHistoryFlags {
  source: HistorySourceChoice;
  since?: string;
  dryRun?: boolean;
  annotator?: string;
  dataDir?: string;
  database?: string;
  progress?: boolean;
}

const MB = 1024 * 1024;

export function registerImportHistoryCommand(program: Command): void {
  program
    .command('import-history')
    .description(
      'Import your chat history: a ChatGPT, Claude, Gemini (Takeout), Open WebUI or LibreChat export. Responses ' +
        'become items to rate; thumbs and comparison picks in the file become annotations. Importing twice changes nothing.',
    )
    .argument('<file>', 'the export: the .zip as downloaded, the folder it was extracted to, or one JSON file of it')
    .addOption(new Option('--source <source>', 'which export it is').choices(HISTORY_SOURCE_CHOICES).default('auto'))
    .option('--since <date>', 'only responses written on or after this date (2025-01-01 or an ISO date-time)')
    .option('--dry-run', 'read everything and print the counts, but write nothing')
    .option('--annotator <name>', "whose ratings the file holds (default: the extension's annotator, else 'me')")
    .option('--data-dir <dir>', 'where the database lives (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP)
    .option('--no-progress', 'no progress bar, even on a terminal')
    .addHelpText(
      'after',
      '\nA bad file (not an export, a damaged ZIP, a JSON syntax error) is reported with the file, the entry in it and ' +
        'the place; what was imported before it stays. Ctrl-C stops after the batch in progress; run the same ' +
        'command again to finish (what is stored is skipped). A killed import reads as interrupted once its ' +
        'lease (60 s) has passed. See docs/history-import.md.',
    )
    .action(async (file: string, flags: ImportHistoryFlags) => {
      if (flags.since !== undefined) {
        const since = exportOptionsSchema.shape.since.safeParse(flags.since);
        if (!since.success) throw new Error(`--since: ${since.error.issues[0]?.message ?? 'not a date'}`);
      }
      const stores = await openStore(flags.dataDir ?? defaultDataDir(), flags.database);
      const controller = new AbortController();
      const onSignal = () => {
        if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: stop now (the store stays consistent)
        controller.abort();
        process.stderr.write('\nStopping after the batch in progress (Ctrl-C again to stop at once)…\n');
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const bar =
        flags.progress !== false && process.stderr.isTTY
          ? new SingleBar({
              format: 'Importing {bar} {percentage}% | {read}/{size} MB | {conversations} conversations',
              hideCursor: true,
              stream: process.stderr,
            })
          : null;
      let started = false;
      let lastDraw = 0;
      let live: ImportSummary | undefined;
      try {
        const result = await importHistory(
          { store: stores.sync, items: stores.items },
          {
            file,
            source: flags.source,
            ...(flags.since === undefined ? {} : { since: flags.since }),
            dryRun: flags.dryRun === true,
            ...(flags.annotator === undefined ? {} : { annotator: flags.annotator }),
            signal: controller.signal,
            onProgress: (summary) => {
              live = summary;
              if (!bar || summary.bytes.total === 0 || Date.now() - lastDraw < 100) return;
              lastDraw = Date.now();
              const payload = {
                read: (summary.bytes.read / MB).toFixed(1),
                size: (summary.bytes.total / MB).toFixed(1),
                conversations: summary.conversations.read,
              };
              if (!started) bar.start(summary.bytes.total, 0, payload);
              started = true;
              bar.update(Math.min(summary.bytes.read, summary.bytes.total), payload);
            },
          },
        );
        bar?.stop();
        process.stdout.write(describeImportSummary(result.summary, { dryRun: flags.dryRun === true, file }));
        if (result.run.status === 'interrupted') {
          process.stderr.write('Interrupted: run the same command again to finish (what is stored is skipped).\n');
          process.exitCode = 130;
        }
      } catch (error) {
        bar?.stop();
        if (live && live.conversations.imported > 0 && flags.dryRun !== true) {
          process.stderr.write(
            `Kept what was imported before the problem:\n${describeImportSummary(live, { dryRun: false, file })}`,
          );
        }
        throw error;
      } finally {
        bar?.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await stores.close();
      }
    });
}
