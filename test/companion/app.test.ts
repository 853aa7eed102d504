import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../companion/src/app.ts';

describe('companion app', () => {
  let base = '';
  let close: () => void = () => {};

  beforeAll(async () => {
    const server = createApp({ version: '9.9.9' }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  it('answers the health check with its version and no data', async () => {
    const response = await fetch(`${base}/api/v1/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, version: '9.9.9' });
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('answers unknown routes with the shared error shape', async () => {
    const response = await fetch(`${base}/api/v1/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'No such route.' } });
  });
});
