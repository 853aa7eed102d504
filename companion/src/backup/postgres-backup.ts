import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describePostgresUrl } from '../storage/postgres/connect.ts';

/**
 * A PostgreSQL store is backed up with PostgreSQL's own tools, which know every table, sequence and
 * constraint: `pg_dump` in its custom format, and `pg_restore` in one transaction (`--single-transaction
 * --exit-on-error`), so a restore that fails or is killed is rolled back by the server and the store
 * stays as it was. `--clean --if-exists` lets the same transaction replace a store that is there.
 */

const INSTALL =
  "install PostgreSQL's client tools (Debian/Ubuntu: `apt install postgresql-client`, macOS: `brew install libpq`)";

function run(tool: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'ENOENT' ? `${tool} is not installed: ${INSTALL}` : error.message)),
    );
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `${tool} failed (${signal ?? `exit code ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' ')}`,
          ),
        );
    });
  });
}

/** `pg_dump` of the store at `url` into a new file `outPath` (written aside, then renamed). */
export async function backupPostgresStore(url: string, outPath: string): Promise<void> {
  if (existsSync(outPath)) throw new Error(`${outPath} exists already: choose a new file name for the backup`);
  const temporary = join(dirname(outPath), `.${basename(outPath)}.backup-${process.pid}-${Date.now()}`);
  closeSync(openSync(temporary, 'wx', 0o600));
  try {
    await run('pg_dump', [
      '--format=custom',
      '--no-owner',
      '--no-privileges',
      `--file=${temporary}`,
      `--dbname=${url}`,
    ]);
    renameSync(temporary, outPath);
  } catch (error) {
    throw new Error(`could not back up ${describePostgresUrl(url)}: ${(error as Error).message}`);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** Replaces the store at `url` with a `pg_dump` backup, in one transaction: wholly or not at all. */
export async function restorePostgresStore(backupPath: string, url: string): Promise<void> {
  if (!existsSync(backupPath)) throw new Error(`no backup at ${backupPath}`);
  const contents = await run('pg_restore', ['--list', backupPath]).catch((error: Error) => {
    throw new Error(`${backupPath} is not a pg_dump backup (margin backup of a PostgreSQL store): ${error.message}`);
  });
  if (!/ TABLE public annotations /.test(contents)) {
    throw new Error(`${backupPath} is a pg_dump backup but not of a Margin store (it has no annotations table)`);
  }
  try {
    await run('pg_restore', [
      '--single-transaction',
      '--exit-on-error',
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-privileges',
      `--dbname=${url}`,
      backupPath,
    ]);
  } catch (error) {
    throw new Error(
      `could not restore ${backupPath} into ${describePostgresUrl(url)}, which is left as it was: ${(error as Error).message}`,
    );
  }
}
