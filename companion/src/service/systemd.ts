import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CommandRunner,
  firstLine,
  type ServiceDefinition,
  serveArguments,
  type UserServiceManager,
} from './service-definition.ts';

export const SYSTEMD_UNIT_NAME = 'margin.service';

/**
 * One argument of ExecStart as systemd reads it: bare when safe, else double-quoted with `\` and `"`
 * escaped. `%` (specifiers) and `$` (variable expansion) are doubled either way.
 */
export function systemdArgument(value: string): string {
  const escaped = value.replaceAll('%', '%%').replaceAll('$', '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./$-]+$/.test(escaped)) return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** The systemd user unit: started with the person's session, restarted if it fails. */
export function systemdUnit(definition: ServiceDefinition): string {
  return [
    '# Written by `margin service install`; remove with `margin service uninstall`.',
    '[Unit]',
    'Description=Margin companion (stores annotations from the Margin browser extension)',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${serveArguments(definition).map(systemdArgument).join(' ')}`,
    'Restart=on-failure',
    'RestartSec=5',
    // The companion stops gracefully on SIGTERM (finishes requests, closes the database).
    'TimeoutStopSec=15',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

/** `$XDG_CONFIG_HOME/systemd/user`, where a user unit lives. */
export function systemdUserDir(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'systemd', 'user');
}

/** The port in an installed unit's ExecStart, to tell status where to look. */
export function portOfUnit(text: string): number | null {
  const match = /^ExecStart=.*\s--port\s+"?(\d+)"?/m.exec(text);
  return match?.[1] ? Number(match[1]) : null;
}

export function createSystemdManager(deps: { unitDir: string; run: CommandRunner }): UserServiceManager {
  const file = join(deps.unitDir, SYSTEMD_UNIT_NAME);
  const systemctl = (...args: string[]) => deps.run('systemctl', ['--user', ...args]);
  const noUserManager = (said: string) =>
    `no systemd user instance is running for you here (systemctl --user said: ${firstLine(said) || 'nothing'})`;

  return {
    name: 'systemd user unit',
    file,
    async install(definition) {
      await mkdir(deps.unitDir, { recursive: true });
      await writeFile(file, systemdUnit(definition));
      const lines = [`Wrote ${file}.`];
      const reload = await systemctl('daemon-reload');
      if (reload.code !== 0) {
        throw new Error(
          `${lines[0]} But ${noUserManager(reload.stderr)}, so it is not enabled. In a login session with ` +
            `systemd, run: systemctl --user daemon-reload && systemctl --user enable --now ${SYSTEMD_UNIT_NAME}`,
        );
      }
      const enable = await systemctl('enable', '--now', SYSTEMD_UNIT_NAME);
      if (enable.code !== 0) {
        throw new Error(`${lines[0]} systemctl --user enable --now failed: ${firstLine(enable.stderr)}`);
      }
      lines.push(
        `Enabled and started ${SYSTEMD_UNIT_NAME}: the companion now starts when you log in.`,
        `Logs: journalctl --user -u ${SYSTEMD_UNIT_NAME}. To keep it running while you are logged out: loginctl enable-linger.`,
      );
      return lines;
    },
    async uninstall() {
      const lines: string[] = [];
      const disable = await systemctl('disable', '--now', SYSTEMD_UNIT_NAME);
      if (disable.code === 0) lines.push(`Stopped and disabled ${SYSTEMD_UNIT_NAME}.`);
      else if (existsSync(file))
        lines.push(`Could not disable it (${firstLine(disable.stderr)}); removing the unit anyway.`);
      if (existsSync(file)) {
        await rm(file);
        lines.push(`Removed ${file}.`);
        await systemctl('daemon-reload');
      } else {
        lines.push(`No unit at ${file}: nothing to remove.`);
      }
      return lines;
    },
    async status() {
      const installed = existsSync(file);
      const port = installed ? portOfUnit(await readFile(file, 'utf8')) : null;
      // "running" or "degraded" (a unit failed) with a user manager; "offline", or nothing, without one.
      const manager = await systemctl('is-system-running');
      const state = manager.stdout.trim();
      if (state === '' || state === 'offline' || state === 'unknown') {
        const said = state || firstLine(manager.stderr) || `exit code ${manager.code}`;
        return { installed, file, enabled: null, running: null, managerProblem: noUserManager(said), port };
      }
      const enabled = await systemctl('is-enabled', SYSTEMD_UNIT_NAME);
      const active = await systemctl('is-active', SYSTEMD_UNIT_NAME);
      return {
        installed,
        file,
        enabled: enabled.stdout.trim() === 'enabled',
        running: active.stdout.trim() === 'active',
        managerProblem: null,
        port,
      };
    },
  };
}
