import type { Stores } from '../../companion/src/storage/stores.ts';
import type { Annotation } from '../../shared/index.ts';

/** The dashboard benchmark's annotations: the same data on every run, made a batch at a time. */

/** Deterministic pseudo-random numbers, so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const SYLLABLES = 'ka to ri mu se na lo pe vi da go zu he bi fo ra ne ti so mo wa yu ke'.split(' ');

/**
 * `count` annotations in batches of `batch`, made as they are asked for: a million (2 GB as objects)
 * never has to be held at once. The sequence is the one a single array of `count` would hold.
 */
export function* annotationBatches(count: number, batch: number): Generator<Annotation[]> {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  // A vocabulary of 5,000 made-up words, so the full-text index is not trivially small.
  const vocabulary = Array.from({ length: 5_000 }, () =>
    Array.from({ length: 2 + Math.floor(next() * 3) }, () => pick(SYLLABLES)).join(''),
  );
  const text = (chars: number) => {
    let out = '';
    while (out.length < chars) out += `${pick(vocabulary)} `;
    return out.slice(0, chars);
  };
  const sites = ['chatgpt', 'claude', 'gemini', 'copilot', 'perplexity'];
  const models = ['gpt-5', 'gpt-4o', 'claude-4', 'gemini-3', 'sonar', null];
  const tags = ['code', 'long', 'wrong', 'style', 'helpful', 'unsafe', 'math'];
  const make = (i: number): Annotation => {
    const site = pick(sites);
    const conversationId = `conv-${Math.floor(i / 3)}`;
    const messageId = `msg-${i}`;
    // One every 4 minutes from 2026-01-01: 100,000 span about 9 months, 1,000,000 about 7.6 years.
    const time = new Date(Date.UTC(2026, 0, 1) + i * 240_000).toISOString();
    return {
      schemaVersion: 2,
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      key: `${site}:${conversationId}:${messageId}`,
      site,
      url: `https://example.com/c/${conversationId}`,
      conversationId,
      messageId,
      model: pick(models),
      modelSource: 'model-picker',
      context: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: text(200 + Math.floor(next() * 600)) },
      ],
      response: text(400 + Math.floor(next() * 1_100)),
      variant: null,
      thumb: pick(['up', 'down', null] as const),
      score: next() < 0.15 ? null : Math.floor(next() * 101),
      comment: next() < 0.3 ? text(60 + Math.floor(next() * 120)) : '',
      tags: tags.filter(() => next() < 0.12),
      correction: next() < 0.05 ? text(300) : null,
      metadata: {},
      annotator: pick(['ada', 'grace', 'linus', 'margaret']),
      createdAt: time,
      updatedAt: time,
      deletedAt: null,
      revision: 1,
    };
  };
  for (let start = 0; start < count; start += batch) {
    yield Array.from({ length: Math.min(batch, count - start) }, (_, offset) => make(start + offset));
  }
}

/**
 * Writes `batches` through the store's own write path (`sync.applyChanges`: the transaction, hashing
 * and sequence numbers a push uses, without HTTP), then lets the dashboard index them, as the
 * companion's background indexer would. Returns the seconds each step took.
 */
export async function seedThroughStore(
  stores: Stores,
  batches: Iterable<Annotation[]>,
  onProgress: (written: number) => void,
): Promise<{ writeSeconds: number; indexSeconds: number }> {
  const started = performance.now();
  let written = 0;
  for (const annotations of batches) {
    await stores.sync.applyChanges({
      deviceId: 'bench-seed',
      receivedAt: new Date().toISOString(),
      annotations,
      comparisons: [],
    });
    written += annotations.length;
    if (written % 100_000 < annotations.length) onProgress(written);
  }
  const writeSeconds = (performance.now() - started) / 1000;
  const indexStarted = performance.now();
  while ((await stores.dashboard.catchUp(50_000)) > 0) onProgress(written);
  return { writeSeconds, indexSeconds: (performance.now() - indexStarted) / 1000 };
}
