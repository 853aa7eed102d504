import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { importAnnotations } from '../dataset/import-annotations.ts';
import { defaultDataDir } from '../support/config.ts';
import { DATABASE_OPTION_HELP, openStore } from '../support/data-dir.ts';

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description('Import annotations from a JSONL file (one annotation per line); importing twice changes nothing.')
    .argument('<file>', 'JSONL file of annotations, in the shape the extension syncs')
    .option('--data-dir <dir>', 'where the database and token live (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP)
    .option('--device-id <id>', 'the device id recorded with imported versions', 'import')
    .addHelpText(
      'after',
      '\nInvalid lines are reported with their line number and field, and skipped; the rest are imported. ' +
        'The exit code is 1 when any line was rejected.',
    )
    .action(async (file: string, options: { dataDir?: string; database?: string; deviceId: string }) => {
      checkReadable(file);
      const stores = await openStore(options.dataDir ?? defaultDataDir(), options.database);
      try {
        const summary = await importAnnotations(stores.sync, file, options.deviceId, (problem) =>
          console.error(problem),
        );
        console.log(
          `Imported ${file}: ${summary.accepted} stored, ${summary.unchanged} already present, ` +
            `${summary.superseded} older than the stored version (kept in history), ${summary.rejected} rejected.`,
        );
        if (summary.rejected > 0) process.exitCode = 1;
      } finally {
        await stores.close();
      }
    });
}

/** Before opening the store: a missing file is named as given, with the reason in words. */
function checkReadable(file: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code}`,
    );
  }
  if (!isFile) throw new Error(`cannot read ${file}: it is a folder, not a JSONL file`);
}
