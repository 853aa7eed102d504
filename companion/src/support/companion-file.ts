import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defaultPort } from './config.ts';

/**
 * `<data-dir>/companion.json`: where the running companion listens, so `margin dashboard` (and any
 * command that talks to it) finds a companion started with `--port 9000` without being told again.
 * Written once the server listens, removed on a clean stop; a file left by a killed companion names a
 * process that is gone and is ignored.
 */
export const COMPANION_FILE = 'companion.json';

export const companionInfoSchema = z.object({
  url: z.url(),
  port: z.int().min(1).max(65_535),
  pid: z.int().min(1),
  /** When it started listening (ISO). */
  started: z.iso.datetime({ offset: true }),
  version: z.string(),
});
export type CompanionInfo = z.infer<typeof companionInfoSchema>;

export function companionFilePath(dataDir: string): string {
  return join(dataDir, COMPANION_FILE);
}

/** Writes the file through a rename, so a reader never sees half of it. */
export function writeCompanionFile(dataDir: string, info: CompanionInfo): void {
  const path = companionFilePath(dataDir);
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** Removes the file if it still describes process `pid` (a newer companion on this data directory keeps its own). */
export function removeCompanionFile(dataDir: string, pid = process.pid): void {
  const current = readCompanionFile(dataDir);
  if (current?.pid !== pid) return;
  try {
    unlinkSync(companionFilePath(dataDir));
  } catch {
    // already gone
  }
}

/** The file as written, or undefined when missing or unreadable. */
export function readCompanionFile(dataDir: string): CompanionInfo | undefined {
  let text: string;
  try {
    text = readFileSync(companionFilePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = companionInfoSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's process.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The companion running on this data directory, if its file names a live process. */
export function runningCompanion(dataDir: string): CompanionInfo | undefined {
  const info = readCompanionFile(dataDir);
  return info && isRunning(info.pid) ? info : undefined;
}

/** Where to reach the companion, and how that was decided (for messages when nothing answers). */
export interface CompanionAddress {
  url: string;
  port: number;
  from: '--port' | 'companion.json' | 'MARGIN_PORT' | 'default';
}

/**
 * The companion to talk to: `--port` if given; else the one running on this data directory
 * (companion.json); else `MARGIN_PORT`; else the default port.
 */
export function companionAddress(
  dataDir: string,
  port: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): CompanionAddress {
  if (port !== undefined) return { url: `http://127.0.0.1:${port}`, port, from: '--port' };
  const running = runningCompanion(dataDir);
  if (running) return { url: running.url, port: running.port, from: 'companion.json' };
  const fallback = defaultPort(env);
  return {
    url: `http://127.0.0.1:${fallback}`,
    port: fallback,
    from: env.MARGIN_PORT !== undefined && env.MARGIN_PORT !== '' ? 'MARGIN_PORT' : 'default',
  };
}

/** Which companion was tried and why, for "no companion answers" messages: `port 9000 (from --port)`. */
export function describeAddress(address: CompanionAddress): string {
  const host = new URL(address.url).hostname;
  const where = host === '127.0.0.1' ? `port ${address.port}` : address.url;
  switch (address.from) {
    case '--port':
      return `${where} (from --port)`;
    case 'companion.json':
      return `${where} (where the companion of this data directory said it listens)`;
    case 'MARGIN_PORT':
      return `${where} (from MARGIN_PORT; no running companion is recorded in this data directory)`;
    case 'default':
      return `${where} (the default; no running companion is recorded in this data directory)`;
  }
}
