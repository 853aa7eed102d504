import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionHashOf } from '../../companion/src/storage/version-hash.ts';
import { canonicalJson } from '../../shared/canonical-json.ts';
import { compareVersions, type VersionKey } from '../../shared/conflict-rule.ts';
import {
  type Annotation,
  annotationSchema,
  syncPullResponseSchema,
  syncPushResponseSchema,
} from '../../shared/index.ts';
import { annotationArbitrary, seededRandom, shuffleKeysDeep } from '../support/annotation-arbitrary.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * The sync push fuzzed with random batches from three devices: new versions of a few shared ids (so
 * they conflict: edits, deletes, ties), replays of earlier versions in another key order, and invalid
 * records mixed in. Whatever the companion acknowledged (accepted, unchanged or superseded) must be
 * accounted for: a pull returns every id exactly once, as the winner of the conflict rule among the
 * acknowledged versions, and a tombstone stays a tombstone. `MARGIN_FUZZ_RUNS` scales it.
 */
const RUNS = Math.max(20, Math.round(Number(process.env.MARGIN_FUZZ_RUNS ?? 1500) / 60));
const SEED = Number(process.env.MARGIN_FUZZ_SEED ?? 18);
const DEVICES = ['device-a', 'device-b', 'device-c'] as const;

type Op =
  | { kind: 'version'; slot: number; record: Annotation }
  | { kind: 'replay'; pick: number; seed: number }
  | { kind: 'invalid'; slot: number; record: Annotation; breakage: number };

/** Ways a record is refused one by one (the batch around it still goes through). */
const BREAKAGES: ((record: Annotation) => unknown)[] = [
  (record) => ({ ...record, score: 101 }),
  (record) => ({ ...record, site: 'Not A Slug' }),
  (record) => ({ ...record, revision: 0 }),
  (record) => ({ ...record, updatedAt: 'yesterday' }),
  (record) => ({ ...record, unknownField: true }),
  (record) => ({ ...record, metadata: { nested: { no: 'objects' } } }),
  ({ id: _id, ...record }) => record,
  () => 'not an object',
  () => null,
];

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('version'), slot: fc.nat(5), record: annotationArbitrary }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replay'), pick: fc.nat(), seed: fc.integer() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('invalid'),
      slot: fc.nat(5),
      record: annotationArbitrary,
      breakage: fc.nat(BREAKAGES.length - 1),
    }),
  },
) as fc.Arbitrary<Op>;

const batchesArbitrary = fc.array(
  fc.record({ device: fc.constantFrom(...DEVICES), ops: fc.array(opArbitrary, { minLength: 1, maxLength: 8 }) }),
  { minLength: 1, maxLength: 6 },
);

interface Acknowledged {
  record: Annotation;
  deviceId: string;
}

function key({ record, deviceId }: Acknowledged): VersionKey {
  return {
    deleted: record.deletedAt !== null,
    revision: record.revision,
    updatedAtMs: Date.parse(record.updatedAt),
    annotator: record.annotator,
    deviceId,
    hash: versionHashOf(record),
  };
}

let server: TestServer;
const figures = { pushes: 0, records: 0, acknowledged: 0, rejected: 0 };
beforeAll(async () => {
  server = await startTestServer({ app: { rateLimit: { burst: 1_000_000, perSecond: 1_000_000 } } });
});
afterAll(async () => {
  console.info(
    `sync fuzz: ${figures.pushes} pushes, ${figures.records} records, ${figures.acknowledged} acknowledged, ${figures.rejected} rejected, 0 lost`,
  );
  await server.close();
});

async function pullAll(): Promise<Annotation[]> {
  const all: Annotation[] = [];
  for (let since = 0; ; ) {
    const response = await server.send({ path: `/api/v1/sync/pull?since=${since}&limit=1000` });
    expect(response.status, response.text).toBe(200);
    const page = syncPullResponseSchema.parse(response.json());
    all.push(...page.annotations);
    since = page.checkpoint;
    if (!page.hasMore) return all;
  }
}

describe('sync push, fuzzed', () => {
  // About 0.4 s a history on a busy machine; the bound grows with the count asked for.
  const timeout = 30_000 + RUNS * 1_000;
  it(`${RUNS} random histories of batches from three devices: nothing acknowledged is lost or doubled`, {
    timeout,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(batchesArbitrary, async (batches) => {
        // Fresh ids each run, so runs do not see each other's versions.
        const ids: string[] = Array.from({ length: 6 }, () => randomUUID());
        const sent: Annotation[] = [];
        const acknowledged = new Map<string, Acknowledged[]>();
        for (const { device, ops } of batches) {
          const records = ops.map((op): unknown => {
            if (op.kind === 'replay') {
              const earlier = sent[op.pick % Math.max(1, sent.length)];
              return earlier ? shuffleKeysDeep(earlier, seededRandom(op.seed)) : 'nothing to replay yet';
            }
            const record = { ...op.record, id: ids[op.slot] as string };
            return op.kind === 'invalid' ? (BREAKAGES[op.breakage] as (r: Annotation) => unknown)(record) : record;
          });
          const response = await server.push({ deviceId: device, annotations: records, comparisons: [] });
          expect(response.status, response.text).toBe(200);
          const results = syncPushResponseSchema.parse(response.json()).annotations;
          expect(results.map((result) => result.index)).toEqual(records.map((_, index) => index));
          figures.pushes += 1;
          figures.records += records.length;
          results.forEach((result, index) => {
            if (result.status === 'rejected') {
              figures.rejected += 1;
              return;
            }
            const record = annotationSchema.parse(records[index]);
            figures.acknowledged += 1;
            sent.push(record);
            acknowledged.set(record.id, [...(acknowledged.get(record.id) ?? []), { record, deviceId: device }]);
          });
        }

        const pulled = (await pullAll()).filter((annotation) => ids.includes(annotation.id));
        expect(new Set(pulled.map((annotation) => annotation.id)).size).toBe(pulled.length);
        expect(pulled.map((annotation) => annotation.id).sort()).toEqual([...acknowledged.keys()].sort());
        for (const annotation of pulled) {
          const versions = acknowledged.get(annotation.id) ?? [];
          const winner = versions.reduce((best, next) => (compareVersions(key(next), key(best)) > 0 ? next : best));
          expect(canonicalJson(annotation)).toBe(canonicalJson(winner.record));
          if (versions.some((version) => version.record.deletedAt !== null))
            expect(annotation.deletedAt).not.toBeNull();
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(figures.rejected).toBeGreaterThan(0);
    expect(figures.acknowledged).toBeGreaterThan(figures.rejected);
  });
});
