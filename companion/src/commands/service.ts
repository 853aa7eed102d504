import { resolve } from 'node:path';
import type { Command } from 'commander';
import { API } from '../../../shared/index.ts';
import { runCommand } from '../service/run-command.ts';
import type { ServiceStatus } from '../service/service-definition.ts';
import { currentPlatform, launchdLogFile, userServiceManager } from '../service/user-service.ts';
import { DEFAULT_PORT, defaultDataDir, defaultPort } from '../support/config.ts';
import { ensureDataDir } from '../support/data-dir.ts';
import { packagePath } from '../support/package-root.ts';
import { portOption } from './options.ts';

/** What answers on the service's port, in a few words. */
async function probe(port: number): Promise<string> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${API.sync.health.path}`, {
      signal: AbortSignal.timeout(2_000),
    });
    const body = (await response.json()) as { version?: unknown };
    return typeof body.version === 'string'
      ? `Margin ${body.version} answers at http://127.0.0.1:${port}`
      : `something that is not Margin answers on port ${port}`;
  } catch {
    return `nothing answers on port ${port}`;
  }
}

const yesNo = (value: boolean | null) => (value === null ? 'unknown' : value ? 'yes' : 'no');

function statusLines(name: string, status: ServiceStatus, answer: string | null): string[] {
  return [
    `Margin companion as a ${name}`,
    `  file:     ${status.file} (${status.installed ? 'installed' : 'not installed'})`,
    `  enabled:  ${yesNo(status.enabled)}${status.enabled ? ' (starts when you log in)' : ''}`,
    `  running:  ${yesNo(status.running)}`,
    ...(answer ? [`  answers:  ${answer}`] : []),
    ...(status.managerProblem ? [`Note: ${status.managerProblem}; enabled and running cannot be told.`] : []),
    ...(!status.installed ? ['Run "margin service install" to start the companion when you log in.'] : []),
  ];
}

export function registerServiceCommand(program: Command): void {
  const service = program
    .command('service')
    .description('Start the companion when you log in: a systemd user unit (Linux) or a launchd agent (macOS).');

  service
    .command('install')
    .description('Write the unit (or agent), enable it and start it now.')
    .option('--port <port>', `port to listen on (env MARGIN_PORT, default ${DEFAULT_PORT})`, portOption)
    .option('--data-dir <dir>', 'where the database and token live (env MARGIN_DATA_DIR)')
    .addHelpText(
      'after',
      '\nThe service runs this installation of margin with this Node.js; after moving either, install again.',
    )
    .action(async (options: { port?: number; dataDir?: string }) => {
      const platform = currentPlatform(runCommand);
      const manager = userServiceManager(platform);
      const dataDir = resolve(options.dataDir ?? defaultDataDir());
      ensureDataDir(dataDir);
      const script = packagePath('bin', 'margin.js');
      if (/[\\/]_npx[\\/]/.test(script)) {
        console.error(
          'Warning: this margin runs from npx\'s cache, which can be cleared. Install it for good ("npm install -g margin") and run "margin service install" from there.',
        );
      }
      const lines = await manager.install({
        node: process.execPath,
        script,
        port: options.port ?? defaultPort(),
        dataDir,
        logFile: launchdLogFile(platform.home),
      });
      for (const line of lines) console.log(line);
    });

  service
    .command('uninstall')
    .description('Stop the service and remove its unit (or agent); your data stays.')
    .action(async () => {
      const manager = userServiceManager(currentPlatform(runCommand));
      for (const line of await manager.uninstall()) console.log(line);
    });

  service
    .command('status')
    .description('Say whether the service is installed, enabled and running, and what answers on its port.')
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }) => {
      const manager = userServiceManager(currentPlatform(runCommand));
      const status = await manager.status();
      const answer = status.port === null ? null : await probe(status.port);
      if (options.json) {
        console.log(JSON.stringify({ manager: manager.name, ...status, answer }));
        return;
      }
      for (const line of statusLines(manager.name, status, answer)) console.log(line);
    });
}
