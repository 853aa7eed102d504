import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stores } from '../../companion/src/storage/stores.ts';
import type { Annotation } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { createDatabase, STORE_KINDS, type TestDatabase } from '../support/stores.ts';

const WRITERS = 6;
const BATCHES = 25;
const BATCH_SIZE = 8;

/**
 * The classic sequence gap: writer A takes numbers 1–8, writer B takes 9–16 and commits first, a
 * puller sees 9–16 and moves its checkpoint to 16, then A commits 1–8 below the checkpoint, and the
 * puller never sees them. Here several writers, each with connections of its own, push at once while
 * a puller follows the feed by checkpoint as a browser does; every change must reach it exactly once.
 */
describe.each(STORE_KINDS)('the changes feed under concurrent writers (%s)', (kind) => {
  let database: TestDatabase;
  const opened: Stores[] = [];
  beforeEach(async () => {
    database = await createDatabase(kind, 'sequence_gap');
  });
  afterEach(async () => {
    for (const stores of opened.splice(0)) await stores.close();
    await database.remove();
  });

  it(`a puller following the checkpoint sees each of ${WRITERS * BATCHES * BATCH_SIZE} new annotations exactly once`, {
    timeout: 120_000,
  }, async () => {
    for (let i = 0; i <= WRITERS; i++) opened.push(await database.open());
    const [reader, ...writerStores] = opened as [Stores, ...Stores[]];
    const written = new Set<string>();
    let writing = true;

    const writers = writerStores.map(async (stores, writer) => {
      for (let batch = 0; batch < BATCHES; batch++) {
        const annotations: Annotation[] = Array.from({ length: BATCH_SIZE }, (_, i) =>
          makeAnnotation({ conversationId: `w${writer}-b${batch}`, messageId: `m${i}`, comment: 'x'.repeat(200) }),
        );
        const applied = await stores.sync.applyChanges({
          deviceId: `writer-${writer}`,
          receivedAt: new Date().toISOString(),
          annotations,
          comparisons: [],
        });
        expect(applied.annotations.every((result) => result.status === 'accepted')).toBe(true);
        for (const annotation of annotations) written.add(annotation.id);
        // Let the others interleave: a writer that never yields would serialise the test by itself.
        if (Math.random() < 0.5) await new Promise((resolve) => setImmediate(resolve));
      }
    });

    const seen = new Map<string, number>();
    let checkpoint = 0;
    let pulls = 0;
    const pull = async () => {
      const page = await reader.sync.changesSince(checkpoint, 50);
      pulls += 1;
      for (const annotation of page.annotations) seen.set(annotation.id, (seen.get(annotation.id) ?? 0) + 1);
      expect(page.checkpoint).toBeGreaterThanOrEqual(checkpoint);
      checkpoint = page.checkpoint;
      return page.hasMore;
    };
    const puller = (async () => {
      while (writing) {
        await pull();
        // SQLite answers at once (a settled promise): without this turn the writers would never run.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    await Promise.all(writers);
    writing = false;
    await puller;
    while (await pull()) {
      // drain what committed after the puller's last page
    }

    expect(written.size).toBe(WRITERS * BATCHES * BATCH_SIZE);
    // The puller really ran alongside the writers, not only after them.
    expect(pulls).toBeGreaterThan(WRITERS);
    const missed = [...written].filter((id) => !seen.has(id));
    const twice = [...seen].filter(([, count]) => count > 1);
    expect(missed).toEqual([]);
    expect(twice).toEqual([]);
    expect(seen.size).toBe(written.size);
    expect(checkpoint).toBe(await reader.sync.checkpoint());
  });
});
