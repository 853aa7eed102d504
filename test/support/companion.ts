import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.ts';
import { makeTempDir } from './temp-dir.ts';

/** A real companion process (`node bin/margin.js serve`) with a data directory of its own. */
export interface CompanionProcess {
  /** e.g. http://127.0.0.1:41234; the same across restarts. */
  readonly url: string;
  readonly port: number;
  /** The pairing token (read from the data directory; changes only if a test rotates it). */
  readonly token: string;
  readonly dataDir: string;
  readonly pid: number | undefined;
  /** Everything the current and earlier processes wrote to stdout and stderr. */
  output(): string;
  /** SIGTERM and wait for a graceful exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Sends `signal` (default SIGKILL) and waits until the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again (after stop or kill) on the same port and data directory. */
  start(): Promise<void>;
  /** stop() if running, then start(). */
  restart(): Promise<void>;
  /** Stops it and deletes the data directory if this helper created it. */
  dispose(): Promise<void>;
}

export interface StartCompanionOptions {
  /** Defaults to a fresh temporary directory, removed by dispose(). */
  dataDir?: string;
  /** Defaults to 0 (any free port) for the first start; restarts reuse the port it got. */
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** `--database`: a postgres:// URL or a SQLite path; the data directory's SQLite file if left out. */
  database?: string;
  /** More `serve` flags, e.g. `['--team', '--public-url', 'https://margin.example.test']`. */
  args?: string[];
  /** How long to wait for the "listening on" line. */
  startTimeoutMs?: number;
  /**
   * Run the compiled companion (dist/, what the published package runs; `npm run build:companion`)
   * instead of the TypeScript through tsx: a start costs a third of the CPU, which a soak of hundreds
   * of restarts on a shared machine needs.
   */
  compiled?: boolean;
}

const LISTENING_LINE = /listening on (http:\/\/\S+)/;
const binPath = join(repoRoot, 'bin', 'margin.js');
const compiledCliPath = join(repoRoot, 'dist', 'companion', 'src', 'cli.js');

export async function startCompanion(options: StartCompanionOptions = {}): Promise<CompanionProcess> {
  const owned = options.dataDir === undefined ? await makeTempDir('companion') : undefined;
  const dataDir = options.dataDir ?? (owned as { path: string }).path;
  let port = options.port ?? 0;
  let url = '';
  let child: ChildProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  let log = '';
  if (options.compiled && !existsSync(compiledCliPath)) {
    throw new Error(`no compiled companion at ${compiledCliPath}: run "npm run build:companion" first`);
  }
  const entry = options.compiled ? compiledCliPath : binPath;

  const launch = async () => {
    const database = options.database === undefined ? [] : ['--database', options.database];
    const spawned = spawn(
      process.execPath,
      [entry, 'serve', '--port', String(port), '--data-dir', dataDir, ...database, ...(options.args ?? [])],
      {
        cwd: repoRoot,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = spawned;
    exited = new Promise((resolve) => spawned.once('exit', (code) => resolve(code)));
    spawned.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
    });
    url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => {
        spawned.kill('SIGKILL');
        reject(new Error(`companion did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${log}`));
      }, options.startTimeoutMs ?? 30_000);
      spawned.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        log += chunk;
        stdout += chunk;
        const match = LISTENING_LINE.exec(stdout);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      spawned.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`companion exited with code ${code} before listening:\n${log}`));
      });
    });
    port = Number(new URL(url).port);
  };

  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const companion: CompanionProcess = {
    get url() {
      return url;
    },
    get port() {
      return port;
    },
    get token() {
      return readFileSync(join(dataDir, 'token'), 'utf8').trim();
    },
    dataDir,
    get pid() {
      return child?.pid;
    },
    output: () => log,
    async stop() {
      if (!running()) return exited;
      child?.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill(signal = 'SIGKILL') {
      if (!running()) return;
      child?.kill(signal);
      await exited;
    },
    start: () => launch(),
    async restart() {
      await companion.stop();
      await launch();
    },
    async dispose() {
      await companion.stop();
      await owned?.remove();
    },
  };
  try {
    await launch();
  } catch (error) {
    await owned?.remove();
    throw error;
  }
  return companion;
}
