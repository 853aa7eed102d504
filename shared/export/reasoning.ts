import type { Annotation } from '../annotation.ts';

/**
 * Captured reasoning in exports (`--reasoning`): left out (`none`, the default), put on the assistant
 * message as a named field (`field`: TRL, Qwen-style templates, Axolotl, verl), or written before the
 * answer as `<think>…</think>` (`inline`: LLaMA-Factory, ShareGPT-style data).
 */
export const REASONING_MODES = ['none', 'field', 'inline'] as const;
export type ReasoningMode = (typeof REASONING_MODES)[number];

/** The field name in `field` mode: `reasoning_content` (Qwen3, GLM, TRL) or `thinking` (Harmony / GPT-OSS). */
export const REASONING_FIELDS = ['reasoning_content', 'thinking'] as const;
export type ReasoningField = (typeof REASONING_FIELDS)[number];

/**
 * How a format carries reasoning: as a field on the assistant message (and inline on request), only
 * inline in the text, not at all (no assistant answer in the row, or a schema with no room), or as
 * stored (`raw`, which writes the annotation itself).
 */
export type ReasoningSupport = 'field' | 'inline' | 'none' | 'stored';

/**
 * The model's visible reasoning captured with the response (annotation schema v2), or null when the
 * page showed none or only whitespace.
 */
export function reasoningOf(annotation: Pick<Annotation, 'reasoning'>): string | null {
  const { reasoning } = annotation;
  return reasoning !== undefined && reasoning.trim() !== '' ? reasoning : null;
}

/**
 * The answer with its reasoning in front, as reasoning templates render it (Qwen3, DeepSeek-R1,
 * LLaMA-Factory's `ReasoningTemplate`): `<think>\n…\n</think>\n\n` then the answer.
 */
export function inlineReasoning(reasoning: string, answer: string): string {
  return `<think>\n${reasoning.trim()}\n</think>\n\n${answer}`;
}

/** Why a format cannot carry reasoning in the chosen mode (a summary warning), or null when it can. */
export function reasoningWarning(format: string, support: ReasoningSupport, mode: ReasoningMode): string | null {
  if (mode === 'none' || support === 'stored') return null;
  if (support === 'none') {
    return `${format} has no place for reasoning (its rows hold no assistant answer, or its schema has no room for it): exported without reasoning`;
  }
  if (mode === 'field' && support === 'inline') {
    return `${format} has no reasoning field (its consumers reject unknown message keys): exported without reasoning; --reasoning inline puts it in the text as <think>…</think>`;
  }
  return null;
}
