import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLaunchdManager, LAUNCHD_LABEL, launchdPlist } from '../../companion/src/service/launchd.ts';
import type { CommandRunner, ServiceDefinition } from '../../companion/src/service/service-definition.ts';
import {
  createSystemdManager,
  portOfUnit,
  SYSTEMD_UNIT_NAME,
  systemdArgument,
  systemdUnit,
  systemdUserDir,
} from '../../companion/src/service/systemd.ts';
import { userServiceManager } from '../../companion/src/service/user-service.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';

interface Call {
  command: string;
  args: readonly string[];
}

/** A service manager that answers from a table and records what would have run. */
function scriptedRunner(answers: Record<string, { code?: number; stdout?: string; stderr?: string }>) {
  const calls: Call[] = [];
  const run: CommandRunner = async (command, args) => {
    calls.push({ command, args });
    const answer = answers[[command, ...args].join(' ')] ?? {};
    return { code: answer.code ?? 0, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' };
  };
  return { run, calls, lines: () => calls.map((call) => [call.command, ...call.args].join(' ')) };
}

const NO_BUS = { code: 1, stderr: 'Failed to connect to bus: No medium found' };

describe('margin service', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let definition: ServiceDefinition;
  beforeEach(async () => {
    dir = await makeTempDir('service');
    definition = {
      node: process.execPath,
      script: join(repoRoot, 'bin', 'margin.js'),
      port: 8790,
      // A space, a percent sign and a dollar: systemd would read each as something else unescaped.
      dataDir: join(dir.path, 'my data 100% $HOME'),
      logFile: join(dir.path, 'Logs', 'companion.log'),
    };
  });
  afterEach(() => dir.remove());

  describe('systemd user unit (Linux)', () => {
    it('quotes ExecStart arguments the way systemd reads them', () => {
      expect(systemdArgument('/usr/bin/node')).toBe('/usr/bin/node');
      expect(systemdArgument('/home/a b/data')).toBe('"/home/a b/data"');
      expect(systemdArgument('100%')).toBe('100%%');
      expect(systemdArgument('$HOME')).toBe('$$HOME');
      expect(systemdArgument('say "hi" \\ now')).toBe('"say \\"hi\\" \\\\ now"');
      expect(systemdUnit(definition)).toContain(
        `ExecStart=${process.execPath} ${definition.script} serve --port 8790 --data-dir "${join(dir.path, 'my data 100%% $$HOME')}"`,
      );
      expect(portOfUnit(systemdUnit(definition))).toBe(8790);
    });

    it('lives in $XDG_CONFIG_HOME/systemd/user, else ~/.config/systemd/user', () => {
      expect(systemdUserDir({ XDG_CONFIG_HOME: '/x/config' }, '/home/ada')).toBe('/x/config/systemd/user');
      expect(systemdUserDir({}, '/home/ada')).toBe('/home/ada/.config/systemd/user');
    });

    it('install writes the unit, reloads systemd, enables and starts it; uninstall undoes all of it', async () => {
      const unitDir = join(dir.path, 'systemd', 'user');
      const runner = scriptedRunner({});
      const manager = createSystemdManager({ unitDir, run: runner.run });
      const said = await manager.install(definition);
      const file = join(unitDir, SYSTEMD_UNIT_NAME);
      expect(readFileSync(file, 'utf8')).toBe(systemdUnit(definition));
      expect(runner.lines()).toEqual([
        'systemctl --user daemon-reload',
        `systemctl --user enable --now ${SYSTEMD_UNIT_NAME}`,
      ]);
      expect(said.join('\n')).toContain('starts when you log in');

      const removed = await manager.uninstall();
      expect(existsSync(file)).toBe(false);
      expect(runner.lines().slice(2)).toEqual([
        `systemctl --user disable --now ${SYSTEMD_UNIT_NAME}`,
        'systemctl --user daemon-reload',
      ]);
      expect(removed).toEqual([`Stopped and disabled ${SYSTEMD_UNIT_NAME}.`, `Removed ${file}.`]);
    });

    it('without a user systemd, install keeps the unit and says exactly what to run, and status says why it cannot tell', async () => {
      const unitDir = join(dir.path, 'user');
      const runner = scriptedRunner({
        'systemctl --user daemon-reload': NO_BUS,
        'systemctl --user is-system-running': { code: 1, stdout: 'offline\n' },
      });
      const manager = createSystemdManager({ unitDir, run: runner.run });
      await expect(manager.install(definition)).rejects.toThrow(
        /no systemd user instance is running for you here \(systemctl --user said: Failed to connect to bus: No medium found\), so it is not enabled\. .*systemctl --user daemon-reload && systemctl --user enable --now margin\.service/,
      );
      expect(existsSync(join(unitDir, SYSTEMD_UNIT_NAME))).toBe(true);
      expect(await manager.status()).toEqual({
        installed: true,
        file: join(unitDir, SYSTEMD_UNIT_NAME),
        enabled: null,
        running: null,
        managerProblem: 'no systemd user instance is running for you here (systemctl --user said: offline)',
        port: 8790,
      });
    });

    it('status reads enabled and active from a running user systemd', async () => {
      const unitDir = join(dir.path, 'user');
      mkdirSync(unitDir, { recursive: true });
      writeFileSync(join(unitDir, SYSTEMD_UNIT_NAME), systemdUnit(definition));
      const runner = scriptedRunner({
        'systemctl --user is-system-running': { stdout: 'degraded\n', code: 1 },
        'systemctl --user is-enabled margin.service': { stdout: 'enabled\n' },
        'systemctl --user is-active margin.service': { stdout: 'inactive\n', code: 3 },
      });
      expect(await createSystemdManager({ unitDir, run: runner.run }).status()).toMatchObject({
        installed: true,
        enabled: true,
        running: false,
        managerProblem: null,
        port: 8790,
      });
    });

    // Linux only, where systemd is; on macOS the plist test below runs plutil instead.
    it.runIf(process.platform === 'linux')('passes systemd-analyze verify, as a user unit, with no warning', () => {
      const found = spawnSync('systemd-analyze', ['--version']);
      if (found.error) {
        throw new Error(
          'systemd-analyze is missing; install it with: sudo apt-get update && sudo apt-get install -y systemd',
        );
      }
      const unit = join(dir.path, SYSTEMD_UNIT_NAME);
      writeFileSync(unit, systemdUnit(definition));
      // Its own runtime directory: verify needs one for --user, and a CI container has no user session.
      const runtime = join(dir.path, 'runtime');
      mkdirSync(runtime, { mode: 0o700 });
      const verified = spawnSync('systemd-analyze', ['verify', '--user', unit], {
        encoding: 'utf8',
        env: { ...process.env, XDG_RUNTIME_DIR: runtime },
      });
      expect(verified.stderr).toBe('');
      expect(verified.status).toBe(0);
      // And it does catch a broken unit (so a pass above means something).
      writeFileSync(unit, systemdUnit(definition).replace('Restart=on-failure', 'Restart=sometimes'));
      const broken = spawnSync('systemd-analyze', ['verify', '--user', unit], {
        encoding: 'utf8',
        env: { ...process.env, XDG_RUNTIME_DIR: runtime },
      });
      expect(broken.stderr).toMatch(/margin\.service:\d+: Failed to parse service restart specifier/);
    });
  });

  describe('launchd agent (macOS)', () => {
    it('is a property list launchd loads at login, with the same arguments', () => {
      const plist = launchdPlist(definition);
      const file = join(dir.path, `${LAUNCHD_LABEL}.plist`);
      writeFileSync(file, plist);
      // plistlib parses property lists as macOS does; python3 is there for the review example too.
      const parsed = JSON.parse(
        execFileSync('python3', [
          '-c',
          'import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], "rb"))))',
          file,
        ]).toString(),
      );
      expect(parsed).toEqual({
        Label: LAUNCHD_LABEL,
        ProgramArguments: [
          process.execPath,
          definition.script,
          'serve',
          '--port',
          '8790',
          '--data-dir',
          definition.dataDir,
        ],
        RunAtLoad: true,
        KeepAlive: { SuccessfulExit: false },
        StandardOutPath: definition.logFile,
        StandardErrorPath: definition.logFile,
      });
      if (process.platform === 'darwin') execFileSync('plutil', ['-lint', file]);
    });

    it('install bootstraps the agent in the GUI domain, status reads launchctl print, uninstall boots it out', async () => {
      const agentsDir = join(dir.path, 'LaunchAgents');
      const target = `gui/501/${LAUNCHD_LABEL}`;
      const runner = scriptedRunner({ [`launchctl print ${target}`]: { stdout: '\tstate = running\n' } });
      const manager = createLaunchdManager({ agentsDir, uid: 501, run: runner.run });
      await manager.install(definition);
      const file = join(agentsDir, `${LAUNCHD_LABEL}.plist`);
      expect(readFileSync(file, 'utf8')).toBe(launchdPlist(definition));
      expect(runner.lines()).toEqual([`launchctl bootstrap gui/501 ${file}`]);
      expect(await manager.status()).toEqual({
        installed: true,
        file,
        enabled: true,
        running: true,
        managerProblem: null,
        port: 8790,
      });
      await manager.uninstall();
      expect(existsSync(file)).toBe(false);
      expect(runner.lines().at(-1)).toBe(`launchctl bootout ${target}`);
    });
  });

  it('names the platforms it knows on any other', () => {
    expect(() =>
      userServiceManager({ platform: 'win32', env: {}, home: 'C:\\Users\\ada', uid: -1, run: scriptedRunner({}).run }),
    ).toThrow(/systemd \(Linux\) and launchd \(macOS\), not win32\. .*Task Scheduler/);
  });
});
