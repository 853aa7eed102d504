import { type Command, InvalidArgumentError } from 'commander';
import { didYouMean, OWNER_NAME, ROLES, type User, type UserKind, type UserRole } from '../../../shared/index.ts';
import { AccountError, Accounts } from '../accounts/accounts.ts';
import { defaultDataDir } from '../support/config.ts';
import { DATABASE_OPTION_HELP, openStore } from '../support/data-dir.ts';
import { formatTable } from '../support/text-table.ts';

const KINDS: readonly UserKind[] = ['human', 'model'];

function choice<T extends string>(option: string, allowed: readonly T[]) {
  return (raw: string): T => {
    const value = raw.trim().toLowerCase();
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(
      `"${raw}" is not a ${option}${didYouMean(value, allowed)}; choose one of ${allowed.join(', ')}.`,
    );
  };
}

interface StoreOptions {
  dataDir?: string;
  database?: string;
}

/** Opens the database, runs `work` with its accounts, closes it; an account error is a one-line message. */
async function withAccounts(options: StoreOptions, work: (accounts: Accounts) => Promise<void>): Promise<void> {
  const stores = await openStore(options.dataDir ?? defaultDataDir(), options.database);
  try {
    await work(new Accounts({ users: stores.users, audit: stores.audit }));
  } catch (error) {
    if (error instanceof AccountError) {
      console.error(`margin: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    await stores.close();
  }
}

function storeOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'where the database and token live (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP);
}

/** Who runs the CLI on the server's machine holds the database itself: the audit log calls them the owner. */
const ACTOR = OWNER_NAME;

function printToken(user: User, token: string, what: string): void {
  console.error(
    `${what} "${user.name}" (${user.role}, ${user.kind}). Their token, shown this once (only its hash is kept):`,
  );
  console.log(token);
  console.error("They paste it into the extension's options with the server's URL (docs/accounts.md).");
}

export function registerUserCommand(program: Command): void {
  const user = program
    .command('user')
    .description('Manage the users of a team server: each gets a personal token and a role (docs/accounts.md).');

  storeOptions(
    user
      .command('add <name>')
      .description('Add a user and print their personal token once.')
      .requiredOption('--role <role>', `what they may do: ${ROLES.join(', ')}`, choice('role', ROLES))
      .option('--kind <kind>', 'human (default) or model (a pipeline)', choice('kind', KINDS), 'human' as UserKind),
  ).action((name: string, options: StoreOptions & { role: UserRole; kind: UserKind }) =>
    withAccounts(options, async (accounts) => {
      const created = await accounts.add(ACTOR, name, options.role, options.kind);
      printToken(created.user, created.token, 'Added');
    }),
  );

  storeOptions(
    user
      .command('list')
      .description('List the users: name, role, kind, when created and when revoked.')
      .option('--json', 'print the users as JSON'),
  ).action((options: StoreOptions & { json?: boolean }) =>
    withAccounts(options, async (accounts) => {
      const users = await accounts.list();
      if (options.json) {
        console.log(JSON.stringify(users));
        return;
      }
      if (users.length === 0) {
        console.log('No users: this is a personal server (the pairing token is the owner, an admin).');
        console.log('Add one with "margin user add NAME --role admin|annotator|viewer".');
        return;
      }
      console.log(
        formatTable(
          ['NAME', 'ROLE', 'KIND', 'CREATED', 'REVOKED'],
          users.map((u) => [u.name, u.role, u.kind, u.createdAt, u.revokedAt ?? '-']),
        ),
      );
    }),
  );

  storeOptions(
    user
      .command('revoke <name>')
      .description('Revoke a user: their tokens stop working at once; their annotations stay.'),
  ).action((name: string, options: StoreOptions) =>
    withAccounts(options, async (accounts) => {
      const revoked = await accounts.revoke(ACTOR, name);
      console.log(`Revoked "${revoked.name}" (${revoked.revokedAt}); their tokens no longer work.`);
    }),
  );

  storeOptions(
    user.command('rotate <name>').description('Give a user a new token (printed once); their old one stops working.'),
  ).action((name: string, options: StoreOptions) =>
    withAccounts(options, async (accounts) => {
      const rotated = await accounts.rotate(ACTOR, name);
      printToken(rotated.user, rotated.token, 'New token for');
    }),
  );
}
