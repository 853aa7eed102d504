import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../companion/src/app.ts';
import { openSqliteStores } from '../../companion/src/storage/sqlite/sqlite-stores.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { PROTOCOL } from '../../shared/index.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { rawRequest } from './support/raw-http.ts';

describe('createApp', () => {
  let port = 0;
  let server: Server;
  let stores: Stores;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const dir = await makeTempDir('app');
    remove = dir.remove;
    stores = openSqliteStores(`${dir.path}/margin.sqlite`);
    server = createApp({
      version: '9.9.9',
      store: stores.sync,
      rateLimits: stores.rateLimits,
      verifyToken: (token) => token === 'secret',
    }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await stores.close();
    await remove();
  });

  it('answers the health check with its version and no data, without a token', async () => {
    const response = await rawRequest(port, { path: '/api/v1/health', headers: { host: `localhost:${port}` } });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ ok: true, version: '9.9.9', protocol: PROTOCOL });
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('uses the injected token check and answers unknown routes with the shared error shape', async () => {
    const headers = { host: `127.0.0.1:${port}`, authorization: 'Bearer secret' };
    const response = await rawRequest(port, { path: '/api/v1/nope', headers });
    expect(response.status).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: 'No such route.' } });
    const stats = await rawRequest(port, { path: '/api/v1/stats', headers });
    expect(stats.status).toBe(200);
  });
});
