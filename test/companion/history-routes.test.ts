import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABANDONED_RUN_ERROR, RUN_LEASE_MS } from '../../companion/src/import-history/run-lease.ts';
import { startServer } from '../../companion/src/server.ts';
import { silentLogger } from '../../companion/src/support/logger.ts';
import {
  API,
  annotationWriteResponseSchema,
  apiErrorSchema,
  emptyImportSummary,
  type ImportRun,
  importRunListSchema,
  importRunSchema,
  itemFacetsSchema,
  itemRatedSchema,
  itemSkipSchema,
  nextItemSchema,
  queryString,
  routePath,
  syncPullResponseSchema,
  uploadSchema,
} from '../../shared/index.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { historyFixture } from './support/history-store.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

describe.each(STORE_KINDS)('history routes: upload, import, rate (%s)', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ store: kind });
  });
  afterAll(() => server.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await server.send({
      method,
      path,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return { status: response.status, body: response.json() as unknown };
  };

  /** Uploads `bytes` in chunks of `size` and starts its import; resolves when the run has ended. */
  async function uploadAndImport(name: string, bytes: Buffer, size = 2048, options: object = {}): Promise<ImportRun> {
    const created = await call('POST', routePath(API.history.createUpload), { fileName: name, size: bytes.length });
    expect(created.status).toBe(201);
    const upload = uploadSchema.parse(created.body);
    for (let offset = 0; offset < bytes.length; offset += size) {
      const sent = await call('POST', routePath(API.history.appendChunk, { id: upload.id }), {
        offset,
        data: bytes.subarray(offset, offset + size).toString('base64'),
      });
      expect(sent.status).toBe(200);
      expect(uploadSchema.parse(sent.body).received).toBe(Math.min(offset + size, bytes.length));
    }
    const started = await call('POST', routePath(API.history.startImport, { id: upload.id }), options);
    expect(started.status).toBe(202);
    let run = importRunSchema.parse(started.body);
    while (run.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 30));
      run = importRunSchema.parse((await call('GET', routePath(API.history.run, { id: run.id }))).body);
    }
    return run;
  }

  it('takes an export in chunks, imports it in the background and reports the run', async () => {
    const run = await uploadAndImport('my-export.zip', readFileSync(historyFixture('chatgpt', 'export.zip')));
    expect(run).toMatchObject({ status: 'done', file: 'my-export.zip', source: 'auto', error: null });
    expect(run.summary).toMatchObject({ source: 'chatgpt', responses: { added: 12 }, ratings: { added: 3 } });
    expect(run.summary.bytes.read).toBe(run.summary.bytes.total);
    const runs = importRunListSchema.parse((await call('GET', routePath(API.history.runs))).body).runs;
    expect(runs[0]?.id).toBe(run.id);
    // The uploaded file does not stay in the data directory.
    expect(readdirSync(join(server.dataDir, 'uploads'))).toEqual([]);
    expect((await call('GET', routePath(API.history.run, { id: 'no-such-run' }))).status).toBe(404);
  });

  it('refuses a chunk at the wrong offset and an import of an incomplete upload, saying where it is', async () => {
    const upload = uploadSchema.parse(
      (await call('POST', routePath(API.history.createUpload), { fileName: 'x.json', size: 10 })).body,
    );
    const chunk = (offset: number, text: string) =>
      call('POST', routePath(API.history.appendChunk, { id: upload.id }), {
        offset,
        data: Buffer.from(text).toString('base64'),
      });
    expect((await chunk(0, '[{"a"')).status).toBe(200);
    const resent = await chunk(0, '[{"a"');
    expect(resent.status).toBe(409);
    expect(apiErrorSchema.parse(resent.body).error.message).toMatch(/has 5 bytes; send the chunk at that offset/);
    expect((await chunk(5, 'way too long')).status).toBe(409);
    const early = await call('POST', routePath(API.history.startImport, { id: upload.id }), {});
    expect(early.status).toBe(409);
    expect(apiErrorSchema.parse(early.body).error.message).toMatch(/5 bytes received/);
    expect(
      (await call('POST', routePath(API.history.appendChunk, { id: 'nope' }), { offset: 0, data: '' })).status,
    ).toBe(404);
  });

  it('records a bad file as a failed run that names the problem, and keeps the rest of the store', async () => {
    const run = await uploadAndImport(
      'broken.zip',
      readFileSync(historyFixture('chatgpt', 'malformed', 'truncated.zip')),
    );
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/not a readable ZIP/);
    expect(run.error).not.toMatch(/\/tmp\/|uploads/); // the upload's path is not the person's file
  });

  it('serves unrated responses newest first, under the filters, and counts what is left', async () => {
    const all = nextItemSchema.parse((await call('GET', routePath(API.history.next))).body);
    expect(all.remaining).toBe(12 - 6); // six responses carry a rating or a comparison pick from the file
    expect(all.item?.createdAt).toBe('2024-09-25T21:33:32.000Z');
    const coded = nextItemSchema.parse(
      (await call('GET', `${routePath(API.history.next)}${queryString({ hasCode: 'true' })}`)).body,
    );
    expect(coded.item?.response).toContain('```');
    expect(coded.remaining).toBe(2);
    const long = nextItemSchema.parse(
      (await call('GET', `${routePath(API.history.next)}${queryString({ minTurns: 4, model: 'gpt-4o' })}`)).body,
    );
    expect(long.remaining).toBe(3);
    expect(long.item?.context.length).toBeGreaterThanOrEqual(3);
    const none = nextItemSchema.parse(
      (await call('GET', `${routePath(API.history.next)}${queryString({ site: 'claude' })}`)).body,
    );
    expect(none).toEqual({ item: null, remaining: 0 });
    const bad = await call('GET', `${routePath(API.history.next)}${queryString({ minTurns: 5, maxTurns: 2 })}`);
    expect(bad.status).toBe(400);
    const facets = itemFacetsSchema.parse((await call('GET', routePath(API.history.facets))).body);
    expect(facets.unrated).toBe(6);
    expect(facets.sites).toEqual([{ value: 'chatgpt', count: 6 }]);
  });

  it('stores a rating as an annotation that sync pulls, refuses a second one, and is served again after undo', async () => {
    const first = nextItemSchema.parse((await call('GET', routePath(API.history.next))).body);
    if (!first.item) throw new Error('an item to rate');
    const rated = await call('POST', routePath(API.history.rate, { id: first.item.id }), { thumb: 'down', score: 20 });
    expect(rated.status).toBe(201);
    const { annotation, seq } = itemRatedSchema.parse(rated.body);
    expect(annotation).toMatchObject({
      key: first.item.key,
      response: first.item.response,
      context: first.item.context,
      thumb: 'down',
      score: 20,
      revision: 1,
      metadata: { 'item.source': 'import', 'item.from': 'chatgpt-export' },
    });
    expect(annotation.metadata.source).toBeUndefined();
    const pulled = syncPullResponseSchema.parse(
      (await call('GET', `${routePath(API.sync.pull)}${queryString({ since: seq - 1, limit: 10 })}`)).body,
    );
    expect(pulled.annotations.map((pulledAnnotation) => pulledAnnotation.id)).toContain(annotation.id);
    const after = nextItemSchema.parse((await call('GET', routePath(API.history.next))).body);
    expect(after.item?.id).not.toBe(first.item.id);
    expect(after.remaining).toBe(first.remaining - 1);
    expect((await call('POST', routePath(API.history.rate, { id: first.item.id }), { thumb: 'up' })).status).toBe(409);
    expect((await call('POST', routePath(API.history.rate, { id: first.item.id }), {})).status).toBe(400);
    // Undo: the dashboard deletes the annotation it made, and the item is waiting again.
    const undone = await call(
      'DELETE',
      `${routePath(API.annotations.remove, { id: annotation.id })}${queryString({ baseRevision: 1 })}`,
    );
    expect(annotationWriteResponseSchema.parse(undone.body).annotation.deletedAt).not.toBeNull();
    expect(nextItemSchema.parse((await call('GET', routePath(API.history.next))).body)).toEqual(first);
  });

  it('skips an item and undoes the skip', async () => {
    const first = nextItemSchema.parse((await call('GET', routePath(API.history.next))).body);
    if (!first.item) throw new Error('an item to skip');
    const skipped = await call('POST', routePath(API.history.skip, { id: first.item.id }), {});
    expect(itemSkipSchema.parse(skipped.body)).toEqual({ id: first.item.id, skipped: true });
    const next = nextItemSchema.parse((await call('GET', routePath(API.history.next))).body);
    expect(next.item?.id).not.toBe(first.item.id);
    expect(next.remaining).toBe(first.remaining - 1);
    const back = await call('DELETE', routePath(API.history.unskip, { id: first.item.id }));
    expect(itemSkipSchema.parse(back.body)).toEqual({ id: first.item.id, skipped: false });
    expect(nextItemSchema.parse((await call('GET', routePath(API.history.next))).body)).toEqual(first);
    expect((await call('POST', routePath(API.history.skip, { id: 'item-none' }), {})).status).toBe(404);
  });

  it('shows an import whose process died as interrupted: at start-up and when runs are read', async () => {
    // Runs written by other processes on the same database: one killed two minutes ago, one alive.
    const now = Date.now();
    const run = (id: string, touched: number): ImportRun => ({
      id,
      source: 'auto',
      file: `${id}.zip`,
      status: 'running',
      dryRun: false,
      startedAt: new Date(touched - 1_000).toISOString(),
      updatedAt: new Date(touched).toISOString(),
      finishedAt: null,
      summary: emptyImportSummary(),
      error: null,
    });
    const other = await server.database.open();
    try {
      await other.items.startRun(run('killed-run', now - RUN_LEASE_MS - 60_000));
      await other.items.startRun(run('live-run', now));
    } finally {
      await other.close();
    }
    const status = async () =>
      Object.fromEntries(
        (await server.database.query<{ id: string; status: string }>('SELECT id, status FROM import_runs')).map(
          (row) => [row.id, row.status],
        ),
      );
    // A companion starting on the database applies the rule before it serves anything.
    const second = await startServer({
      host: '127.0.0.1',
      port: 0,
      dataDir: server.dataDir,
      database: server.database.target,
      logger: silentLogger,
    });
    await second.close();
    expect(await status()).toMatchObject({ 'killed-run': 'interrupted', 'live-run': 'running' });

    // This companion, already running, finds a run that died since it started when asked for the runs.
    const later = await server.database.open();
    try {
      await later.items.startRun(run('killed-later', now - RUN_LEASE_MS - 1_000));
    } finally {
      await later.close();
    }
    const listed = importRunListSchema.parse((await call('GET', routePath(API.history.runs))).body).runs;
    expect(listed.find((found) => found.id === 'killed-later')).toMatchObject({
      status: 'interrupted',
      error: ABANDONED_RUN_ERROR,
    });
    expect(listed.find((found) => found.id === 'live-run')?.status).toBe('running');
    const killed = importRunSchema.parse((await call('GET', routePath(API.history.run, { id: 'killed-run' }))).body);
    expect(killed).toMatchObject({ status: 'interrupted', error: ABANDONED_RUN_ERROR });
    expect(killed.finishedAt).toBe(run('killed-run', now - RUN_LEASE_MS - 60_000).updatedAt);
  });

  it('keeps no upload file once the companion stops', async () => {
    await call('POST', routePath(API.history.createUpload), { fileName: 'left.zip', size: 100 });
    const dir = join(server.dataDir, 'uploads');
    expect(readdirSync(dir).length).toBeGreaterThanOrEqual(1);
    await server.running.close();
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });
});
