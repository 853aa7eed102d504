import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { startServer } from '../server.ts';
import { DEFAULT_PORT, defaultDataDir, defaultPort } from '../support/config.ts';
import { chosenDatabase, DATABASE_OPTION_HELP } from '../support/data-dir.ts';
import { createConsoleLogger } from '../support/logger.ts';
import { readOrCreateToken } from '../support/token.ts';
import { version } from '../support/version.ts';
import { portOption } from './options.ts';

interface ServeCommandOptions {
  port?: number;
  dataDir?: string;
  database?: string;
  host: string;
  expose?: boolean;
  showPairing?: boolean;
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
    .option('--host <address>', 'address to listen on; anything but 127.0.0.1 or ::1 also needs --expose', '127.0.0.1')
    .option('--expose', 'allow a non-loopback --host (exposes your annotations to whoever can reach it)')
    .option('--show-pairing', 'also print the folders to load the extension from and the pairing token')
    .addHelpText(
      'after',
      '\nPrints "Margin companion <version> listening on <url>" once it accepts requests. ' +
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
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE') {
          throw new Error(`port ${port} is already in use; choose another with --port or MARGIN_PORT`);
        }
        throw error;
      });
      // The first line is the one scripts and tests parse: keep its shape.
      console.log(`Margin companion ${version} listening on ${running.url}`);
      console.log(`Data directory: ${dataDir}`);
      console.log(`Database: ${running.database}`);
      console.log(`Dashboard: ${running.url}/ (sign in with a link from "margin dashboard", or paste the token)`);
      if (options.showPairing) {
        const folder = (browser: string) =>
          fileURLToPath(new URL(`../../../extension/.output/${browser}`, import.meta.url));
        console.log('Load the extension from:');
        console.log(`  Chrome / Chromium: ${folder('chrome-mv3')}  (chrome://extensions → Load unpacked)`);
        console.log(
          `  Firefox:           ${folder('firefox-mv3')}/manifest.json  (about:debugging → Load Temporary Add-on)`,
        );
        console.log(`Pairing token (paste it into the extension's options): ${readOrCreateToken(dataDir)}`);
      } else {
        console.log('Run "margin token" to print the pairing token for the extension.');
      }
      const shutdown = (signal: string) => {
        logger.info(`${signal}: finishing requests in flight, then closing the database`);
        // A stuck connection must not keep the process alive forever.
        setTimeout(() => process.exit(1), 10_000).unref();
        running.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
}
