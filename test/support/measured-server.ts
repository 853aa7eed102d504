/**
 * The real companion (startServer) in a process of its own that reports its memory, open file
 * descriptors and warnings on request: a test opening 1,000 connections measures the server alone,
 * not its own sockets too. Run through `startMeasuredServer` (node --import tsx --expose-gc).
 */
import { fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DatabaseTarget } from '../../companion/src/storage/open-database.ts';
import type { FairQueueOptions } from '../../companion/src/support/fair-queue.ts';
import { repoRoot } from './paths.ts';

export interface ServerMemory {
  /** After a full garbage collection. */
  heapUsed: number;
  rss: number;
  /** Open file descriptors (/proc/self/fd). */
  fds: number;
  /** Every process warning so far (a MaxListenersExceededWarning, say), as "Name: message". */
  warnings: string[];
  /** Long polls the review service holds. */
  waiters: number;
}

export interface MeasuredServer {
  port: number;
  token: string;
  memory(): Promise<ServerMemory>;
  stop(): Promise<void>;
}

interface Started {
  dataDir: string;
  database: DatabaseTarget;
  /** Another line for bulk writes than the store's default (a benchmark's comparison without one). */
  writeFairness?: FairQueueOptions;
}

type Reply = { kind: 'listening'; port: number; token: string } | { kind: 'memory'; memory: ServerMemory };

export async function startMeasuredServer(options: Started): Promise<MeasuredServer> {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = <K extends Reply['kind']>(kind: K) =>
    new Promise<Extract<Reply, { kind: K }>>((resolve, reject) => {
      const onMessage = (message: Reply) => {
        if (message.kind !== kind) return;
        child.off('message', onMessage);
        resolve(message as Extract<Reply, { kind: K }>);
      };
      child.on('message', onMessage);
      exited.then(() => reject(new Error('the measured server exited')));
    });
  const { port, token } = await next('listening');
  return {
    port,
    token,
    memory: () => {
      const reply = next('memory');
      child.send('memory');
      return reply.then((message) => message.memory);
    },
    stop: async () => {
      child.send('stop');
      await exited;
    },
  };
}

async function serve(options: Started): Promise<void> {
  const { startServer } = await import('../../companion/src/server.ts');
  const { readToken } = await import('../../companion/src/support/token.ts');
  const { silentLogger } = await import('../../companion/src/support/logger.ts');
  const warnings: string[] = [];
  process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));
  const running = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir: options.dataDir,
    database: options.database,
    logger: silentLogger,
    // One pipeline opening a thousand long polls at once is what is measured, not the request rate.
    app: {
      rateLimit: { burst: 1_000_000, perSecond: 1_000_000 },
      ...(options.writeFairness ? { writeFairness: options.writeFairness } : {}),
    },
  });
  const token = readToken(options.dataDir) as string;
  const { default: http } = await import('node:http');
  const waiters = () =>
    new Promise<number>((resolve, reject) => {
      http
        .get(
          {
            host: '127.0.0.1',
            port: running.port,
            path: '/api/v1/reviews/counts',
            headers: { authorization: `Bearer ${token}` },
            agent: false,
          },
          (res) => {
            let text = '';
            res.on('data', (chunk) => {
              text += chunk;
            });
            res.on('end', () => resolve((JSON.parse(text) as { waiters: number }).waiters));
          },
        )
        .on('error', reject);
    });
  process.on('message', async (message) => {
    if (message === 'memory') {
      const count = await waiters();
      // Twice: the first pass may leave what only a second one frees (weak references, finalizers).
      (globalThis as { gc?: () => void }).gc?.();
      (globalThis as { gc?: () => void }).gc?.();
      const usage = process.memoryUsage();
      const fds = readdirSync('/proc/self/fd').length;
      process.send?.({
        kind: 'memory',
        memory: { heapUsed: usage.heapUsed, rss: usage.rss, fds, warnings, waiters: count },
      });
    } else if (message === 'stop') {
      await running.close();
      process.exit(0);
    }
  });
  process.send?.({ kind: 'listening', port: running.port, token });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send !== undefined) {
  await serve(JSON.parse(process.argv[2] as string) as Started);
}
