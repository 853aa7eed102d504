import { existsSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { API, parseRouteResult } from '../../../shared/index.ts';
import { DATABASE_FILE } from '../storage/sqlite/sqlite-store.ts';
import { COMPANION_FILE } from './companion-file.ts';
import { readToken, TOKEN_FILE } from './token.ts';

/**
 * Every file the companion writes in its data directory. `margin purge` deletes these and nothing
 * else: a data directory pointed at the wrong folder (a home directory, say) loses nothing that is not
 * Margin's. A new kind of file the companion keeps belongs in this list.
 */
export const DATA_DIR_FILES: readonly string[] = [
  DATABASE_FILE,
  `${DATABASE_FILE}-wal`,
  `${DATABASE_FILE}-shm`,
  `${DATABASE_FILE}-journal`,
  TOKEN_FILE,
  // Where a companion said it listens; one left by a killed companion names a process that is gone.
  COMPANION_FILE,
];

export interface PurgePlan {
  dataDir: string;
  /** Margin's files that exist, with their sizes. */
  files: { name: string; bytes: number }[];
  /** Other files in the directory, which purge leaves alone. */
  others: string[];
}

export function planPurge(dataDir: string): PurgePlan {
  if (!existsSync(dataDir)) return { dataDir, files: [], others: [] };
  const names = readdirSync(dataDir);
  return {
    dataDir,
    files: DATA_DIR_FILES.filter((name) => names.includes(name)).map((name) => ({
      name,
      bytes: statSync(join(dataDir, name)).size,
    })),
    others: names.filter((name) => !DATA_DIR_FILES.includes(name)),
  };
}

/** Deletes the plan's files, then the directory if nothing else is in it; says whether it went. */
export function carryOutPurge(plan: PurgePlan): { removedDir: boolean } {
  for (const file of plan.files) rmSync(join(plan.dataDir, file.name), { force: true });
  if (existsSync(plan.dataDir) && readdirSync(plan.dataDir).length === 0) {
    rmdirSync(plan.dataDir);
    return { removedDir: true };
  }
  return { removedDir: false };
}

/**
 * Whether a companion serving this data directory answers on `port`: deleting its database under it
 * would leave it writing to a file nobody can see. Asked with the directory's own token, so another
 * companion on the port (another directory, another token) is not mistaken for it.
 */
export async function companionServing(dataDir: string, port: number): Promise<boolean> {
  const token = readToken(dataDir);
  if (token === undefined) return false;
  try {
    const response = await fetch(`http://127.0.0.1:${port}${API.dashboard.settings.path}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(2_000),
    });
    if (!response.ok) return false;
    const parsed = parseRouteResult(API.dashboard.settings, await response.json());
    return parsed.success;
  } catch {
    return false;
  }
}
