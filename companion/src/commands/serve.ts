import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { startServer } from '../server.ts';
import { removeCompanionFile, writeCompanionFile } from '../support/companion-file.ts';
import { DEFAULT_PORT, defaultDataDir, defaultPort } from '../support/config.ts';
import { chosenDatabase, DATABASE_OPTION_HELP } from '../support/data-dir.ts';
import { createConsoleLogger } from '../support/logger.ts';
import { packagePath } from '../support/package-root.ts';
import { requestSignInLink } from '../support/sign-in-link.ts';
import { readOrCreateToken } from '../support/token.ts';
import { version } from '../support/version.ts';
import { portOption } from './options.ts';

interface ServeCommandOptions {
  port?: number;
  dataDir?: string;
  database?: string;
  host: string;
  expose?: boolean;
  team?: boolean;
  publicUrl?: string;
  tlsCert?: string;
  tlsKey?: string;
  behindProxy?: boolean;
  showPairing?: boolean;
}

/** The team and TLS flags as server options, or an error saying which flag is missing. */
function teamOptions(options: ServeCommandOptions) {
  if (options.team && options.publicUrl === undefined) {
    throw new Error('--team needs --public-url, the https:// address people open (e.g. https://margin.example.org)');
  }
  if (!options.team && options.publicUrl !== undefined) {
    throw new Error('--public-url is for a team server: add --team');
  }
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
    throw new Error(
      `${options.tlsCert === undefined ? '--tls-key needs --tls-cert FILE' : '--tls-cert needs --tls-key FILE'} too`,
    );
  }
  return {
    ...(options.team && options.publicUrl !== undefined ? { team: { publicUrl: options.publicUrl } } : {}),
    ...(options.tlsCert !== undefined && options.tlsKey !== undefined
      ? { tls: { certFile: options.tlsCert, keyFile: options.tlsKey } }
      : {}),
    behindProxy: options.behindProxy ?? false,
  };
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the companion on 127.0.0.1: it receives annotations from the extension by sync.')
    .option(
      '--port <port>',
      `port to listen on, 0 for any free one (env MARGIN_PORT, default ${DEFAULT_PORT})`,
      portOption,
    )
    .option('--data-dir <dir>', 'where the database and token live (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP)
    .option(
      '--host <address>',
      'address to listen on; anything but 127.0.0.1 or ::1 also needs --team (or --expose) and TLS',
      '127.0.0.1',
    )
    .option('--expose', 'allow a non-loopback --host (exposes your annotations to whoever can reach it)')
    .option('--team', 'serve a team at --public-url (docs/team.md)')
    .option('--public-url <url>', 'the https:// address people open (a team server): its host and origin are accepted')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert')
    .option('--behind-proxy', 'a TLS proxy on this machine (Caddy, nginx) is in front: trust its X-Forwarded-Proto/For')
    .option('--show-pairing', 'also print the pairing token to paste into the extension')
    .addHelpText(
      'after',
      '\nPrints "Margin companion <version> listening on <url>" once it accepts requests, then the next ' +
        'steps in the browser and a one-time sign-in link to the dashboard. Where it listens is written to ' +
        '<data-dir>/companion.json (removed on a clean stop), so "margin dashboard" finds it on any port. ' +
        'SIGINT or SIGTERM stop it gracefully.',
    )
    .action(async (options: ServeCommandOptions) => {
      const logger = createConsoleLogger();
      const dataDir = options.dataDir ?? defaultDataDir();
      const port = options.port ?? defaultPort();
      const database = chosenDatabase(options.database, dataDir);
      const running = await startServer({
        host: options.host,
        port,
        dataDir,
        database,
        logger,
        allowNonLoopback: options.expose ?? false,
        ...teamOptions(options),
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') {
          throw new Error(`port ${port} is already in use; choose another with --port or MARGIN_PORT`);
        }
        throw error;
      });
      // Where it listens, for "margin dashboard" and the other commands (removed again on a clean
      // stop). Written before the first line, so whoever waits for that line finds the file too.
      writeCompanionFile(dataDir, {
        url: running.url,
        port: running.port,
        pid: process.pid,
        started: new Date().toISOString(),
        version,
      });
      const shutdown = (signal: string) => {
        logger.info(`${signal}: finishing requests in flight, then closing the database`);
        // A stuck connection must not keep the process alive forever.
        setTimeout(() => process.exit(1), 10_000).unref();
        removeCompanionFile(dataDir);
        running.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));

      // The first line is the one scripts and tests parse: keep its shape.
      console.log(`Margin companion ${version} listening on ${running.url}`);
      console.log(`Data directory: ${dataDir}`);
      console.log(`Database: ${running.database}`);
      printNextSteps(running.url, dataDir, options.showPairing ?? false);
      // A one-time link, so the dashboard opens signed in without the token ever being in a URL.
      const link = await requestSignInLink(running.url, readOrCreateToken(dataDir)).catch(() => undefined);
      console.log(
        link
          ? `Dashboard (this sign-in link works once, for two minutes): ${link.url}`
          : `Dashboard: ${running.url}/ (sign in with a link from "margin dashboard")`,
      );
      console.log('Later, "margin dashboard" prints a fresh sign-in link.');
    });
}

/** What to do next in the browser: load the extension, then pair it in its options. */
function printNextSteps(url: string, dataDir: string, showPairing: boolean): void {
  const folder = (browser: string) => packagePath('extension', '.output', browser);
  console.log('');
  console.log('Next, in your browser:');
  if (existsSync(packagePath('extension', 'wxt.config.ts'))) {
    // A clone of the repository: the extension is built (or can be) right here.
    const built = existsSync(folder('chrome-mv3'));
    console.log(`  1. Load the Margin extension${built ? ':' : ' (build it first: npm run build):'}`);
    console.log(
      `       Chrome / Chromium: chrome://extensions → Developer mode → Load unpacked → ${folder('chrome-mv3')}`,
    );
    console.log(
      `       Firefox:           about:debugging → This Firefox → Load Temporary Add-on → ${folder('firefox-mv3')}/manifest.json`,
    );
  } else {
    // The installed package ships the companion only; the extension comes from the browser's store.
    console.log('  1. Install the Margin extension from the Chrome Web Store or Firefox Add-ons.');
  }
  console.log("  2. Open the extension's options and pair it with this companion:");
  console.log(`       address: ${url}`);
  console.log(
    showPairing
      ? `       token:   ${readOrCreateToken(dataDir)}`
      : '       token:   run "margin token" in another terminal and paste what it prints',
  );
  console.log('');
}
