import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_PORT = 8787;

/** `$MARGIN_DATA_DIR`, else `$XDG_DATA_HOME/margin`, else `~/.local/share/margin`. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MARGIN_DATA_DIR) return env.MARGIN_DATA_DIR;
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'margin');
}

/** `$MARGIN_PORT` when it is a valid port, else the default. */
export function defaultPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MARGIN_PORT;
  if (raw === undefined || raw === '') return DEFAULT_PORT;
  return parsePort(raw, 'MARGIN_PORT');
}

export function parsePort(raw: string, source: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${source} must be a whole number from 0 to 65535, got "${raw}"`);
  }
  return port;
}
