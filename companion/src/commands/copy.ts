import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type CopyResult, copyStore, openCopyEnds } from '../copy/copy-store.ts';
import { databaseTarget } from '../storage/open-database.ts';

interface CopyFlags {
  from: string;
  to: string;
  progress?: boolean;
}

/** The summary: one line per kind, then the conflicts (if any) and whether anything changed. */
export function describeCopy(result: CopyResult, from: string, to: string): string {
  const lines = [`Copied ${from} → ${to}`];
  const width = Math.max(...result.kinds.map((kind) => kind.label.length));
  for (const kind of result.kinds) {
    const parts = [`${kind.added} added`, `${kind.unchanged} unchanged`];
    if (kind.updated > 0) parts.push(`${kind.updated} updated (the older version kept in history)`);
    if (kind.targetNewer > 0) parts.push(`${kind.targetNewer} newer in the target (kept)`);
    if (kind.conflicts > 0) parts.push(`${kind.conflicts} conflicts (target kept)`);
    lines.push(`  ${kind.label.padEnd(width)}  ${kind.read} read: ${parts.join(', ')}`);
  }
  const changed = result.kinds.some((kind) => kind.added > 0 || kind.updated > 0);
  lines.push(changed ? 'Done.' : 'Nothing to copy: the target already holds everything the source has.');
  return `${lines.join('\n')}\n`;
}

export function registerCopyCommand(program: Command): void {
  program
    .command('copy')
    .description(
      'Copy a whole store (annotations with every version, comparisons, reviews, logs, feedback, items) between databases.',
    )
    .requiredOption('--from <database>', 'the store to read: a SQLite file (or data directory) or a postgres:// URL')
    .requiredOption('--to <database>', 'the store to add to: a SQLite file (or data directory) or a postgres:// URL')
    .option('--no-progress', 'no progress bar (there is none anyway when stderr is not a terminal)')
    .addHelpText(
      'after',
      '\nIdempotent: a second run changes nothing and says so; after more work in the source it adds only ' +
        'what is new. A target row the source has not seen is never overwritten: it is reported as a conflict ' +
        '(exit code 2). Copies run while companions serve either side. See docs/team.md.',
    )
    .action(async (flags: CopyFlags) => {
      const from = databaseTarget(flags.from, '.');
      const to = databaseTarget(flags.to, '.');
      const [source, target] = await openCopyEnds(from, to);
      const bar =
        flags.progress !== false && process.stderr.isTTY
          ? new SingleBar({
              format: 'Copying {bar} {percentage}% | {value}/{total} rows | {kind}',
              hideCursor: true,
              stream: process.stderr,
            })
          : null;
      let started = false;
      const began = Date.now();
      try {
        const result = await copyStore(source, target, {
          onProgress: ({ kind, done, total }) => {
            if (!bar) return;
            if (!started) bar.start(total, 0, { kind });
            started = true;
            bar.update(done, { kind });
          },
        });
        bar?.stop();
        process.stdout.write(describeCopy(result, source.location, target.location));
        const seconds = (Date.now() - began) / 1000;
        const rows = result.kinds.reduce((sum, kind) => sum + kind.read, 0);
        process.stdout.write(`${rows} rows in ${seconds.toFixed(1)} s\n`);
        if (result.conflicts.length > 0) {
          process.stderr.write('Conflicts (left as they are in the target):\n');
          for (const conflict of result.conflicts)
            process.stderr.write(`  ${conflict.kind} ${conflict.key}: ${conflict.reason}\n`);
          process.exitCode = 2;
        }
      } finally {
        bar?.stop();
        await source.close();
        await target.close();
      }
    });
}
