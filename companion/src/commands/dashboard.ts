import type { Command } from 'commander';
import { companionAddress, describeAddress } from '../support/companion-file.ts';
import { DEFAULT_PORT, defaultDataDir } from '../support/config.ts';
import { requestSignInLink } from '../support/sign-in-link.ts';
import { readToken } from '../support/token.ts';
import { portOption } from './options.ts';

export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description("Print a one-time sign-in link to the running companion's dashboard.")
    .option(
      '--port <port>',
      `the companion's port (default: where the running companion of this data directory listens, else env MARGIN_PORT, else ${DEFAULT_PORT})`,
      portOption,
    )
    .option('--data-dir <dir>', 'where the token lives (env MARGIN_DATA_DIR)')
    .addHelpText(
      'after',
      '\nThe link works once, for two minutes; the token itself never appears in it. ' +
        'Without a link, paste the token ("margin token") into the dashboard instead.',
    )
    .action(async (options: { port?: number; dataDir?: string }) => {
      const dataDir = options.dataDir ?? defaultDataDir();
      const token = readToken(dataDir);
      if (token === undefined)
        throw new Error(`no token in ${dataDir}: has "margin serve" run with this data directory?`);
      const address = companionAddress(dataDir, options.port);
      const link = await requestSignInLink(address.url, token, describeAddress(address));
      console.error('Open this link in your browser within two minutes (it works once):');
      console.log(link.url);
    });
}
