import type { Command } from 'commander';
import { agreementOptionsSchema } from '../../../shared/agreement/index.ts';
import { EXPORT_SOURCES } from '../../../shared/index.ts';
import { agreementFromQueue } from '../agreement/agreement-from-queue.ts';
import { agreementFromStore } from '../agreement/agreement-from-store.ts';
import { agreementText } from '../agreement/agreement-text.ts';
import { withModelAnnotators } from '../agreement/model-annotators.ts';
import { defaultDataDir } from '../support/config.ts';
import { DATABASE_OPTION_HELP, openStore } from '../support/data-dir.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const OPTION_KEYS = Object.keys(agreementOptionsSchema.shape);

interface AgreementFlags {
  dataDir?: string;
  database?: string;
  json?: boolean;
  [option: string]: unknown;
}

export function registerAgreementCommand(program: Command): void {
  program
    .command('agreement')
    .description(
      "Inter-annotator agreement over responses rated by two or more annotators: Krippendorff's α with a 95% interval, Fleiss' and Cohen's κ, percent agreement (docs/agreement.md).",
    )
    .option('--data-dir <dir>', 'where the database lives (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP)
    .option('--source <sources>', `only these kinds of annotation: ${EXPORT_SOURCES.join(', ')} (default all)`, collect)
    .option('--site <site>', 'only these sites (repeat or comma-separate)', collect)
    .option('--model <model>', 'only responses of these models', collect)
    .option('--annotator <name>', 'only these annotators', collect)
    .option('--tag <tag>', 'only annotations with one of these tags', collect)
    .option('--exclude-tag <tag>', 'drop annotations with any of these tags', collect)
    .option('--since <date>', 'created at or after (2026-11-01 or an ISO date-time)')
    .option('--until <date>', 'created before')
    .option('--skip-partial', 'drop annotations whose capture was partial')
    .option('--models <names>', 'annotators that are models (LLM judges): reported apart from humans', collect)
    .option(
      '--level <question=level>',
      "declare a question's level: quality=ordinal, quality=ordinal:poor<fair<good, score=ratio",
      collect,
    )
    .option('--seed <n>', 'seed of the bootstrap interval (default 1)')
    .option('--resamples <n>', 'bootstrap resamples for the 95% interval of α; 0 for none (default 1000)')
    .option('--queue <id>', 'agreement within a campaign queue, over its answers (docs/queues.md)')
    .option('--json', 'print the report as JSON')
    .action(async (flags: AgreementFlags, command: Command) => {
      const input: Record<string, unknown> = {};
      for (const key of OPTION_KEYS)
        if (flags[key] !== undefined && command.getOptionValueSource(key) === 'cli') input[key] = flags[key];
      const parsed = agreementOptionsSchema.safeParse(input);
      if (!parsed.success) {
        const problems = parsed.error.issues.map(
          (issue) => `--${kebab(String(issue.path[0] ?? 'options'))}: ${issue.message}`,
        );
        throw new Error(`invalid agreement options:\n  ${problems.join('\n  ')}`);
      }
      const stores = await openStore(flags.dataDir ?? defaultDataDir(), flags.database);
      try {
        const options = await withModelAnnotators(parsed.data, stores.users);
        const queue = options.queue === undefined ? undefined : await stores.queues.get(options.queue);
        if (options.queue !== undefined && queue === undefined)
          throw new Error(`there is no queue "${options.queue}" in ${stores.location} (margin queue list shows them)`);
        const report = queue
          ? await agreementFromQueue(queue, await stores.queues.answers(queue.id), options)
          : await agreementFromStore(stores.sync, options);
        process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : agreementText(report));
      } finally {
        await stores.close();
      }
    });
}
