import type { Annotation } from '../../shared/index.ts';

/** Deterministic pseudo-random numbers, so every run pushes the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS =
  'the model answer router reset config python function error because value should would return list async await cache database index query latency token budget prompt review'.split(
    ' ',
  );

/** `count` realistic annotations (1–4 KB of text, multi-turn context), the same every run. */
export function makeAnnotations(count: number): Annotation[] {
  const next = random(42);
  const text = (chars: number) => {
    let out = '';
    while (out.length < chars) out += `${WORDS[Math.floor(next() * WORDS.length)]} `;
    return out.slice(0, chars);
  };
  const annotations: Annotation[] = [];
  for (let i = 0; i < count; i++) {
    const target = 1_000 + Math.floor(next() * 3_000); // 1–4 KB of text in all
    const turns = 2 + Math.floor(next() * 5);
    const per = Math.floor(target / (turns + 1));
    const conversationId = `conv-${Math.floor(i / 4)}`;
    const messageId = `msg-${i}`;
    const time = new Date(Date.UTC(2026, 10, 1) + i * 1_000).toISOString();
    annotations.push({
      schemaVersion: 2,
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      key: `chatgpt:${conversationId}:${messageId}`,
      site: 'chatgpt',
      url: `https://chatgpt.com/c/${conversationId}`,
      conversationId,
      messageId,
      model: 'gpt-5',
      modelSource: 'model-picker',
      context: Array.from({ length: turns }, (_, turn) => ({
        role: turn === 0 ? ('system' as const) : turn % 2 === 1 ? ('user' as const) : ('assistant' as const),
        content: text(per),
      })),
      response: text(per),
      variant: null,
      thumb: next() < 0.5 ? 'up' : 'down',
      score: Math.floor(next() * 101),
      comment: next() < 0.3 ? text(80) : '',
      tags: next() < 0.5 ? ['helpful'] : [],
      correction: null,
      metadata: { trace_id: `t-${i}` },
      annotator: 'ada',
      createdAt: time,
      updatedAt: time,
      deletedAt: null,
      revision: 1,
    });
  }
  return annotations;
}
