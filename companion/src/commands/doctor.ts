import type { Command } from 'commander';
import { formatReport } from '../doctor/doctor-check.ts';
import { runDoctor } from '../doctor/run-doctor.ts';
import { defaultDataDir } from '../support/config.ts';
import { chosenDatabase, DATABASE_OPTION_HELP } from '../support/data-dir.ts';

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'Check the data directory and the database (integrity, schema version, disk space, backups) without changing anything, and say how to fix each problem.',
    )
    .option('--data-dir <dir>', 'where the database and token live (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP)
    .option(
      '--backups <dir>',
      'another directory holding backups (repeatable; <data-dir>/backups is always looked at)',
      (dir: string, dirs: string[]) => [...dirs, dir],
      [] as string[],
    )
    .option('--json', 'print the report as JSON')
    .action(async (options: { dataDir?: string; database?: string; backups: string[]; json?: boolean }) => {
      const dataDir = options.dataDir ?? defaultDataDir();
      const report = await runDoctor({
        dataDir,
        target: chosenDatabase(options.database, dataDir),
        backupDirs: options.backups,
      });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}
