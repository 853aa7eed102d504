import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../companion/src/app.ts';
import { openSqliteStores } from '../../companion/src/storage/sqlite/sqlite-stores.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { apiErrorSchema, describeProtocolMismatch, PROTOCOL_HEADER, protocolUpdateNeeded } from '../../shared/index.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { rawRequest } from './support/raw-http.ts';

describe('which side to update', () => {
  const server = { current: 3, oldest: 2 };
  it('is none inside the served range, the companion above it, the extension below it', () => {
    expect([1, 2, 3, 4].map((client) => protocolUpdateNeeded(client, server))).toEqual([
      'extension',
      null,
      null,
      'companion',
    ]);
    expect(describeProtocolMismatch(2, { ...server, version: '1.4.0' })).toBeNull();
    expect(describeProtocolMismatch(4, { ...server, version: '1.4.0' })).toBe(
      'This Margin extension speaks protocol 4, newer than the companion (1.4.0, protocol 3) understands. ' +
        "Update the companion to this extension's release and restart it.",
    );
    expect(describeProtocolMismatch(1, { ...server, version: '1.4.0' })).toBe(
      'This Margin extension speaks protocol 1, which the companion (1.4.0) no longer serves (oldest: 2). ' +
        "Update the extension from your browser's add-on store.",
    );
  });
});

describe('a companion serving protocols 2 to 3', () => {
  let port = 0;
  let server: Server;
  let stores: Stores;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const dir = await makeTempDir('protocol');
    remove = dir.remove;
    stores = openSqliteStores(`${dir.path}/margin.sqlite`);
    const app = createApp({
      version: '1.4.0',
      protocol: { current: 3, oldest: 2 },
      store: stores.sync,
      rateLimits: stores.rateLimits,
      verifyToken: (candidate) => candidate === 'secret',
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await stores.close();
    await remove();
  });

  const stats = (protocol: string) =>
    rawRequest(port, {
      path: '/api/v1/stats',
      headers: { host: `127.0.0.1:${port}`, authorization: 'Bearer secret', [PROTOCOL_HEADER]: protocol },
    });

  it('serves extensions speaking 2 or 3', async () => {
    expect((await stats('2')).status).toBe(200);
    expect((await stats('3')).status).toBe(200);
  });

  it('tells an older extension to update itself, and a newer one to update the companion', async () => {
    const old = await stats('1');
    expect(old.status).toBe(400);
    expect(apiErrorSchema.parse(old.json()).error).toMatchObject({
      code: 'unsupported_protocol',
      message: expect.stringContaining('Update the extension'),
    });
    const newer = await stats('4');
    expect(newer.status).toBe(400);
    expect(apiErrorSchema.parse(newer.json()).error.message).toContain('Update the companion');
  });

  it('reports the range on the health route', async () => {
    const health = await rawRequest(port, { path: '/api/v1/health', headers: { host: `127.0.0.1:${port}` } });
    expect(health.json()).toEqual({ ok: true, version: '1.4.0', protocol: { current: 3, oldest: 2 } });
  });
});
