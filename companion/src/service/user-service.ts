import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { createLaunchdManager } from './launchd.ts';
import type { CommandRunner, UserServiceManager } from './service-definition.ts';
import { createSystemdManager, systemdUserDir } from './systemd.ts';

export interface PlatformDeps {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
  uid: number;
  run: CommandRunner;
}

/** The service manager of this platform: systemd on Linux, launchd on macOS; anything else is a clear error. */
export function userServiceManager(deps: PlatformDeps): UserServiceManager {
  if (deps.platform === 'linux') {
    return createSystemdManager({ unitDir: systemdUserDir(deps.env, deps.home), run: deps.run });
  }
  if (deps.platform === 'darwin') {
    return createLaunchdManager({
      agentsDir: join(deps.home, 'Library', 'LaunchAgents'),
      uid: deps.uid,
      run: deps.run,
    });
  }
  throw new Error(
    `margin service knows systemd (Linux) and launchd (macOS), not ${deps.platform}. ` +
      'Start "margin serve" at login with your system\'s own tool (on Windows: Task Scheduler, "At log on").',
  );
}

/** This machine's platform, home and user id. */
export function currentPlatform(run: CommandRunner): PlatformDeps {
  return { platform: process.platform, env: process.env, home: homedir(), uid: userInfo().uid, run };
}

/** Where launchd writes the companion's output on macOS. */
export function launchdLogFile(home: string): string {
  return join(home, 'Library', 'Logs', 'Margin', 'companion.log');
}
