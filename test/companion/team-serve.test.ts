import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, type ServeOptions, startServer } from '../../companion/src/server.ts';
import { silentLogger } from '../../companion/src/support/logger.ts';
import { readToken } from '../../companion/src/support/token.ts';
import { API_ROUTES, isPublicRoute } from '../../shared/index.ts';
import { createDatabase, STORE_KINDS } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { type RawResponse, rawRequest } from './support/raw-http.ts';

const PUBLIC_URL = 'https://margin.example.org';
const CHROME_ORIGIN = `chrome-extension://${'a'.repeat(32)}`;
const FIREFOX_ORIGIN = 'moz-extension://0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

let dir: Awaited<ReturnType<typeof makeTempDir>>;
beforeAll(async () => {
  dir = await makeTempDir('team-serve');
});
afterAll(async () => {
  await dir.remove();
});

/** A team server in a data directory of its own, on loopback unless the test says otherwise. */
async function teamServer(options: Partial<ServeOptions> = {}): Promise<{ running: RunningServer; token: string }> {
  const dataDir = join(dir.path, `data-${Math.random().toString(36).slice(2)}`);
  const running = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logger: silentLogger,
    team: { publicUrl: PUBLIC_URL },
    behindProxy: true,
    ...options,
  });
  return { running, token: readToken(dataDir) as string };
}

function get(port: number, path: string, headers: Record<string, string>): Promise<RawResponse> {
  return rawRequest(port, { method: 'GET', path, headers });
}

describe('serving a team', () => {
  it('refuses plain HTTP on a non-loopback address, naming the flag to add', async () => {
    for (const extra of [{ team: { publicUrl: PUBLIC_URL } }, { allowNonLoopback: true }]) {
      const attempt = startServer({ host: '0.0.0.0', port: 0, dataDir: dir.path, logger: silentLogger, ...extra });
      await expect(attempt).rejects.toThrow(
        /refusing to serve plain HTTP on 0\.0\.0\.0: .*Add --tls-cert FILE --tls-key FILE .* or --behind-proxy/,
      );
    }
    await expect(startServer({ host: '0.0.0.0', port: 0, dataDir: dir.path, logger: silentLogger })).rejects.toThrow(
      /refusing to listen on 0\.0\.0\.0: .*--team --public-url/,
    );
    const proxied = await startServer({
      host: '0.0.0.0',
      port: 0,
      dataDir: dir.path,
      logger: silentLogger,
      team: { publicUrl: PUBLIC_URL },
      behindProxy: true,
    });
    await proxied.close();
  });

  it('refuses a public URL that is not an https origin, and unreadable or mismatched TLS files', async () => {
    const base = { host: '127.0.0.1', port: 0, dataDir: dir.path, logger: silentLogger };
    await expect(startServer({ ...base, team: { publicUrl: 'http://margin.example.org' } })).rejects.toThrow(
      '--public-url must be an https:// URL',
    );
    await expect(startServer({ ...base, team: { publicUrl: 'https://margin.example.org/app' } })).rejects.toThrow(
      'must be an origin only',
    );
    await expect(startServer({ ...base, team: { publicUrl: 'margin.example.org' } })).rejects.toThrow('is not a URL');
    const missing = join(dir.path, 'nope.pem');
    await expect(startServer({ ...base, tls: { certFile: missing, keyFile: missing } })).rejects.toThrow(
      `cannot read --tls-cert ${missing}: no such file`,
    );
    const { certFile } = selfSignedCertificate('one');
    const other = selfSignedCertificate('two');
    await expect(startServer({ ...base, tls: { certFile, keyFile: other.keyFile } })).rejects.toThrow(
      /are not a matching PEM certificate and key/,
    );
  });

  it('accepts the public host and loopback names only, and the extension and public origins only', async () => {
    const { running, token } = await teamServer();
    try {
      const auth = { authorization: `Bearer ${token}` };
      const hosts: [string, number][] = [
        ['margin.example.org', 200],
        [`127.0.0.1:${running.port}`, 200],
        [`localhost:${running.port}`, 200],
        [`[::1]:${running.port}`, 200],
        ['margin.example.org:8443', 403],
        ['margin.example.org.evil.test', 403],
        ['evil.test', 403],
        [`0.0.0.0:${running.port}`, 403],
      ];
      for (const [host, status] of hosts) {
        const response = await get(running.port, '/api/v1/stats', { host, ...auth });
        expect(response.status, host).toBe(status);
        if (status === 403) expect(response.text).toContain('forbidden_host');
      }
      // Through the proxy: X-Forwarded-Proto says https, so the public page's origin is this server's own.
      const proxied = { host: 'margin.example.org', 'x-forwarded-proto': 'https', ...auth };
      const origins: [string, number][] = [
        [PUBLIC_URL, 200],
        [CHROME_ORIGIN, 200],
        [FIREFOX_ORIGIN, 200],
        ['http://margin.example.org', 403],
        ['https://margin.example.org:8443', 403],
        ['https://evil.test', 403],
        ['null', 403],
        [`http://127.0.0.1:${running.port}`, 403],
      ];
      for (const [origin, status] of origins) {
        const response = await get(running.port, '/api/v1/stats', { ...proxied, origin });
        expect(response.status, origin).toBe(status);
      }
      // The dashboard opened on the machine itself over loopback is its own origin there.
      const local = `127.0.0.1:${running.port}`;
      expect(
        (await get(running.port, '/api/v1/stats', { host: local, origin: `http://${local}`, ...auth })).status,
      ).toBe(200);
      // A proxy that forgot X-Forwarded-Proto: the public origin is still this server's.
      expect(
        (await get(running.port, '/api/v1/stats', { host: 'margin.example.org', origin: PUBLIC_URL, ...auth })).status,
      ).toBe(200);
      // The sign-in link names the public origin the browser uses.
      const link = await rawRequest(running.port, {
        method: 'POST',
        path: '/api/v1/sign-in/codes',
        headers: { ...proxied, 'content-type': 'application/json' },
        body: '{}',
      });
      expect(link.status).toBe(200);
      expect((link.json() as { url: string }).url).toMatch(/^https:\/\/margin\.example\.org\/#sign-in=/);
      expect(link.headers['strict-transport-security']).toBe('max-age=31536000');
    } finally {
      await running.close();
    }
  });

  it('believes X-Forwarded-Proto/For only with --behind-proxy', async () => {
    const { running, token } = await teamServer({ behindProxy: false });
    try {
      const link = await rawRequest(running.port, {
        method: 'POST',
        path: '/api/v1/sign-in/codes',
        headers: {
          host: 'margin.example.org',
          'x-forwarded-proto': 'https',
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: '{}',
      });
      expect((link.json() as { url: string }).url).toMatch(/^http:\/\/margin\.example\.org\/#sign-in=/);
      expect(link.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await running.close();
    }
  });

  describe.each(STORE_KINDS)('failed sign-ins per address (%s)', (kind) => {
    it('blocks an address after its failures, even with the right token, and only that address', async () => {
      const database = await createDatabase(kind, 'sign-in-limit');
      const { running, token } = await teamServer({
        database: database.target,
        app: { signInLimit: { burst: 3, perSecond: 1 / 600 } },
      });
      try {
        const from = (address: string, bearer: string) =>
          get(running.port, '/api/v1/stats', {
            host: 'margin.example.org',
            'x-forwarded-for': address,
            authorization: `Bearer ${bearer}`,
          });
        // A signed-in client spends nothing however often it calls.
        for (let i = 0; i < 5; i += 1) expect((await from('203.0.113.5', token)).status).toBe(200);
        for (let i = 0; i < 3; i += 1) expect((await from('203.0.113.5', 'wrong-token')).status).toBe(401);
        const blocked = await from('203.0.113.5', token);
        expect(blocked.status).toBe(429);
        expect(blocked.text).toContain('too_many_sign_ins');
        expect(blocked.headers['retry-after']).toBe('600');
        expect((await from('203.0.113.6', token)).status).toBe(200);
        // A spent sign-in code is a failed sign-in too.
        const code = await rawRequest(running.port, {
          method: 'POST',
          path: '/api/v1/sign-in',
          headers: {
            host: 'margin.example.org',
            origin: PUBLIC_URL,
            'x-forwarded-for': '203.0.113.6',
            'content-type': 'application/json',
          },
          body: JSON.stringify({ code: 'A'.repeat(43) }),
        });
        expect(code.status).toBe(401);
        expect(await database.count('rate_limit_buckets')).toBeGreaterThanOrEqual(2);
      } finally {
        await running.close();
        await database.remove();
      }
    });

    it("limits failures in one user's name across addresses, with a 429 naming them, and never refuses their own token", async () => {
      const database = await createDatabase(kind, 'sign-in-user-limit');
      const { running, token } = await teamServer({
        database: database.target,
        app: { signInLimit: { burst: 3, perSecond: 1 / 600 } },
      });
      try {
        const from = (address: string, bearer: string) =>
          get(running.port, '/api/v1/stats', {
            host: 'margin.example.org',
            'x-forwarded-for': address,
            authorization: `Bearer ${bearer}`,
          });
        const add = async (name: string) => {
          const response = await rawRequest(running.port, {
            method: 'POST',
            path: '/api/v1/users',
            headers: {
              host: 'margin.example.org',
              'x-forwarded-for': '198.51.100.200',
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
            },
            body: JSON.stringify({ name, role: 'annotator' }),
          });
          expect(response.status, response.text).toBe(201);
          return (response.json() as { token: string }).token;
        };
        const alice = await add('alice');
        const bob = await add('bob');
        // A user's token names them; a forged one in alice's name (right shape, wrong secret) fails as hers.
        const [aliceName] = alice.split('.');
        const forged = `${aliceName}.${'x'.repeat(43)}`;
        for (let i = 0; i < 3; i += 1) expect((await from(`203.0.113.${10 + i}`, forged)).status).toBe(401);
        const limited = await from('203.0.113.20', forged);
        expect(limited.status).toBe(429);
        expect(limited.json()).toMatchObject({
          error: { code: 'too_many_sign_ins', message: expect.stringContaining('in the name of "alice"') },
        });
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(590);
        // Her own token still works from anywhere; bob and tokens naming nobody have their own counts.
        expect((await from('203.0.113.21', alice)).status).toBe(200);
        expect((await from('203.0.113.22', `${bob.split('.')[0]}.${'y'.repeat(43)}`)).status).toBe(401);
        expect((await from('203.0.113.23', 'z'.repeat(43))).status).toBe(401);
        expect((await from('203.0.113.24', bob)).status).toBe(200);
        // The counts live in the database, where every companion process on it spends from them.
        expect(await database.count('rate_limit_buckets')).toBeGreaterThanOrEqual(8);
      } finally {
        await running.close();
        await database.remove();
      }
    });
  });

  it('counts every loopback caller as one address without --behind-proxy (X-Forwarded-For is ignored)', async () => {
    const { running, token } = await teamServer({
      behindProxy: false,
      app: { signInLimit: { burst: 2, perSecond: 1 / 600 } },
    });
    try {
      for (const address of ['198.51.100.1', '198.51.100.2']) {
        await get(running.port, '/api/v1/stats', {
          host: 'margin.example.org',
          'x-forwarded-for': address,
          authorization: 'Bearer wrong-token',
        });
      }
      const other = await get(running.port, '/api/v1/stats', {
        host: 'margin.example.org',
        'x-forwarded-for': '198.51.100.3',
        authorization: `Bearer ${token}`,
      });
      expect(other.status).toBe(429);
    } finally {
      await running.close();
    }
  });

  it('takes tokens from the Authorization header only, never from the query string', async () => {
    // Every attempt here is a failed sign-in: room for all of them.
    const { running, token } = await teamServer({ app: { signInLimit: { burst: 1000, perSecond: 1 } } });
    try {
      const guarded = API_ROUTES.filter((route) => !isPublicRoute(route));
      expect(guarded.length).toBeGreaterThan(20);
      for (const route of guarded) {
        const path = route.path.replaceAll(/:([A-Za-z]+)/g, 'x');
        const query = `token=${token}&access_token=${token}&authorization=Bearer%20${token}`;
        const response = await rawRequest(running.port, {
          method: route.method,
          path: `${path}?${query}`,
          headers: { host: 'margin.example.org', 'content-type': 'application/json' },
          ...(route.method === 'POST' || route.method === 'PATCH' ? { body: '{}' } : {}),
        });
        expect(response.status, `${route.method} ${route.path}: ${response.text}`).toBe(401);
      }
    } finally {
      await running.close();
    }
  });

  it('serves HTTPS with --tls-cert/--tls-key on a non-loopback address', async () => {
    const { certFile, keyFile, cert } = selfSignedCertificate('margin.test');
    const { running, token } = await teamServer({
      host: '0.0.0.0',
      team: { publicUrl: 'https://margin.test' },
      behindProxy: false,
      tls: { certFile, keyFile },
    });
    try {
      expect(running.url).toMatch(/^https:\/\/0\.0\.0\.0:\d+$/);
      const response = await httpsGet(running.port, cert, { host: 'margin.test', authorization: `Bearer ${token}` });
      expect(response.status).toBe(200);
      expect(JSON.parse(response.text)).toHaveProperty('annotations');
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
      const wrongHost = await httpsGet(running.port, cert, { host: 'evil.test', authorization: `Bearer ${token}` });
      expect(wrongHost.status).toBe(403);
      // Plain HTTP to the TLS port is not answered as HTTP.
      await expect(
        get(running.port, '/api/v1/stats', { host: 'margin.test', authorization: `Bearer ${token}` }),
      ).rejects.toThrow();
    } finally {
      await running.close();
    }
  });
});

/** A self-signed certificate for `name` (openssl, as on Debian), written to the test's folder. */
function selfSignedCertificate(name: string): { certFile: string; keyFile: string; cert: string } {
  const certFile = join(dir.path, `${name}.crt`);
  const keyFile = join(dir.path, `${name}.key`);
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=DNS:${name}`,
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    throw new Error(`openssl could not make a test certificate (install it: sudo apt-get install openssl): ${error}`);
  }
  return { certFile, keyFile, cert: readFileSync(certFile, 'utf8') };
}

function httpsGet(
  port: number,
  ca: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path: '/api/v1/stats', headers, ca, servername: 'margin.test', agent: false },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
