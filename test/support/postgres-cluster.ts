import { execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The command that installs what the PostgreSQL tests need on Debian and Ubuntu. */
export const POSTGRES_INSTALL_COMMAND = 'sudo apt-get install -y postgresql';
const BIN_ROOT = '/usr/lib/postgresql';

/**
 * The newest installed server's bin directory under `root` (Debian's layout: 15/bin/initdb), or an
 * error that says how to install one.
 */
export function postgresBinDir(root = BIN_ROOT): string {
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `PostgreSQL is not installed: the storage tests run against a real server and found no ${root}/*/bin/initdb. ` +
        `Install it with: ${POSTGRES_INSTALL_COMMAND}`,
    );
  }
  return join(root, versions[0] as string, 'bin');
}

/** root may not run the server: as root, the cluster belongs to the `postgres` user the package creates. */
const asRoot = process.getuid?.() === 0;

function command(bin: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
}

async function runAs(bin: string, args: string[]): Promise<void> {
  const [file, argv] = command(bin, args);
  try {
    await run(file, argv, { timeout: 180_000 });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${bin} ${args.join(' ')} failed:\n${stderr ?? ''}${stdout ?? ''}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ClusterInfo {
  port: number;
  /** A URL for `database` as the cluster's superuser (trust authentication on loopback). */
  url(database: string): string;
}

function info(port: number): ClusterInfo {
  return { port, url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}` };
}

/**
 * A cluster in `base` (an empty folder): initdb, then the server on a free loopback port with its
 * socket in the folder. A watchdog stops it and deletes the folder once the process `ownerPid` (the
 * Vitest run) is gone, however that ended; a normal end calls `stopCluster` first.
 */
export async function ensureCluster(base: string, ownerPid: number): Promise<ClusterInfo> {
  return info(await startCluster(base, ownerPid));
}

async function startCluster(base: string, ownerPid: number): Promise<number> {
  const bin = postgresBinDir();
  const data = join(base, 'data');
  if (asRoot) chownSync(base, ...postgresIds());
  // An ICU default collation that does not sort by bytes, so a column the schema forgot to make
  // COLLATE "C" shows up as an order that differs from SQLite's.
  const initdb = ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync', '--no-instructions'];
  await runAs(join(bin, 'initdb'), [
    ...initdb,
    '--locale=C.UTF-8',
    '--locale-provider=icu',
    '--icu-locale=en-US',
  ]).catch(async () => {
    rmSync(data, { recursive: true, force: true });
    await runAs(join(bin, 'initdb'), [...initdb, '--locale=C.UTF-8']);
  });
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${base}`,
    '-c listen_addresses=127.0.0.1',
    // A throwaway cluster: durability is not what these tests measure.
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=400',
  ].join(' ');
  await startServer(base, options);
  writeFileSync(join(base, 'ready.json'), JSON.stringify({ port, options }));
  const [file, argv] = command(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
  const stop = [file, ...argv].map((part) => `'${part}'`).join(' ');
  const watchdog = spawn(
    'sh',
    ['-c', `while kill -0 ${ownerPid} 2>/dev/null; do sleep 2; done; ${stop} >/dev/null 2>&1; rm -rf '${base}'`],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.unref();
  return port;
}

async function startServer(base: string, options: string): Promise<void> {
  await runAs(join(postgresBinDir(), 'pg_ctl'), [
    '-D',
    join(base, 'data'),
    '-l',
    join(base, 'server.log'),
    '-o',
    options,
    '-w',
    '-t',
    '120',
    'start',
  ]);
}

/**
 * Stops the server of the cluster in `base` and keeps its data (a fault test's outage): `mode` is
 * pg_ctl's (fast rolls back open transactions; immediate is a crash of the server).
 */
export async function pauseCluster(base: string, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
  await runAs(join(postgresBinDir(), 'pg_ctl'), ['-D', join(base, 'data'), '-m', mode, '-w', 'stop']);
}

/** Starts the server of a cluster `pauseCluster` stopped, on the same port. */
export async function resumeCluster(base: string): Promise<void> {
  const { options } = JSON.parse(readFileSync(join(base, 'ready.json'), 'utf8')) as { options: string };
  await startServer(base, options);
}

function postgresIds(): [number, number] {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(
      `there is no postgres user to run the test cluster as root; install it with: ${POSTGRES_INSTALL_COMMAND}`,
    );
  }
  return [Number(uid), Number(gid)];
}

/** Stops the cluster in `base` if one was started, and deletes the folder. */
export async function stopCluster(base: string): Promise<void> {
  if (existsSync(join(base, 'ready.json'))) {
    await runAs(join(postgresBinDir(), 'pg_ctl'), ['-D', join(base, 'data'), '-m', 'fast', 'stop']).catch(() => {});
  }
  rmSync(base, { recursive: true, force: true });
}
