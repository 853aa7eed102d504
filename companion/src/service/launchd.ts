import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type CommandRunner,
  firstLine,
  type ServiceDefinition,
  type ServiceStatus,
  serveArguments,
  type UserServiceManager,
} from './service-definition.ts';

export const LAUNCHD_LABEL = 'dev.margin.companion';

function xmlText(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/**
 * The launchd agent: loaded at login (RunAtLoad), started again if it exits with an error (KeepAlive
 * on failure only, so `margin service uninstall` or a clean stop is not undone).
 */
export function launchdPlist(definition: ServiceDefinition): string {
  const args = serveArguments(definition)
    .map((arg) => `    <string>${xmlText(arg)}</string>`)
    .join('\n');
  const log = definition.logFile ? xmlText(definition.logFile) : '/dev/null';
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by \`margin service install\`; remove with \`margin service uninstall\`. -->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>StandardOutPath</key>
  <string>${log}</string>
  <key>StandardErrorPath</key>
  <string>${log}</string>
</dict>
</plist>
`;
}

/** The port in an installed plist's arguments. */
export function portOfPlist(text: string): number | null {
  const match = /<string>--port<\/string>\s*<string>(\d+)<\/string>/.exec(text);
  return match?.[1] ? Number(match[1]) : null;
}

export function createLaunchdManager(deps: { agentsDir: string; uid: number; run: CommandRunner }): UserServiceManager {
  const file = join(deps.agentsDir, `${LAUNCHD_LABEL}.plist`);
  const domain = `gui/${deps.uid}`;
  const launchctl = (...args: string[]) => deps.run('launchctl', args);

  return {
    name: 'launchd agent',
    file,
    async install(definition) {
      await mkdir(deps.agentsDir, { recursive: true });
      if (definition.logFile) await mkdir(dirname(definition.logFile), { recursive: true });
      // A loaded agent keeps its old arguments until it is booted out; reinstalling replaces it.
      if (existsSync(file)) await launchctl('bootout', `${domain}/${LAUNCHD_LABEL}`);
      await writeFile(file, launchdPlist(definition));
      const loaded = await launchctl('bootstrap', domain, file);
      if (loaded.code !== 0) {
        throw new Error(`Wrote ${file}, but launchctl bootstrap ${domain} failed: ${firstLine(loaded.stderr)}`);
      }
      return [
        `Wrote ${file} and loaded it: the companion now starts when you log in.`,
        ...(definition.logFile ? [`Logs: ${definition.logFile}`] : []),
      ];
    },
    async uninstall() {
      const lines: string[] = [];
      const out = await launchctl('bootout', `${domain}/${LAUNCHD_LABEL}`);
      if (out.code === 0) lines.push(`Stopped and unloaded ${LAUNCHD_LABEL}.`);
      if (existsSync(file)) {
        await rm(file);
        lines.push(`Removed ${file}.`);
      } else {
        lines.push(`No agent at ${file}: nothing to remove.`);
      }
      return lines;
    },
    async status(): Promise<ServiceStatus> {
      const installed = existsSync(file);
      const port = installed ? portOfPlist(await readFile(file, 'utf8')) : null;
      const printed = await launchctl('print', `${domain}/${LAUNCHD_LABEL}`);
      if (printed.code === 127) {
        return { installed, file, enabled: null, running: null, managerProblem: firstLine(printed.stderr), port };
      }
      const loaded = printed.code === 0;
      return {
        installed,
        file,
        enabled: loaded,
        running: loaded && /^\s*state = running/m.test(printed.stdout),
        managerProblem: null,
        port,
      };
    },
  };
}
