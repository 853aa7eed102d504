import type { Command } from 'commander';
import { API, parseRouteResult, routePath, type SignInCodeResponse } from '../../../shared/index.ts';
import { DEFAULT_PORT, defaultDataDir, defaultPort } from '../support/config.ts';
import { readToken } from '../support/token.ts';
import { portOption } from './options.ts';

/** Asks the running companion for a one-time sign-in link to its dashboard. */
export async function dashboardLink(port: number, token: string): Promise<SignInCodeResponse> {
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}${routePath(API.dashboard.signInCodes)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
  } catch {
    throw new Error(`no companion answers on port ${port}: start it with "margin serve" (or pass --port)`);
  }
  if (response.status === 401) {
    throw new Error(`the companion on port ${port} refused this data directory's token: is it another companion?`);
  }
  if (!response.ok) throw new Error(`the companion on port ${port} answered ${response.status}`);
  const parsed = parseRouteResult(API.dashboard.signInCodes, await response.json());
  if (!parsed.success) throw new Error(`the companion on port ${port} answered a sign-in code in an unexpected shape`);
  return parsed.data;
}

export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description("Print a one-time sign-in link to the running companion's dashboard.")
    .option('--port <port>', `the companion's port (env MARGIN_PORT, default ${DEFAULT_PORT})`, portOption)
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
      const link = await dashboardLink(options.port ?? defaultPort(), token);
      console.error('Open this link in your browser within two minutes (it works once):');
      console.log(link.url);
    });
}
