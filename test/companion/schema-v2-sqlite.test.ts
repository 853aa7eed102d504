import { writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importAnnotations } from '../../companion/src/dataset/import-annotations.ts';
import { type RunningServer, startServer } from '../../companion/src/server.ts';
import { upgradeStoredAnnotation } from '../../companion/src/storage/sqlite/annotation-v2-upgrade.ts';
import { LATEST_VERSION } from '../../companion/src/storage/sqlite/migrations.ts';
import { openSqliteStore } from '../../companion/src/storage/sqlite/sqlite-store.ts';
import { versionHash } from '../../companion/src/storage/version-hash.ts';
import { readToken } from '../../companion/src/support/token.ts';
import {
  annotationSchema,
  syncPullResponseSchema,
  syncPushResponseSchema,
  upgradeAnnotation,
} from '../../shared/index.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { rawRequest } from './support/raw-http.ts';
import {
  V4_ANNOTATION_BODIES,
  V4_COMPARISON_BODY,
  V4_HISTORY_BODIES,
  v4Hash,
  writeV4Database,
} from './support/sqlite-v4-fixture.ts';

/** What a push of the version-1 record would store today: upgraded, validated, serialized. */
const canonicalV2 = (v1Body: string) => JSON.stringify(annotationSchema.parse(upgradeAnnotation(JSON.parse(v1Body))));

let dir: { path: string; remove: () => Promise<void> };
let path = '';
beforeEach(async () => {
  dir = await makeTempDir('schema-v2');
  path = `${dir.path}/margin.sqlite`;
  writeV4Database(path);
});
afterEach(() => dir.remove());

describe('SQLite migration 5 (annotation schema v2)', () => {
  it('rewrites every version-1 body, current and in history, with its new hash; sequence numbers and comparisons stay', async () => {
    const before = new Database(path, { readonly: true });
    const seqsBefore = before.prepare('SELECT id, seq, revision, deleted_at FROM annotations ORDER BY seq').all();
    before.close();

    const store = openSqliteStore(path);
    try {
      const db = store.database;
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
      const rows = db.prepare('SELECT id, seq, hash, body FROM annotations ORDER BY seq').all() as {
        id: string;
        seq: number;
        hash: string;
        body: string;
      }[];
      expect(rows.map((row) => row.body)).toEqual(V4_ANNOTATION_BODIES.map(canonicalV2));
      for (const row of rows) expect(row.hash).toBe(versionHash(row.body));
      expect(db.prepare('SELECT id, seq, revision, deleted_at FROM annotations ORDER BY seq').all()).toEqual(
        seqsBefore,
      );
      const live = JSON.parse(rows[0]?.body ?? '');
      expect(live.schemaVersion).toBe(2);
      expect(live.metadata).toEqual({ trace_id: 't-1', 'capture.unrenderedTurns': 2, 'capture.partial': true });
      expect(live.response).toBe('HTTP : méthodes, statuts, en-têtes.\u2028Fin.');

      // The two history versions of `a-live` are one version 2: kept once. Every other stays.
      const history = db.prepare('SELECT id, hash, body FROM history ORDER BY rowid').all() as {
        id: string;
        hash: string;
        body: string;
      }[];
      expect(history.map((row) => row.body)).toEqual([
        canonicalV2(V4_HISTORY_BODIES[0] ?? ''),
        canonicalV2(V4_HISTORY_BODIES[1] ?? ''),
      ]);
      for (const row of history) expect(row.hash).toBe(versionHash(row.body));
      expect(canonicalV2(V4_HISTORY_BODIES[2] ?? '')).toBe(history[1]?.body);

      const comparison = db.prepare('SELECT hash, body FROM comparisons').get();
      expect(comparison).toEqual({ hash: v4Hash(V4_COMPARISON_BODY), body: V4_COMPARISON_BODY });
      expect(await store.stats()).toMatchObject({
        annotations: { live: 2, deleted: 1 },
        comparisons: { live: 1, deleted: 0 },
        history: 2,
        checkpoint: 4,
      });
    } finally {
      store.close();
    }
  });

  it('is the same function the push path uses: a stored version-2 body is left alone', () => {
    const upgraded = upgradeStoredAnnotation(V4_ANNOTATION_BODIES[0] ?? '');
    expect(upgraded?.body).toBe(canonicalV2(V4_ANNOTATION_BODIES[0] ?? ''));
    expect(upgradeStoredAnnotation(upgraded?.body ?? '')).toBeNull();
  });

  it('answers a replayed version-1 push `unchanged` (or `superseded` for a history version) and stores nothing new', async () => {
    const server = await startOn(dir.path);
    try {
      const v1Records = V4_ANNOTATION_BODIES.map((text) => JSON.parse(text));
      const replay = await server.push({ deviceId: 'device-old', annotations: v1Records, comparisons: [] });
      expect(replay.annotations.map((result) => [result.id, result.status, result.seq])).toEqual([
        ['a-live', 'unchanged', 1],
        ['a-gone', 'unchanged', 2],
        ['a-edited', 'unchanged', 3],
      ]);
      expect(replay.checkpoint).toBe(4);
      const old = await server.push({ deviceId: 'device-old', annotations: [JSON.parse(V4_HISTORY_BODIES[1] ?? '')] });
      expect(old.annotations[0]).toMatchObject({ status: 'superseded', seq: 1 });
      expect(old.annotations[0]?.current).toEqual(JSON.parse(canonicalV2(V4_ANNOTATION_BODIES[0] ?? '')));

      // A record an old extension creates now is stored as version 2.
      const fresh = {
        ...JSON.parse(V4_ANNOTATION_BODIES[2] ?? ''),
        id: 'a-new',
        key: 'claude:conv-v1:m9',
        messageId: 'm9',
      };
      const created = await server.push({ deviceId: 'device-old', annotations: [fresh] });
      expect(created.annotations[0]).toMatchObject({ status: 'accepted', seq: 5 });
      const pulled = await server.pull();
      expect(pulled.annotations.map((annotation) => [annotation.id, annotation.schemaVersion])).toEqual([
        ['a-live', 2],
        ['a-gone', 2],
        ['a-edited', 2],
        ['a-new', 2],
      ]);
      expect(pulled.annotations.at(-1)).toEqual(upgradeAnnotation(fresh));
    } finally {
      await server.close();
    }
    const store = openSqliteStore(path);
    expect((await store.stats()).history).toBe(2);
    store.close();
  });

  it('imports (and restores) a version-1 file as `unchanged` after the upgrade', async () => {
    const store = openSqliteStore(path);
    try {
      const problems: string[] = [];
      const lines = [...V4_ANNOTATION_BODIES, ...V4_HISTORY_BODIES];
      const file = `${path}.import.jsonl`;
      writeFileSync(file, `${lines.join('\n')}\n`);
      const summary = await importAnnotations(store, file, 'import', (problem) => problems.push(problem));
      expect(problems).toEqual([]);
      expect(summary).toEqual({ lines: 6, accepted: 0, unchanged: 3, superseded: 3, rejected: 0 });
      expect((await store.stats()).history).toBe(2);
    } finally {
      store.close();
    }
  });
});

/** The real server on a data directory prepared beforehand. */
async function startOn(dataDir: string) {
  const running: RunningServer = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  });
  const token = readToken(dataDir) as string;
  const send = (method: string, requestPath: string, body?: unknown) =>
    rawRequest(running.port, {
      method,
      path: requestPath,
      headers: {
        host: `127.0.0.1:${running.port}`,
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    async push(body: { deviceId: string; annotations: unknown[]; comparisons?: unknown[] }) {
      const response = await send('POST', '/api/v1/sync/push', body);
      expect(response.status, response.text).toBe(200);
      return syncPushResponseSchema.parse(response.json());
    },
    async pull() {
      const response = await send('GET', '/api/v1/sync/pull?since=0&limit=1000');
      return syncPullResponseSchema.parse(response.json());
    },
    close: () => running.close(),
  };
}
