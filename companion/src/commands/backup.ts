import { resolve } from 'node:path';
import type { Command } from 'commander';
import { backupPostgresStore, restorePostgresStore } from '../backup/postgres-backup.ts';
import { backupSqliteStore, restoreSqliteStore } from '../backup/sqlite-backup.ts';
import { describePostgresUrl } from '../storage/postgres/connect.ts';
import { runningCompanion } from '../support/companion-file.ts';
import { defaultDataDir } from '../support/config.ts';
import { chosenDatabase, DATABASE_OPTION_HELP, databasePath } from '../support/data-dir.ts';

interface Flags {
  dataDir?: string;
  database?: string;
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup <file>')
    .description(
      'Write the whole store (every table: annotations with history, comparisons, ratings, reviews, items, users with token hashes, queues, the audit log) to a new file: a SQLite file, or a pg_dump file for PostgreSQL.',
    )
    .option('--data-dir <dir>', 'where the database and token live (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP)
    .addHelpText('after', '\nSafe while the companion runs: the file is the store at one moment. See docs/backup.md.')
    .action(async (file: string, flags: Flags) => {
      const target = chosenDatabase(flags.database, flags.dataDir ?? defaultDataDir());
      if (target.kind === 'postgres') {
        await backupPostgresStore(target.url, resolve(file));
        console.log(`Backed up ${describePostgresUrl(target.url)} → ${resolve(file)} (pg_dump, custom format)`);
        return;
      }
      const { bytes } = backupSqliteStore(target.path, resolve(file));
      console.log(`Backed up ${target.path} → ${resolve(file)} (${(bytes / 1024 / 1024).toFixed(1)} MiB)`);
    });

  program
    .command('restore <file>')
    .description(
      'Replace the store with a backup made by `margin backup`, wholly or not at all (the old store is kept).',
    )
    .option('--data-dir <dir>', 'where the database and token live (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP)
    .addHelpText('after', '\nStop the companion first. See docs/backup.md.')
    .action(async (file: string, flags: Flags) => {
      const dataDir = flags.dataDir ?? defaultDataDir();
      const target = chosenDatabase(flags.database, dataDir);
      if (target.kind === 'postgres') {
        // Companions on other machines may serve this database: the caller stops them (docs/backup.md).
        await restorePostgresStore(resolve(file), target.url);
        console.log(`Restored ${resolve(file)} → ${describePostgresUrl(target.url)} (one transaction)`);
        return;
      }
      const companion = target.path === databasePath(dataDir) ? runningCompanion(dataDir) : undefined;
      if (companion) {
        throw new Error(`a companion is running on ${dataDir} (pid ${companion.pid}): stop it, then restore again`);
      }
      const { previous } = await restoreSqliteStore(resolve(file), target.path);
      console.log(`Restored ${resolve(file)} → ${target.path}`);
      if (previous) console.log(`The store as it was before is kept at ${previous} (delete it once you are sure).`);
    });
}
