import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { companionAddress } from '../support/companion-file.ts';
import { DEFAULT_PORT, defaultDataDir } from '../support/config.ts';
import { carryOutPurge, companionServing, type PurgePlan, planPurge } from '../support/purge.ts';
import { portOption } from './options.ts';

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function describePlan(plan: PurgePlan): string[] {
  return [
    `This permanently deletes everything the Margin companion stored in ${plan.dataDir}:`,
    ...plan.files.map((file) => `  ${file.name} (${size(file.bytes)})`),
    'Annotations, comparisons, their history, reviews, logged calls and feedback go with the database,',
    'and paired browsers must be paired again (the token goes too). Make a backup first if in doubt',
    '(dashboard → Settings → Backup, or "margin export --format raw").',
  ];
}

async function confirmed(): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question('Type "delete" to delete it all: ');
    return answer.trim().toLowerCase() === 'delete';
  } finally {
    prompt.close();
  }
}

export function registerPurgeCommand(program: Command): void {
  program
    .command('purge')
    .description('Delete everything the companion stored (database and token), after confirmation.')
    .option('--data-dir <dir>', 'the data directory to empty (env MARGIN_DATA_DIR)')
    .option(
      '--port <port>',
      `where a companion using it would answer (default: where it said it listens, else env MARGIN_PORT, else ${DEFAULT_PORT})`,
      portOption,
    )
    .option('--yes', 'do not ask (for scripts); needed when not run from a terminal')
    .addHelpText(
      'after',
      "\nOnly Margin's own files are deleted; anything else in the directory stays. Stop the companion " +
        'first ("margin service uninstall" if it runs as a service). The extension keeps its own copy: ' +
        'clear it in its Options, "Delete all Margin data in this browser".',
    )
    .action(async (options: { dataDir?: string; port?: number; yes?: boolean }) => {
      const plan = planPurge(resolve(options.dataDir ?? defaultDataDir()));
      if (plan.files.length === 0) {
        console.log(`Nothing to delete: no Margin data in ${plan.dataDir}.`);
        return;
      }
      // --port, else where this directory's running companion said it listens, else MARGIN_PORT or the default.
      const { port } = companionAddress(plan.dataDir, options.port);
      if (await companionServing(plan.dataDir, port)) {
        throw new Error(
          `a companion is running on this data directory (port ${port}): stop it first, then purge ` +
            '("margin service uninstall" if it runs as a service)',
        );
      }
      for (const line of describePlan(plan)) console.error(line);
      if (!options.yes) {
        if (!process.stdin.isTTY) throw new Error('not a terminal, so nothing was deleted: pass --yes to confirm');
        if (!(await confirmed())) {
          console.error('Nothing was deleted.');
          process.exitCode = 1;
          return;
        }
      }
      const { removedDir } = carryOutPurge(plan);
      console.log(`Deleted ${plan.files.map((file) => file.name).join(', ')} from ${plan.dataDir}.`);
      if (removedDir) console.log('The data directory was empty afterwards and is gone too.');
      if (plan.others.length > 0) console.log(`Left alone (not Margin's): ${plan.others.join(', ')}.`);
    });
}
