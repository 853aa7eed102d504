import { type Command, InvalidArgumentError } from 'commander';
import { AUDIT_ACTIONS, type AuditAction, auditActionSchema, didYouMean } from '../../../shared/index.ts';
import { Accounts } from '../accounts/accounts.ts';
import { defaultDataDir } from '../support/config.ts';
import { DATABASE_OPTION_HELP, openStore } from '../support/data-dir.ts';
import { formatTable } from '../support/text-table.ts';

/** `--since 2026-12-01` or a full ISO time; anything else is refused with the forms it takes. */
function sinceOption(raw: string): string {
  const value = raw.trim();
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(time)) {
    throw new InvalidArgumentError(`"${raw}" is not a date: give YYYY-MM-DD or an ISO time (2026-12-01T09:00:00Z).`);
  }
  return new Date(time).toISOString();
}

function actionOption(raw: string): AuditAction {
  const parsed = auditActionSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidArgumentError(`"${raw}" is not an audit action${didYouMean(raw, AUDIT_ACTIONS)}.`);
  }
  return parsed.data;
}

function limitOption(raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 100_000) {
    throw new InvalidArgumentError(`"${raw}" is not a number of entries between 1 and 100000.`);
  }
  return value;
}

export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('Show the audit log: who created, edited, deleted, decided, exported and managed users, and when.')
    .option('--data-dir <dir>', 'where the database and token live (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP)
    .option('--user <name>', 'only what this user did')
    .option('--action <action>', `only this action (${AUDIT_ACTIONS.join(', ')})`, actionOption)
    .option('--since <date>', 'only entries at or after this date (YYYY-MM-DD, UTC) or ISO time', sinceOption)
    .option('--until <date>', 'only entries before this date (YYYY-MM-DD, UTC) or ISO time', sinceOption)
    .option('--limit <n>', 'at most this many entries, newest first', limitOption, 200)
    .option('--json', 'one JSON object per line')
    .action(
      async (options: {
        dataDir?: string;
        database?: string;
        user?: string;
        action?: AuditAction;
        since?: string;
        until?: string;
        limit: number;
        json?: boolean;
      }) => {
        const stores = await openStore(options.dataDir ?? defaultDataDir(), options.database);
        try {
          const accounts = new Accounts({ users: stores.users, audit: stores.audit });
          const entries = await accounts.listAudit({
            actor: options.user,
            action: options.action,
            since: options.since,
            until: options.until,
            limit: options.limit,
          });
          if (options.json) {
            for (const entry of entries) console.log(JSON.stringify(entry));
            return;
          }
          if (entries.length === 0) {
            console.log('No audit entries match.');
            return;
          }
          const details = (entry: (typeof entries)[number]) =>
            Object.entries(entry.details)
              .filter(([, value]) => value !== 0 && value !== null && value !== false)
              .map(([key, value]) => `${key}=${value}`)
              .join(' ');
          console.log(
            formatTable(
              ['WHEN', 'WHO', 'ACTION', 'TARGET', 'DETAILS'],
              entries.map((entry) => [entry.at, entry.actor, entry.action, entry.target ?? '-', details(entry)]),
            ),
          );
        } finally {
          await stores.close();
        }
      },
    );
}
