import type { ExportOptions } from '../export-options.ts';

/**
 * Why an annotation, a candidate pair or an example produced no line, in words, with the rule behind
 * it: the one table the dashboard's preview and the CLI's summary read, so a reason id such as
 * `rejected` is never shown bare (it reads like a validation error). Every reason the engine and the
 * formats can count is here (test/shared/export/skip-reasons.test.ts checks it).
 */

export type SkipThresholds = Pick<
  ExportOptions,
  'sftMinScore' | 'pairMinGap' | 'ktoDesirableMin' | 'ktoUndesirableMax'
>;

export interface SkipReasonText {
  /** What happened, as a short heading. */
  words: string;
  /** The rule that made it happen, with the thresholds in force. */
  rule(thresholds: SkipThresholds): string;
}

const noPrompt = 'Every example needs a context that ends with a user (or tool) turn.';

export const SKIP_REASONS = {
  // Before any rule: what the export does not read.
  filtered: {
    words: 'Left out by the filters',
    rule: () => 'The site, model, annotator, tag, date, score, comment or correction filters exclude it.',
  },
  tombstoned: { words: 'Deleted', rule: () => 'Deleted annotations are never exported.' },
  'source-not-selected': {
    words: 'From a source this export leaves out',
    rule: () =>
      'Only chat captures are exported by default; add the source (--source review, api or import, or the Sources choice) to include the others.',
  },
  'partial-capture': {
    words: 'Partial capture',
    rule: () =>
      '"Skip partial captures" (--skip-partial) is on: the page had turns, images, files, artifacts or tool output the capture could not read (docs/capture.md).',
  },
  'conversation-rating-not-selected': {
    words: 'Conversation not rated as selected',
    rule: () =>
      'The conversation rating filter (--conversation-rating) keeps only annotations whose conversation their annotator rated with one of the chosen values.',
  },
  duplicate: {
    words: 'Same line as one already written',
    rule: () => '"Drop duplicate lines" is on: an identical line is written once.',
  },
  'empty-response': {
    words: 'Empty answer',
    rule: () => 'An example needs a response, correction or completion with text in it.',
  },

  // The rating.
  unrated: { words: 'Not rated', rule: () => 'No thumb and no score: nothing says whether the answer is good.' },
  'rated-bad': {
    words: 'Rated bad, and not corrected',
    rule: (t) =>
      `Supervised examples are good answers only: thumbs down or a score ≤ ${t.ktoUndesirableMax} gives no target. Write a better response to make it one.`,
  },
  'below-sft-threshold': {
    words: 'Score too low to train on',
    rule: (t) =>
      `Without a thumb up, a response is a supervised target when its score is ≥ ${t.sftMinScore} (SFT min score).`,
  },
  'conflicting-signals': {
    words: 'Thumb and score disagree',
    rule: (t) =>
      `Thumbs up with a score ≤ ${t.ktoUndesirableMax}, or thumbs down with a high score (≥ ${t.sftMinScore} for supervised, ≥ ${t.ktoDesirableMin} for KTO): dropped rather than guessed.`,
  },
  'kto-middle-score': {
    words: 'Score in the middle (no KTO label)',
    rule: (t) =>
      `KTO labels a score ≥ ${t.ktoDesirableMin} desirable and ≤ ${t.ktoUndesirableMax} undesirable; a score between, without a thumb, gets no label.`,
  },

  // The conversation before the answer.
  'no-user-turn': { words: 'No user turn before the answer', rule: () => noPrompt },
  'context-ends-with-assistant': {
    words: 'Context ends with an assistant turn',
    rule: () => `${noPrompt} The turn just before the rated answer is another assistant answer.`,
  },
  'empty-turn': { words: 'An empty turn in the conversation', rule: () => 'Every turn of the context must have text.' },
  'system-turn-mid-conversation': {
    words: 'System message in the middle of the conversation',
    rule: () => 'System messages may only open the conversation (they become the system prompt).',
  },
  'context-starts-with-assistant': {
    words: 'Conversation opens with the assistant',
    rule: () => 'This format needs the conversation to start with a user turn.',
  },
  'turns-do-not-alternate': {
    words: 'Turns do not alternate',
    rule: () => 'This format needs user and assistant turns one after the other.',
  },
  'tool-turns-unsupported': {
    words: 'Tool output in the conversation',
    rule: () =>
      'This format has no place for tool results (OpenAI files need a tool_call_id; Alpaca and HH have no tool turn).',
  },
  'hh-separator-in-text': {
    words: 'Text contains HH separators',
    rule: () =>
      'HH-RLHF transcripts are split on "\\n\\nHuman:" and "\\n\\nAssistant:"; text containing them would corrupt the line.',
  },

  // Preference pairs.
  'annotation-in-no-pair': {
    words: 'In no preference pair',
    rule: (t) =>
      `A pair needs a correction, an explicit comparison, or another rated answer to the same prompt with a score gap ≥ ${t.pairMinGap} or the opposite thumb.`,
  },
  'pair-identical-responses': {
    words: 'The two answers are the same',
    rule: () => 'Two answers with the same text (ignoring whitespace) teach no preference.',
  },
  'pair-contexts-differ': {
    words: 'Variants with different contexts',
    rule: () =>
      'Answers marked as variants of one prompt were captured with different conversations before them: not paired.',
  },
  'pair-conflicting-signals': {
    words: 'Scores and thumbs point opposite ways',
    rule: () => 'The higher-scored answer is thumbed down, or the thumbed-up one scores lower: no pair.',
  },
  'pair-both-up': {
    words: 'Both answers thumbed up',
    rule: (t) => `Two thumbs up, without a score gap ≥ ${t.pairMinGap}, say neither is better.`,
  },
  'pair-both-down': {
    words: 'Both answers thumbed down',
    rule: (t) => `Two thumbs down, without a score gap ≥ ${t.pairMinGap}, say neither is better.`,
  },
  'pair-tie': { words: 'Both answers have the same score', rule: () => 'Equal scores say neither is better.' },
  'pair-gap-below-delta': {
    words: 'Score gap too small',
    rule: (t) => `Two answers pair when their scores differ by ≥ ${t.pairMinGap} (Pair min gap).`,
  },
  'pair-unrated': {
    words: 'Answers not rated comparably',
    rule: () => 'A pair needs a score on both answers or opposite thumbs.',
  },
  'pair-decided-by-comparison': {
    words: 'Pair already given by a comparison',
    rule: () =>
      'A person compared these two answers directly; that comparison makes the pair, and their thumbs or scores add no second one.',
  },
  'comparison-tie': { words: 'Comparison judged a tie', rule: () => 'A tie says neither answer is better: no pair.' },
  'comparison-tombstoned': { words: 'Deleted comparison', rule: () => 'Deleted comparisons are never exported.' },
  'comparison-contexts-differ': {
    words: 'Comparison of answers to different contexts',
    rule: () => 'Both answers of a comparison must follow exactly the same conversation.',
  },
  'comparison-missing-annotation': {
    words: 'Comparison with an answer missing',
    rule: () => 'One side of the comparison is deleted, left out by the filters, or was never synced.',
  },

  // Campaign exports (--queue, docs/queues.md): an item's answers before any rule.
  'no-answers': {
    words: 'Queue item without answers',
    rule: () => 'No annotator (of those asked for) has answered the item yet: skips are not answers.',
  },
  'no-majority': {
    words: 'Annotators split evenly',
    rule: () =>
      'Majority needs one thumb or preference given more often than any other; a tie in the vote gives no line (an adjudication settles it under --aggregate adjudicated).',
  },
  'below-min-agreement': {
    words: 'Annotators agree too little',
    rule: () =>
      "The item's agreement (its share of Krippendorff's α, lowest over its questions) is below --min-agreement; under --aggregate adjudicated an adjudicated item is kept.",
  },
  'too-few-answers': {
    words: 'One answer only: agreement unknown',
    rule: () => '--min-agreement needs two or more answers to a question of the item to measure their agreement.',
  },
} as const satisfies Record<string, SkipReasonText>;

export type SkipReason = keyof typeof SKIP_REASONS;

export function isSkipReason(reason: string): reason is SkipReason {
  return Object.hasOwn(SKIP_REASONS, reason);
}

/** A reason in words with its rule; a reason this table does not know yet is shown as its id. */
export function describeSkipReason(
  reason: string,
  thresholds: SkipThresholds,
): { reason: string; words: string; rule: string } {
  if (!isSkipReason(reason)) return { reason, words: reason, rule: '' };
  const text: SkipReasonText = SKIP_REASONS[reason];
  return { reason, words: text.words, rule: text.rule(thresholds) };
}
