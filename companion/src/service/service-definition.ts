/** What a user-level service runs: `node <margin.js> serve --port <port> --data-dir <dir>`. */
export interface ServiceDefinition {
  /** The Node binary (process.execPath), absolute: a service does not see the login shell's PATH. */
  node: string;
  /** The `margin` entry point, absolute (bin/margin.js of this installation). */
  script: string;
  port: number;
  /** Absolute: the service must use the same data directory as the person's `margin` commands. */
  dataDir: string;
  /** Where launchd writes the companion's output (systemd keeps it in the journal). */
  logFile?: string;
}

export function serveArguments(definition: ServiceDefinition): string[] {
  return [
    definition.node,
    definition.script,
    'serve',
    '--port',
    String(definition.port),
    '--data-dir',
    definition.dataDir,
  ];
}

/** Runs a command to its end: injected, so tests see what would run without a service manager. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
) => Promise<{ code: number; stdout: string; stderr: string }>;

/** What `margin service status` reports, in words a person reads. */
export interface ServiceStatus {
  installed: boolean;
  /** The unit file or agent plist. */
  file: string;
  /** Enabled or loaded by the service manager: starts with the session. */
  enabled: boolean | null;
  running: boolean | null;
  /** Why enabled/running are unknown (no user systemd, launchctl missing), or null. */
  managerProblem: string | null;
  /** The port the installed service was written with. */
  port: number | null;
}

/** One platform's user-level service manager. */
export interface UserServiceManager {
  readonly name: string;
  readonly file: string;
  /** Writes the unit (or plist), then enables and starts it; lines to print. */
  install(definition: ServiceDefinition): Promise<string[]>;
  uninstall(): Promise<string[]>;
  status(): Promise<ServiceStatus>;
}

/** A first line of a failed command's output, for a message. */
export function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
