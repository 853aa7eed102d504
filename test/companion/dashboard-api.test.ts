import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../companion/src/app.ts';
import { DASHBOARD_CSP } from '../../companion/src/routes/dashboard-files.ts';
import { openSqliteStores } from '../../companion/src/storage/sqlite/sqlite-stores.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { SignInCodes } from '../../companion/src/support/sign-in-codes.ts';
import type {
  Annotation,
  AnnotationFacets,
  AnnotationListResponse,
  AnnotationWriteResponse,
  InsightsResponse,
  RestoreResponse,
  SignInCodeResponse,
  SyncPullResponse,
} from '../../shared/index.ts';
import { API, apiErrorSchema, isPublicRoute } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { repoRoot } from '../support/paths.ts';
import { openTestStores, STORE_KINDS } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { type RawResponse, rawRequest } from './support/raw-http.ts';
import { prepareFixtures, type SampleRequest, sampleRequest } from './support/route-samples.ts';
import { pushBody, startTestServer, type TestServer } from './support/test-server.ts';

const CHROME_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
const execFileAsync = promisify(execFile);

/** `margin …` in a child process: its exit code and output, never a throw. */
async function margin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [`${repoRoot}/bin/margin.js`, ...args], {
      cwd: repoRoot,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

function json<T>(response: RawResponse): T {
  expect(response.status, response.text).toBe(200);
  return response.json() as T;
}

function expectError(response: RawResponse, status: number, code: string) {
  expect(response.status, response.text).toBe(status);
  expect(apiErrorSchema.parse(response.json()).error.code).toBe(code);
}

/**
 * Every dashboard data route of the table (annotations, export, dashboard; the public ones aside),
 * each with the request the boundary matrices use (support/route-samples.ts), for `annotation`.
 */
async function dataRoutes(server: TestServer, annotation: Annotation): Promise<SampleRequest[]> {
  const fixtures = {
    ...(await prepareFixtures(server)),
    annotations: { read: annotation, edit: annotation, remove: annotation },
  };
  const routes = [...Object.values(API.annotations), ...Object.values(API.export), ...Object.values(API.dashboard)];
  return Promise.all(routes.filter((route) => !isPublicRoute(route)).map((route) => sampleRequest(route, fixtures)));
}

describe.each(STORE_KINDS)('dashboard API (%s)', (kind) => {
  let server: TestServer;
  const get = <T>(path: string) => server.send({ path }).then((response) => json<T>(response));
  const patch = (id: string, body: unknown) =>
    server.send({
      method: 'PATCH',
      path: `/api/v1/annotations/${id}`,
      headers: { 'content-type': 'application/json', origin: `http://${server.host}` },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    server = await startTestServer({ store: kind });
  });
  afterAll(() => server.close());

  it('answers every data route with nothing but 401 without the token, and changes nothing', async () => {
    const annotation = makeAnnotation({ comment: 'secret comment' });
    json(await server.push(pushBody([annotation])));
    const tokenFile = server.token;
    const routes = await dataRoutes(server, annotation);
    expect(routes.length).toBeGreaterThanOrEqual(13);
    for (const route of routes) {
      for (const token of [null, 'x'.repeat(43), `${server.token}x`]) {
        const response = await server.send({ ...route, token });
        expectError(response, 401, 'unauthorized');
        expect(response.text).not.toContain('secret comment');
        expect(response.text).not.toContain(server.token);
      }
    }
    expect(await server.countRows('history')).toBe(0); // no edit, no delete happened
    await expect(get<Annotation>(`/api/v1/annotations/${annotation.id}`)).resolves.toEqual(annotation);
    expect(server.token).toBe(tokenFile); // no rotation happened
  });

  it('refuses a foreign Host or Origin on every data route, token or not', async () => {
    for (const route of await dataRoutes(server, makeAnnotation())) {
      const host = await server.send({ ...route, headers: { ...route.headers, host: `evil.test:${server.port}` } });
      expectError(host, 403, 'forbidden_host');
      for (const origin of ['https://evil.test', `http://localhost:${server.port}`, 'null']) {
        const response = await server.send({ ...route, headers: { ...route.headers, origin } });
        expectError(response, 403, 'forbidden_origin');
      }
    }
  });

  it("accepts the dashboard's own origin (http:// + the Host it was loaded from)", async () => {
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) {
      const host = `${name}:${server.port}`;
      const response = await server.send({
        path: '/api/v1/annotations/facets',
        headers: { host, origin: `http://${host}` },
      });
      expect(response.status, name).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBeUndefined(); // same origin: no CORS needed
    }
  });

  describe('sign-in with a one-time code', () => {
    const exchange = (code: string, origin: string | undefined) =>
      server.send({
        method: 'POST',
        path: '/api/v1/sign-in',
        token: null,
        headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
        body: JSON.stringify({ code }),
      });

    it('trades a code from an authenticated caller for the token, once, on the dashboard origin only', async () => {
      const issued = json<SignInCodeResponse>(
        await server.send({
          method: 'POST',
          path: '/api/v1/sign-in/codes',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        }),
      );
      expect(issued.url).toBe(`http://${server.host}/#sign-in=${issued.code}`);
      expect(issued.url).not.toContain(server.token);
      expect(Date.parse(issued.expiresAt) - Date.now()).toBeLessThanOrEqual(120_000);
      expectError(await exchange(issued.code, undefined), 403, 'forbidden_origin');
      expectError(await exchange(issued.code, CHROME_ORIGIN), 403, 'forbidden_origin');
      const signedIn = await exchange(issued.code, `http://${server.host}`);
      expect(json<{ token: string }>(signedIn)).toEqual({ token: server.token });
      expectError(await exchange(issued.code, `http://${server.host}`), 401, 'invalid_code');
      expectError(await exchange('A'.repeat(43), `http://${server.host}`), 401, 'invalid_code');
      expectError(await exchange('<script>', `http://${server.host}`), 400, 'invalid_request');
    });

    it('`margin dashboard` prints a working one-time link, and says so when no companion answers', async () => {
      const printed = await margin(['dashboard', '--port', String(server.port), '--data-dir', server.dataDir]);
      expect(printed.code, printed.stderr).toBe(0);
      const url = printed.stdout.trim();
      expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#sign-in=[A-Za-z0-9_-]{43}$`));
      expect(printed.stdout + printed.stderr).not.toContain(server.token);
      const code = url.split('#sign-in=')[1] as string;
      expect(json<{ token: string }>(await exchange(code, `http://${server.host}`))).toEqual({ token: server.token });

      const nobody = await margin(['dashboard', '--port', '1', '--data-dir', server.dataDir]);
      expect(nobody.code).toBe(1);
      expect(nobody.stderr).toContain('no companion answers on port 1');
    });

    it('expires codes after two minutes and keeps at most twenty', async () => {
      const { stores, remove } = await openTestStores(kind, 'sign_in_codes');
      try {
        let now = 1_000_000;
        const codes = new SignInCodes(stores.signInCodes, () => now);
        const late = (await codes.issue()).code;
        now += 120_000;
        expect(await codes.redeem(late)).toBeUndefined();
        const issued: string[] = [];
        for (let i = 0; i < 21; i++) issued.push((await codes.issue()).code);
        expect(await codes.redeem(issued[0] as string)).toBeUndefined(); // pushed out by the 21st
        expect(await codes.redeem(issued[1] as string)).toEqual({ user: null });
        expect(await codes.redeem(issued[20] as string)).toEqual({ user: null });
        expect(await codes.redeem(issued[20] as string)).toBeUndefined();
        expect(await codes.redeem('never-issued')).toBeUndefined();
      } finally {
        await remove();
      }
    });
  });

  it('lists, filters, searches and sorts on the server', async () => {
    const annotations = [
      makeAnnotation({ site: 'claude', score: 20, response: 'Unplug the modem', tags: ['hardware'] }),
      makeAnnotation({ site: 'claude', score: 90, comment: 'modem advice is right' }),
      makeAnnotation({ site: 'gemini', score: 55, correction: 'Restart the modem.' }),
    ];
    json(await server.push(pushBody(annotations)));
    const modem = await get<AnnotationListResponse>('/api/v1/annotations?q=modem&sort=score&order=asc');
    expect(modem.rows.map((row) => row.id)).toEqual([0, 2, 1].map((index) => annotations[index]?.id));
    expect(modem.total).toBe(3);
    expect(modem.pendingIndex).toBe(0);
    const claude = await get<AnnotationListResponse>('/api/v1/annotations?q=modem&site=claude&minScore=50');
    expect(claude.rows.map((row) => row.id)).toEqual([annotations[1]?.id]);
    expect(claude.rows[0]).toMatchObject({ commentExcerpt: 'modem advice is right', site: 'claude', score: 90 });
    const facets = await get<AnnotationFacets>('/api/v1/annotations/facets');
    expect(facets.tags).toContainEqual({ value: 'hardware', count: 1 });
    const insights = await get<InsightsResponse>('/api/v1/insights?site=gemini');
    expect(insights.total).toBe(1);
    expect(insights.scoreHistogram[5]).toBe(1);
    for (const bad of ['sort=body', 'limit=501', 'offset=-1', 'minScore=101', 'nope=1', 'since=yesterday']) {
      expectError(await server.send({ path: `/api/v1/annotations?${bad}` }), 400, 'invalid_request');
    }
    expectError(await server.send({ path: '/api/v1/insights?q=x' }), 400, 'invalid_request');
  });

  it('saves an edit as a new version that a sync pull brings back, and refuses stale ones', async () => {
    const annotation = makeAnnotation({ thumb: 'down', score: 30, comment: '', correction: null });
    const { checkpoint } = json<{ checkpoint: number }>(await server.push(pushBody([annotation])));
    const saved = json<AnnotationWriteResponse>(
      await patch(annotation.id, { baseRevision: 1, thumb: 'up', score: 88, comment: 'fixed', correction: 'Better.' }),
    );
    expect(saved.seq).toBeGreaterThan(checkpoint);
    expect(saved.annotation).toMatchObject({
      thumb: 'up',
      score: 88,
      comment: 'fixed',
      correction: 'Better.',
      revision: 2,
    });
    const pull = await get<SyncPullResponse>(`/api/v1/sync/pull?since=${checkpoint}`);
    expect(pull.annotations).toEqual([saved.annotation]);
    const row = (await get<AnnotationListResponse>('/api/v1/annotations?q=better&hasCorrection=true')).rows;
    expect(row.map((item) => item.id)).toEqual([annotation.id]);

    expectError(await patch(annotation.id, { baseRevision: 1, score: 10 }), 409, 'conflict');
    expectError(await patch(annotation.id, { baseRevision: 2, score: 101 }), 400, 'invalid_request');
    expectError(await patch(annotation.id, { baseRevision: 2, revision: 9 }), 400, 'invalid_request');
    expectError(await patch('no-such-id', { baseRevision: 1, score: 1 }), 404, 'not_found');
    const form = await server.send({
      method: 'PATCH',
      path: `/api/v1/annotations/${annotation.id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'baseRevision=2&score=1',
    });
    expectError(form, 415, 'unsupported_media_type');

    const deleted = await server.send({
      method: 'DELETE',
      path: `/api/v1/annotations/${annotation.id}?baseRevision=2`,
    });
    const tombstone = json<AnnotationWriteResponse>(deleted).annotation;
    expect(tombstone.deletedAt).not.toBeNull();
    expect(tombstone.revision).toBe(3);
    const after = await get<SyncPullResponse>(`/api/v1/sync/pull?since=${saved.seq}`);
    expect(after.annotations).toEqual([tombstone]);
    expect((await get<AnnotationListResponse>('/api/v1/annotations?q=better')).total).toBe(0);
    expectError(await server.send({ path: '/api/v1/annotations/no-such-id' }), 404, 'not_found');
  });

  it('previews exactly the first lines and the counts of the export for the same options', async () => {
    json(
      await server.push(
        pushBody([
          makeAnnotation({ conversationId: 'preview', site: 'chatgpt', thumb: 'up', score: 90 }),
          makeAnnotation({ conversationId: 'preview', site: 'chatgpt', thumb: 'down', score: 10 }),
          makeAnnotation({ conversationId: 'preview-2', site: 'chatgpt', thumb: null, score: null }),
        ]),
      ),
    );
    for (const query of [
      'format=openai-sft&site=chatgpt',
      'format=trl-kto',
      'format=raw&minScore=50',
      'format=trl-dpo',
    ]) {
      const preview = json<{ lines: string[]; summary: Record<string, unknown> }>(
        await server.send({ path: `/api/v1/export/preview?${query}&lines=3` }),
      );
      const file = await server.send({ path: `/api/v1/export?${query}` });
      expect(file.status).toBe(200);
      const lines = file.text.split('\n').filter((line) => line !== '');
      expect(preview.lines, query).toEqual(lines.slice(0, 3));
      const sidecar = (await server.send({ path: `/api/v1/export?${query}&sidecar=1` })).text.trim().split('\n');
      expect({ summary: preview.summary }, query).toEqual(JSON.parse(sidecar.at(-1) as string));
    }
    expectError(await server.send({ path: '/api/v1/export/preview?format=raw&lines=9999' }), 400, 'invalid_request');
    expectError(await server.send({ path: '/api/v1/export/preview?format=nope' }), 400, 'invalid_request');
  });

  it('backs up every annotation (tombstones too) as JSONL that restores idempotently elsewhere', async () => {
    const backup = await server.send({ path: '/api/v1/backup' });
    expect(backup.status).toBe(200);
    expect(backup.headers['content-disposition']).toMatch(
      /^attachment; filename="margin-backup-\d{4}-\d{2}-\d{2}\.jsonl"$/,
    );
    const lines = backup.text.split('\n').filter((line) => line !== '');
    const stats = json<{ annotations: { live: number; deleted: number } }>(
      await server.send({ path: '/api/v1/stats' }),
    );
    expect(lines.length).toBe(stats.annotations.live + stats.annotations.deleted);

    const other = await startTestServer({ store: kind });
    try {
      const restore = (body: unknown) =>
        other.send({
          method: 'POST',
          path: '/api/v1/backup/restore',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const upload = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
      const half = Math.ceil(lines.length / 2);
      // A bad line at the end: every chunk is checked, the problems name lines of the whole file, and
      // the last chunk stores nothing.
      const first = json<RestoreResponse>(
        await restore({ upload: upload(1), firstLine: 1, lines: lines.slice(0, half), last: false }),
      );
      expect(first).toMatchObject({ lines: half, rejected: 0, stored: false, accepted: 0 });
      const second = json<RestoreResponse>(
        await restore({
          upload: upload(1),
          firstLine: half + 1,
          lines: [...lines.slice(half), '', '{"id":"broken"', '{"schemaVersion":1}'],
          last: true,
        }),
      );
      expect(second).toMatchObject({ rejected: 2, stored: false, accepted: 0 });
      expect(second.problems[0]).toMatch(new RegExp(`^line ${lines.length + 2}: not valid JSON`));
      expect(second.problems[1]).toMatch(new RegExp(`^line ${lines.length + 3}: `));
      expect(second.problems.at(-1)).toBe('nothing was restored: 2 line(s) rejected; fix them and restore again');
      expect((await other.send({ path: '/api/v1/backup' })).text).toBe('');
      // The good file in two chunks lands whole on the last one; again, it changes nothing.
      await restore({ upload: upload(2), firstLine: 1, lines: lines.slice(0, half), last: false });
      const applied = json<RestoreResponse>(
        await restore({ upload: upload(2), firstLine: half + 1, lines: lines.slice(half), last: true }),
      );
      expect(applied).toMatchObject({ stored: true, accepted: lines.length, rejected: 0 });
      const again = json<RestoreResponse>(await restore({ upload: upload(3), firstLine: 1, lines, last: true }));
      expect(again).toMatchObject({ stored: true, accepted: 0, unchanged: lines.length, rejected: 0 });
      const restored = (await other.send({ path: '/api/v1/backup' })).text.split('\n').filter((line) => line !== '');
      expect(restored.map((line) => JSON.parse(line)).sort(byId)).toEqual(
        lines.map((line) => JSON.parse(line)).sort(byId),
      );
      // An empty file is an empty restore.
      expect(
        json<RestoreResponse>(await restore({ upload: upload(7), firstLine: 1, lines: [], last: true })),
      ).toMatchObject({ stored: true, lines: 0, accepted: 0 });
      // A chunk of an unknown restore, or out of order, is refused and stores nothing.
      expectError(await restore({ upload: upload(4), firstLine: 5, lines: [], last: true }), 409, 'restore_unknown');
      await restore({ upload: upload(5), firstLine: 1, lines: ['{}'], last: false });
      expectError(
        await restore({ upload: upload(5), firstLine: 7, lines: [], last: true }),
        409,
        'restore_out_of_order',
      );
      expectError(await restore({ upload: upload(6), firstLine: 0, lines: [], last: true }), 400, 'invalid_request');
    } finally {
      await other.close();
    }
  });

  it('shows settings and rotates the token: the new one works at once, the old one no more', async () => {
    const settings = json<{ dataDir: string; databaseFile: string; version: string }>(
      await server.send({ path: '/api/v1/settings' }),
    );
    expect(settings.dataDir).toBe(server.dataDir);
    expect(settings.databaseFile).toBe(kind === 'sqlite' ? `${server.dataDir}/margin.sqlite` : server.database.option);
    const old = server.token;
    const { token } = json<{ token: string }>(
      await server.send({
        method: 'POST',
        path: '/api/v1/token/rotate',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(token).not.toBe(old);
    expectError(await server.send({ path: '/api/v1/stats', token: old }), 401, 'unauthorized');
    expect((await server.send({ path: '/api/v1/stats', token })).status).toBe(200);
  });
});

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

describe('dashboard files', () => {
  let server: Server;
  let stores: Stores;
  let dir: { path: string; remove: () => Promise<void> };
  let port = 0;
  const send = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    rawRequest(port, { method, path, headers: { host: `127.0.0.1:${port}`, ...headers } });

  beforeAll(async () => {
    dir = await makeTempDir('dashboard-files');
    const dist = `${dir.path}/dist`;
    mkdirSync(`${dist}/assets`, { recursive: true });
    writeFileSync(`${dist}/index.html`, '<!doctype html><title>Margin</title>');
    writeFileSync(`${dist}/assets/app.js`, 'console.log(1)');
    writeFileSync(`${dist}/.env`, 'SECRET=1');
    stores = openSqliteStores(`${dir.path}/margin.sqlite`);
    const app = createApp({
      version: '1.0.0',
      store: stores.sync,
      verifyToken: (token) => token === 'secret',
      rateLimits: stores.rateLimits,
      dashboard: {
        store: stores.dashboard,
        signInCodes: new SignInCodes(stores.signInCodes),
        currentToken: () => 'secret',
        rotateToken: () => 'secret',
        dataDir: dir.path,
        databaseFile: `${dir.path}/margin.sqlite`,
        distDir: dist,
      },
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await stores.close();
    await dir.remove();
  });

  it('serves the built dashboard without the token, with a CSP that allows only its own origin', async () => {
    const index = await send('/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.text).toContain('<title>Margin</title>');
    expect(index.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).not.toContain('unsafe');
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['cache-control']).toBe('no-store');
    expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
    const script = await send('/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
  });

  it('still needs the token for everything that is not one of its files, and still checks Host', async () => {
    expectError(await send('/.env'), 401, 'unauthorized');
    expectError(await send('/assets/missing.js'), 401, 'unauthorized');
    expectError(await send('/', {}, 'POST'), 401, 'unauthorized');
    expectError(await send('/api/v1/annotations'), 401, 'unauthorized');
    expectError(await send('/', { host: `evil.test:${port}` }), 403, 'forbidden_host');
    expectError(await send('/', { origin: 'https://evil.test' }), 403, 'forbidden_origin');
    expect((await send('/api/v1/annotations', { authorization: 'Bearer secret' })).status).toBe(200);
  });

  it('says how to build the dashboard when it is not built', async () => {
    const app = createApp({
      version: '1.0.0',
      store: stores.sync,
      verifyToken: () => false,
      rateLimits: stores.rateLimits,
      dashboard: {
        store: stores.dashboard,
        signInCodes: new SignInCodes(stores.signInCodes),
        currentToken: () => '',
        rotateToken: () => '',
        dataDir: dir.path,
        databaseFile: '',
        distDir: `${dir.path}/not-built`,
      },
    });
    const other = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => other.once('listening', resolve));
    const otherPort = (other.address() as AddressInfo).port;
    const response = await rawRequest(otherPort, { path: '/', headers: { host: `127.0.0.1:${otherPort}` } });
    await new Promise((resolve) => other.close(resolve));
    expect(response.status).toBe(503);
    expect(response.text).toContain('npm run build:dashboard');
  });
});
