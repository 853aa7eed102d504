import { describe, expect, it } from 'vitest';
import { compareCandidates, previousVerdict } from '../../extension/src/annotate/compare-candidates.ts';
import type { ResponseCaptureInput } from '../../extension/src/utils/annotation-input.ts';

describe('compare candidates', () => {
  const capture = (messageId: string, index: number, overrides: Partial<ResponseCaptureInput> = {}) => ({
    site: 'chatgpt',
    url: 'https://chatgpt.com/c/c-1',
    conversationId: 'c-1',
    messageId,
    model: null,
    modelSource: 'unknown' as const,
    context: [{ role: 'user' as const, content: 'Q' }],
    response: `Answer ${index} ${'long text '.repeat(30)}`,
    variant: { index, count: 3, group: 'g-1' },
    missingContextTurns: 0,
    ...overrides,
  });

  it('offers the other variants of the same prompt and context, in order, with the verdict so far', () => {
    const current = capture('m-2', 2);
    const seen = new Map(
      [
        capture('m-3', 3),
        capture('m-1', 1),
        current,
        capture('m-x', 1, { context: [{ role: 'user', content: 'Other' }] }),
        capture('m-y', 1, { variant: { index: 1, count: 3, group: 'g-2' } }),
      ].map((entry) => [entry.messageId, entry]),
    );
    const candidates = compareCandidates(current, seen, [{ a: 'm-1', b: 'm-2', winner: 'a', revision: 1 }]);
    expect(candidates.map((candidate) => [candidate.messageId, candidate.label, candidate.previous])).toEqual([
      ['m-1', 'Variant 1 of 3', 'b'],
      ['m-3', 'Variant 3 of 3', null],
    ]);
    expect(candidates[0]?.preview.length).toBeLessThanOrEqual(140);
    expect(candidates[0]?.preview.endsWith('…')).toBe(true);
    expect(compareCandidates(capture('m-2', 2, { variant: null }), seen, [])).toEqual([]);
    expect(previousVerdict([{ a: 'x', b: 'y', winner: 'tie', revision: 1 }], 'y', 'x')).toBe('tie');
  });
});
