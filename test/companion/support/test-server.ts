import { type RunningServer, type ServeOptions, startServer } from '../../../companion/src/server.ts';
import type { Logger } from '../../../companion/src/support/logger.ts';
import { readToken } from '../../../companion/src/support/token.ts';
import type { Annotation } from '../../../shared/index.ts';
import { createDatabase, sqliteDatabaseAt, type TestDatabase, type TestStoreKind } from '../../support/stores.ts';
import { makeTempDir } from '../../support/temp-dir.ts';
import { type RawRequest, type RawResponse, rawRequest } from './raw-http.ts';

export interface TestServer {
  running: RunningServer;
  port: number;
  host: string;
  /** The token `send` presents; a test that rotates it stores the new one here. */
  token: string;
  dataDir: string;
  /** The store it runs on, to look at what is really stored. */
  database: TestDatabase;
  logs: string[];
  /** A raw request with a right Host and the token unless the test overrides them. */
  send(options: RawRequest & { token?: string | null }): Promise<RawResponse>;
  push(body: unknown, token?: string): Promise<RawResponse>;
  /** Counts a table's rows on a connection of its own, to check what is really stored. */
  countRows(table: 'annotations' | 'comparisons' | 'conversation_ratings' | 'history'): Promise<number>;
  close(): Promise<void>;
}

/**
 * The real server (store, token file, timeouts) on an ephemeral loopback port, in this process, on
 * SQLite in its data directory (the default) or on a new PostgreSQL database (`store: 'postgres'`).
 */
export async function startTestServer(
  options: Partial<Pick<ServeOptions, 'app' | 'timeouts' | 'shutdownGraceMs'>> & { store?: TestStoreKind } = {},
): Promise<TestServer> {
  const { store = 'sqlite', ...serve } = options;
  const dir = await makeTempDir('server');
  // SQLite where the companion keeps it by default: in the data directory.
  const database =
    store === 'sqlite' ? sqliteDatabaseAt(`${dir.path}/margin.sqlite`) : await createDatabase(store, 'server');
  const logs: string[] = [];
  const logger: Logger = {
    info: (message) => logs.push(message),
    warn: (message) => logs.push(message),
    error: (message, error) => logs.push(`${message} ${error instanceof Error ? error.stack : String(error)}`),
  };
  const running = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir: dir.path,
    database: database.target,
    logger,
    ...serve,
  });
  const token = readToken(dir.path) as string;
  const host = `127.0.0.1:${running.port}`;
  const server: TestServer = {
    running,
    port: running.port,
    host,
    token,
    dataDir: dir.path,
    database,
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
    countRows: (table) => database.count(table),
    async close() {
      await running.close();
      await database.remove();
      await dir.remove();
    },
  };
  return server;
}

export function pushBody(annotations: unknown[], deviceId = 'device-a', comparisons: unknown[] = []) {
  return { deviceId, annotations, comparisons };
}

export type { Annotation };
