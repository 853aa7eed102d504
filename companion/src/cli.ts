import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_PORT, defaultDataDir, defaultPort, parsePort } from './config.ts';
import { startServer } from './server.ts';
import { version } from './version.ts';

function portOption(raw: string): number {
  try {
    return parsePort(raw, '--port');
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

const program = new Command('margin')
  .description('Margin companion: stores annotations from the extension and exports datasets.')
  .version(version);

program
  .command('serve')
  .description('Run the companion on 127.0.0.1.')
  .option('--port <port>', `port to listen on (env MARGIN_PORT, default ${DEFAULT_PORT})`, portOption)
  .option('--data-dir <dir>', 'where the database and token live (env MARGIN_DATA_DIR)')
  .action(async (options: { port?: number; dataDir?: string }) => {
    const running = await startServer({
      host: '127.0.0.1',
      port: options.port ?? defaultPort(),
      dataDir: options.dataDir ?? defaultDataDir(),
    });
    console.log(`Margin companion listening on ${running.url}`);
    const shutdown = (signal: string) => {
      console.log(`${signal}: shutting down`);
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

program.parseAsync().catch((error: unknown) => {
  console.error(`margin: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
