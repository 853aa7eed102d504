import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, orList, suggestSimilar } from '../../shared/index.ts';

describe('did you mean', () => {
  it('measures typos as edits, a swap of neighbours as one', () => {
    expect(editDistance('chatgtp', 'chatgpt')).toBe(1);
    expect(editDistance('claud', 'claude')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests near values and whole-part matches, best first, never the value itself', () => {
    const sites = ['chatgpt', 'claude', 'gemini', 'perplexity'];
    expect(suggestSimilar('chatgtp', sites)).toEqual(['chatgpt']);
    expect(suggestSimilar('Claude', sites)).toEqual(['claude']);
    expect(suggestSimilar('mistral', sites)).toEqual([]);
    expect(suggestSimilar('dpo', ['openai-sft', 'openai-dpo', 'trl-dpo', 'raw'])).toEqual(['openai-dpo', 'trl-dpo']);
    expect(suggestSimilar('gem', sites)).toEqual(['gemini']);
    expect(suggestSimilar('', sites)).toEqual([]);
  });

  it('reads as a sentence', () => {
    expect(orList(['a'])).toBe('"a"');
    expect(orList(['a', 'b', 'c'])).toBe('"a", "b" or "c"');
    expect(didYouMean('chatgtp', ['chatgpt'])).toBe(' (did you mean "chatgpt"?)');
    expect(didYouMean('zzz', ['chatgpt'])).toBe('');
  });
});
