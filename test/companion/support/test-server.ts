import { type RunningServer, type ServeOptions, startServer } from '../../../companion/src/server.ts';
import { openSqliteStore } from '../../../companion/src/storage/sqlite/sqlite-store.ts';
import type { Logger } from '../../../companion/src/support/logger.ts';
import { readToken } from '../../../companion/src/support/token.ts';
import type { Annotation } from '../../../shared/index.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { type RawRequest, type RawResponse, rawRequest } from './raw-http.ts';

export interface TestServer {
  running: RunningServer;
  port: number;
  host: string;
  /** The token `send` presents; a test that rotates it stores the new one here. */
  token: string;
  dataDir: string;
  logs: string[];
  /** A raw request with a right Host and the token unless the test overrides them. */
  send(options: RawRequest & { token?: string | null }): Promise<RawResponse>;
  push(body: unknown, token?: string): Promise<RawResponse>;
  /** Opens the database read-only-ish on a second connection, to check what is really stored. */
  countRows(table: 'annotations' | 'comparisons' | 'history'): number;
  close(): Promise<void>;
}

/** The real server (store, token file, timeouts) on an ephemeral loopback port, in this process. */
export async function startTestServer(
  options: Partial<Pick<ServeOptions, 'app' | 'timeouts' | 'shutdownGraceMs'>> = {},
): Promise<TestServer> {
  const dir = await makeTempDir('server');
  const logs: string[] = [];
  const logger: Logger = {
    info: (message) => logs.push(message),
    warn: (message) => logs.push(message),
    error: (message, error) => logs.push(`${message} ${error instanceof Error ? error.stack : String(error)}`),
  };
  const running = await startServer({ host: '127.0.0.1', port: 0, dataDir: dir.path, logger, ...options });
  const token = readToken(dir.path) as string;
  const host = `127.0.0.1:${running.port}`;
  const server: TestServer = {
    running,
    port: running.port,
    host,
    token,
    dataDir: dir.path,
    logs,
    send({ token: presented, ...request }) {
      const headers: Record<string, string> = { host, ...request.headers };
      const bearer = presented === undefined ? server.token : presented;
      if (bearer !== null && headers.authorization === undefined) headers.authorization = `Bearer ${bearer}`;
      return rawRequest(running.port, { ...request, headers });
    },
    push(body, presented) {
      return server.send({
        method: 'POST',
        path: '/api/v1/sync/push',
        headers: { 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        ...(presented === undefined ? {} : { token: presented }),
      });
    },
    countRows(table) {
      const store = openSqliteStore(`${dir.path}/margin.sqlite`);
      try {
        return store.database.prepare(`SELECT count(*) AS n FROM ${table}`).pluck().get() as number;
      } finally {
        store.close();
      }
    },
    async close() {
      await running.close();
      await dir.remove();
    },
  };
  return server;
}

export function pushBody(annotations: unknown[], deviceId = 'device-a', comparisons: unknown[] = []) {
  return { deviceId, annotations, comparisons };
}

export type { Annotation };
