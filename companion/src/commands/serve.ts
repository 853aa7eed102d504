import type { Command } from 'commander';
import { DEFAULT_PORT, defaultDataDir, defaultPort } from '../config.ts';
import { startServer } from '../server.ts';
import { portOption } from './options.ts';

export function registerServeCommand(program: Command): void {
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
}
