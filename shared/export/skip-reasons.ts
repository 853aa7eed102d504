/**
 * Why an annotation, a candidate pair or an example made no line: the ids the summary counts
 * (`summary.skipped`), each with the words a person reads and the rule behind it (docs/export.md,
 * "Rules"). The CLI summary and the dashboard print these; a test checks that every reason the engine
 * or a format can give is here.
 */
export interface SkipReasonText {
  /** What happened, as a short phrase: "rated bad, no correction". */
  words: string;
  /** The rule that decided it, and what to change to get a line. */
  rule: string;
}

export const SKIP_REASONS = {
  tombstoned: {
    words: 'deleted',
    rule: 'Deleted annotations and comparisons are never exported.',
  },
  'source-not-selected': {
    words: 'from a source this export leaves out',
    rule: 'Only chat captures are exported by default; add --source review, api or import to include the others.',
  },
  filtered: {
    words: 'left out by a filter',
    rule: 'The site, model, annotator, tag, date, score, comment or correction filters exclude it.',
  },
  duplicate: {
    words: 'same line as one already written',
    rule: 'Dedup drops a line identical to an earlier one (the first, or the stronger basis, is kept); --no-dedup keeps it.',
  },
  'empty-response': {
    words: 'empty response',
    rule: 'A target, chosen or rejected text that is empty or whitespace gives no line.',
  },
  'rated-bad': {
    words: 'rated bad, no correction',
    rule: 'Thumbs down or a score at or below the undesirable threshold (40) is no supervised example; add a correction to make one, or export pairs or KTO.',
  },
  'below-sft-threshold': {
    words: 'score in the middle',
    rule: 'A score between the undesirable threshold (40) and --sft-min-score (70) is neither approved nor rejected.',
  },
  unrated: {
    words: 'not rated',
    rule: 'An annotation without thumb, score or correction says nothing about the response.',
  },
  'conflicting-signals': {
    words: 'thumb and score disagree',
    rule: 'Thumbs up with a low score, or thumbs down with a high one, is no signal either way.',
  },
  'kto-middle-score': {
    words: 'score in the middle (KTO)',
    rule: 'KTO labels need a score at or above the desirable threshold (70) or at or below the undesirable one (40).',
  },
  'no-user-turn': {
    words: 'no user turn before the response',
    rule: 'An example needs a prompt: at least one user turn in the captured context.',
  },
  'context-ends-with-assistant': {
    words: 'context ends with an assistant turn',
    rule: 'The rated response must answer a user (or tool) turn; the capture missed the question in between.',
  },
  'empty-turn': {
    words: 'empty turn in the context',
    rule: 'A context turn without text cannot be trained on; re-capture the conversation.',
  },
  'system-turn-mid-conversation': {
    words: 'system message after the start',
    rule: 'System messages are kept only at the start, where they become the system prompt.',
  },
  'tool-turns-unsupported': {
    words: 'tool result this format cannot hold',
    rule: 'OpenAI (no tool_call_id), Alpaca and HH files have no slot for tool results; ShareGPT writes them as observation.',
  },
  'context-starts-with-assistant': {
    words: 'context opens with an assistant turn',
    rule: 'ShareGPT, Alpaca and HH need turns that start with the user and alternate.',
  },
  'turns-do-not-alternate': {
    words: 'turns do not alternate',
    rule: 'ShareGPT, Alpaca and HH need user and assistant turns in turn (consecutive turns of one role are merged).',
  },
  'hh-separator-in-text': {
    words: 'text contains "Human:" or "Assistant:" separators',
    rule: 'HH transcripts are split on those separators, so such text would corrupt the line.',
  },
  'annotation-in-no-pair': {
    words: 'in no preference pair',
    rule: 'Pair formats need a correction, an explicit comparison, or a rated variant of the same prompt to pair it with.',
  },
  'pair-identical-responses': {
    words: 'both sides are the same text',
    rule: 'A pair needs two different responses (compared after whitespace normalisation).',
  },
  'pair-tie': {
    words: 'variants scored equal',
    rule: 'Equal scores give no preference.',
  },
  'pair-gap-below-delta': {
    words: 'score gap too small',
    rule: 'Variants pair on scores only when they differ by at least --pair-min-gap (15).',
  },
  'pair-both-up': {
    words: 'both variants thumbed up',
    rule: 'Two thumbs up (without a score gap) say neither is better.',
  },
  'pair-both-down': {
    words: 'both variants thumbed down',
    rule: 'Two thumbs down (without a score gap) say neither is better.',
  },
  'pair-conflicting-signals': {
    words: 'thumbs and scores point different ways',
    rule: 'A pair where the thumbs contradict the score order is no signal.',
  },
  'pair-unrated': {
    words: 'variant not rated',
    rule: 'Variants pair only when both are rated.',
  },
  'pair-contexts-differ': {
    words: 'variants captured with different contexts',
    rule: 'Marked as variants of one prompt, but the history or system prompt differs, so they are not answers to the same prompt.',
  },
  'pair-decided-by-comparison': {
    words: 'pair already given by an explicit comparison',
    rule: 'When a person compared the two responses directly, that comparison makes the pair; thumbs or scores of the same two do not add another.',
  },
  'comparison-tombstoned': {
    words: 'comparison deleted',
    rule: 'Deleted comparisons are never exported.',
  },
  'comparison-tie': {
    words: 'comparison was a tie',
    rule: 'A tie prefers neither response.',
  },
  'comparison-contexts-differ': {
    words: 'compared responses have different contexts',
    rule: 'Both sides of a comparison must answer exactly the same context.',
  },
  'comparison-missing-annotation': {
    words: 'comparison names an annotation not exported',
    rule: 'One side of the comparison is missing, deleted or left out by a filter or source.',
  },
} as const satisfies Record<string, SkipReasonText>;

export type SkipReason = keyof typeof SKIP_REASONS;

/** The words and rule of a reason; a reason missing from the table reads as its id. */
export function describeSkipReason(reason: string): SkipReasonText {
  return (SKIP_REASONS as Record<string, SkipReasonText>)[reason] ?? { words: reason, rule: '' };
}
