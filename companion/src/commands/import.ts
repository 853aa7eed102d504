import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { importAnnotations } from '../dataset/import-annotations.ts';
import { defaultDataDir } from '../support/config.ts';
import { DATABASE_OPTION_HELP, openStore } from '../support/data-dir.ts';

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'Import annotations from a JSONL file (one annotation per line), all or nothing; importing twice changes nothing.',
    )
    .argument('<file>', 'JSONL file of annotations, in the shape the extension syncs')
    .option('--data-dir <dir>', 'where the database and token live (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP)
    .option('--device-id <id>', 'the device id recorded with imported versions', 'import')
    .addHelpText(
      'after',
      '\nThe whole file is checked first: every invalid line is reported with its line number and field, ' +
        'and then nothing is imported (exit code 1). A good file is stored in one transaction, so an ' +
        'interrupted import (a kill, a full disk) leaves the store exactly as it was.',
    )
    .action(async (file: string, options: { dataDir?: string; database?: string; deviceId: string }) => {
      checkReadable(file);
      const stores = await openStore(options.dataDir ?? defaultDataDir(), options.database);
      try {
        const summary = await importAnnotations(stores.sync, file, options.deviceId, (problem) =>
          console.error(problem),
        );
        if (summary.rejected > 0) {
          console.error(
            `Nothing was imported from ${file}: ${summary.rejected} of ${summary.lines} lines rejected (above); fix them and import again.`,
          );
          process.exitCode = 1;
          return;
        }
        console.log(
          `Imported ${file}: ${summary.accepted} stored, ${summary.unchanged} already present, ` +
            `${summary.superseded} older than the stored version (kept in history).`,
        );
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
