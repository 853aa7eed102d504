import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../companion/src/storage/sqlite/sqlite-store.ts';
import type { Annotation } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';

const ROUNDS = 24;

/**
 * Jepsen's set check against a real companion process: push batches (new records and edits) while
 * SIGKILLing the process at random moments, restart it, and in the end every acknowledged version
 * must be present (or superseded by a later acknowledged one), nothing duplicated or invented, and
 * the database must pass integrity_check.
 */
describe('crash safety', () => {
  let companion: CompanionProcess | undefined;
  afterAll(() => companion?.dispose());

  it(`keeps every acknowledged write across ${ROUNDS} SIGKILLs mid-push`, { timeout: 300_000 }, async () => {
    companion = await startCompanion();
    const running = companion;
    const sent = new Map<string, Annotation>();
    /** Every version sent, by id and revision, to check a stored record is one of them exactly. */
    const versions = new Map<string, Annotation>();
    /** The highest revision the companion acknowledged for each id. */
    const acked = new Map<string, number>();
    let killsDuringRequest = 0;

    for (let round = 0; round < ROUNDS; round++) {
      let alive = true;
      let inFlight = false;
      let ackedThisRound = 0;
      const client = (async () => {
        while (alive) {
          const batch: Annotation[] = [];
          for (let i = 0; i < 40; i++) {
            const fresh = makeAnnotation({ conversationId: `conv-${round}`, comment: 'x'.repeat(500) });
            sent.set(fresh.id, fresh);
            versions.set(`${fresh.id}@1`, fresh);
            batch.push(fresh);
          }
          // Edits of records acknowledged earlier: a later revision of each.
          for (const [id] of [...acked].slice(-10)) {
            const previous = sent.get(id) as Annotation;
            const edit = { ...previous, revision: previous.revision + 1, score: (previous.revision * 7) % 101 };
            sent.set(id, edit);
            versions.set(`${id}@${edit.revision}`, edit);
            batch.push(edit);
          }
          inFlight = true;
          try {
            const response = await fetch(`${running.url}/api/v1/sync/push`, {
              method: 'POST',
              headers: { authorization: `Bearer ${running.token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ deviceId: 'crash-test', annotations: batch }),
            });
            const body = (await response.json()) as { annotations: Array<{ id: string; status: string }> };
            if (response.status !== 200) throw new Error(`push answered ${response.status}`);
            for (const [index, result] of body.annotations.entries()) {
              expect(['accepted', 'unchanged']).toContain(result.status);
              const record = batch[index] as Annotation;
              acked.set(record.id, Math.max(acked.get(record.id) ?? 0, record.revision));
            }
            ackedThisRound += 1;
          } catch (error) {
            // The process died under this request: its outcome is unknown, so it counts as not acknowledged.
            if (alive) throw error;
          } finally {
            inFlight = false;
          }
        }
      })();
      // Kill once this round has had one push acknowledged, then at a random moment: a freshly started
      // process answers its first push slowly on a loaded machine (200–500 ms seen), and a kill
      // before any acknowledgement proves nothing about acknowledged writes.
      const deadline = Date.now() + 30_000;
      while (ackedThisRound === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 40 + Math.random() * 260));
      if (inFlight) killsDuringRequest += 1;
      alive = false;
      await running.kill('SIGKILL');
      await client;
      await running.start();
    }
    await running.stop();

    expect(acked.size).toBeGreaterThan(ROUNDS * 40);
    // Most kills must have hit a request in flight, or this test would prove little.
    expect(killsDuringRequest).toBeGreaterThan(ROUNDS / 2);

    const store = openSqliteStore(`${running.dataDir}/margin.sqlite`);
    try {
      expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Map<string, Annotation>();
      for await (const annotation of store.iterateAnnotations({ includeDeleted: true })) {
        expect(stored.has(annotation.id), `duplicate ${annotation.id}`).toBe(false);
        stored.set(annotation.id, annotation);
      }
      const lost = [...acked].filter(([id, revision]) => (stored.get(id)?.revision ?? 0) < revision);
      expect(lost).toEqual([]);
      const unexpected = [...stored.keys()].filter((id) => !sent.has(id));
      expect(unexpected).toEqual([]);
      // Each stored version is exactly one that was sent (same content), never a mix.
      for (const [id, annotation] of stored) {
        expect(annotation).toEqual(versions.get(`${id}@${annotation.revision}`));
      }
      const sequences = store.database.prepare('SELECT count(DISTINCT seq) = count(*) FROM annotations').pluck().get();
      expect(sequences).toBe(1);
    } finally {
      store.close();
    }
  });
});
