import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AppDB } from '../../extension/src/db/app-db.ts';
import { buildLocalDataset, datasetFileName } from '../../extension/src/export/local-dataset.ts';
import { syncTables } from '../../extension/src/sync/apply-remote.ts';
import { createSyncEngine } from '../../extension/src/sync/sync-engine.ts';
import { exportParquetSchema } from '../../shared/export/index.ts';
import {
  EXPORT_FORMATS,
  type ExportOptionsInput,
  exportOptionsSchema,
  PARQUET_CONTENT_TYPE,
} from '../../shared/index.ts';
import { startTestServer, type TestServer } from '../companion/support/test-server.ts';
import { annotations, comparisons } from '../shared/export/fixture.ts';
import { readParquetFile, withNulls } from '../support/parquet-reader.ts';

let server: TestServer;
const dbs: AppDB[] = [];

function openDb() {
  const db = new AppDB(`margin-export-${Math.random()}`);
  dbs.push(db);
  return db;
}

async function syncWithCompanion(db: AppDB) {
  const engine = createSyncEngine({ db, alarms: fakeBrowser.alarms, pushDelayMs: 0 });
  expect(
    await engine.configure({ url: `http://127.0.0.1:${server.port}`, token: server.token, intervalSeconds: 60 }),
  ).toEqual({ ok: true });
  const state = await engine.syncNow();
  expect(state.failure).toBeNull();
}

/** The lines of a JSONL file (each ends in a newline). */
const jsonlLines = (text: string) => text.split('\n').filter((line) => line !== '');

async function companionDownload(options: ExportOptionsInput, sidecar = false) {
  const query = new URLSearchParams(
    Object.entries(options).map(([key, value]) => [key, String(value)] as [string, string]),
  );
  if (sidecar) query.set('sidecar', '1');
  const response = await server.send({ path: `/api/v1/export?${query}` });
  expect(response.status, response.text).toBe(200);
  return response;
}
const companionExport = async (options: ExportOptionsInput, sidecar = false) =>
  (await companionDownload(options, sidecar)).text;

beforeEach(async () => {
  fakeBrowser.reset();
  server = await startTestServer();
});
afterEach(async () => {
  for (const db of dbs.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
  await server.close();
});

const CASES: ExportOptionsInput[] = [
  ...EXPORT_FORMATS.map((format) => ({ format })),
  { format: 'trl-dpo', site: 'chatgpt', redactPii: true },
  { format: 'openai-sft', split: 0.9, dedup: false, minScore: 10 },
  { format: 'trl-kto', excludeTag: 'i18n', systemPrompt: 'Be kind.' },
];

describe('"Download dataset" in the popup gives the bytes the companion gives', () => {
  it('for every format and a few options, from the profile that made the annotations and from one that pulled them', async () => {
    // Saved in an order unlike the companion's, to show the export order does not depend on it.
    const maker = openDb();
    await maker.annotations.bulkPut([...annotations].reverse());
    await maker.comparisons.bulkPut(comparisons);
    await syncWithCompanion(maker);
    const reader = openDb();
    await syncWithCompanion(reader);
    expect(await reader.annotations.count()).toBe(annotations.length);

    for (const options of CASES) {
      const parsed = exportOptionsSchema.parse(options);
      const schema = exportParquetSchema(parsed);
      if (schema) continue; // Parquet formats: the row-equality test below
      const expected = await companionExport(options);
      const expectedSidecar = await companionExport(options, true);
      expect(expected.length, `${JSON.stringify(options)} exports something`).toBeGreaterThan(0);
      for (const db of [maker, reader]) {
        const local = await buildLocalDataset(db, parsed, { sidecar: true });
        expect(await local.file.text(), JSON.stringify(options)).toBe(expected);
        expect(await local.sidecar?.text(), `sidecar ${JSON.stringify(options)}`).toBe(expectedSidecar);
        // Without asking for the sidecar, the same file and none of the sidecar.
        const withoutSidecar = await buildLocalDataset(db, parsed);
        expect(await withoutSidecar.file.text(), JSON.stringify(options)).toBe(expected);
        expect(withoutSidecar.sidecar).toBeNull();
      }
    }
  });

  // The popup cannot write Parquet (docs/export.md, "Parquet"): it downloads the very rows as JSONL.
  it('for the Parquet formats, the same rows as the Parquet file of the companion, and the same sidecar', async () => {
    const db = openDb();
    await db.annotations.bulkPut(annotations);
    await db.comparisons.bulkPut(comparisons);
    await syncWithCompanion(db);
    const parquetCases: ExportOptionsInput[] = [
      ...EXPORT_FORMATS.filter((format) => exportParquetSchema(exportOptionsSchema.parse({ format }))).map(
        (format) => ({
          format,
        }),
      ),
      { format: 'verl-rl', split: 0.5, site: 'chatgpt' },
      { format: 'verl-sft', redactPii: true, minScore: 10 },
    ];
    expect(parquetCases.length).toBeGreaterThan(2);
    for (const options of parquetCases) {
      const parsed = exportOptionsSchema.parse(options);
      const response = await companionDownload(options);
      expect(response.headers['content-type']).toBe(PARQUET_CONTENT_TYPE);
      const file = await readParquetFile(response.bytes);
      const local = await buildLocalDataset(db, parsed, { sidecar: true });
      const lines = jsonlLines(await local.file.text());
      expect(lines.length, JSON.stringify(options)).toBeGreaterThan(0);
      const schema = exportParquetSchema(parsed) ?? {};
      expect(file.rows, JSON.stringify(options)).toEqual(lines.map((line) => withNulls(JSON.parse(line), schema)));
      expect(await local.sidecar?.text()).toBe(await companionExport(options, true));
      expect(datasetFileName(parsed.format)).toBe(`margin-${parsed.format}.jsonl`);
    }
  });

  it('leaves out tombstones, and works with no companion at all', async () => {
    const db = openDb();
    await db.annotations.bulkPut(annotations);
    const [first] = annotations;
    if (!first) throw new Error('empty fixture');
    await db.transaction('rw', syncTables(db), async () => {
      await db.annotations.put({ ...first, deletedAt: '2026-11-02T00:00:00.000Z', revision: first.revision + 1 });
    });
    const dataset = await buildLocalDataset(db, exportOptionsSchema.parse({ format: 'raw' }));
    const ids = jsonlLines(await dataset.file.text()).map((line) => (JSON.parse(line) as { id: string }).id);
    expect(ids).not.toContain(first.id);
    expect(dataset.summary.annotationsRead).toBe(annotations.filter((a) => a.deletedAt === null).length - 1);
  });
});
