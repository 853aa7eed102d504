import type { Command } from 'commander';
import { runningCompanion } from '../support/companion-file.ts';
import { defaultDataDir } from '../support/config.ts';
import { DATABASE_OPTION_HELP, openStore } from '../support/data-dir.ts';

export function registerStatsCommand(program: Command): void {
  program
    .command('stats')
    .description(
      'Print how many annotations, comparisons and superseded versions the companion holds, and where it runs.',
    )
    .option('--data-dir <dir>', 'where the database and token live (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP)
    .option('--json', 'print the figures as JSON')
    .option('--check', "also check the database's integrity (SQLite: PRAGMA integrity_check)")
    .action(async (options: { dataDir?: string; database?: string; json?: boolean; check?: boolean }) => {
      const dataDir = options.dataDir ?? defaultDataDir();
      const stores = await openStore(dataDir, options.database);
      try {
        const stats = await stores.sync.stats();
        const integrity = options.check ? await stores.integrityCheck() : undefined;
        const companion = runningCompanion(dataDir) ?? null;
        if (options.json) {
          console.log(JSON.stringify({ ...stats, companion, ...(integrity === undefined ? {} : { integrity }) }));
        } else {
          console.log(`Database:     ${stores.location}`);
          console.log(`Annotations:  ${stats.annotations.live} (+ ${stats.annotations.deleted} deleted)`);
          console.log(`Comparisons:  ${stats.comparisons.live} (+ ${stats.comparisons.deleted} deleted)`);
          console.log(`Superseded versions kept: ${stats.history}`);
          console.log(`Devices that synced: ${stats.devices}`);
          console.log(`Sync checkpoint: ${stats.checkpoint}`);
          console.log(
            companion
              ? `Companion:    running at ${companion.url} (pid ${companion.pid}, since ${companion.started})`
              : 'Companion:    not running on this data directory ("margin serve" starts it)',
          );
          if (integrity !== undefined) console.log(`Integrity check: ${integrity}`);
        }
        if (integrity !== undefined && integrity !== 'ok') process.exitCode = 1;
      } finally {
        await stores.close();
      }
    });
}
