import type { ExportOptions } from '../export-options.ts';
import { type ExportKind, exportFormatDefinitions } from './formats/index.ts';
import type { ReasoningSupport } from './reasoning.ts';

/** The formats of one kind, as `--explain` names them in its rules. */
const formatsOf = (kind: ExportKind) =>
  exportFormatDefinitions
    .filter((format) => format.kind === kind)
    .map((format) => format.id)
    .join(', ');

/** The formats that carry reasoning as `support` says. */
const reasoningFormats = (support: ReasoningSupport) =>
  exportFormatDefinitions
    .filter((format) => format.reasoning === support)
    .map((format) => format.id)
    .join(', ');

/** The export rules with the thresholds in force: what `margin export --explain` prints. */
export function explainExport(
  options: Pick<ExportOptions, 'source' | 'sftMinScore' | 'pairMinGap' | 'ktoDesirableMin' | 'ktoUndesirableMax'>,
): string {
  const o = options;
  return `How Margin turns annotations into dataset lines (docs/export.md has the long form)

Never exported: tombstoned (deleted) annotations and comparisons; annotations the filters exclude.
Sources: only ratings captured on chat pages, unless --source adds them by name (this export reads
${o.source.join(', ')}): review (pipeline review decisions), api (logged LLM calls), import (imported history).
Every example needs a context that ends with a user (or tool) turn, has a user turn, no empty turn,
and system messages only at the start (they become the system prompt; --system-prompt fills in
when a conversation has none). Empty targets are dropped.

Supervised (${formatsOf('sft')}): one example per annotation
  - a correction: the correction is the target (a correction equal to the response is an approval);
  - otherwise thumbs up, or score >= ${o.sftMinScore}: the response is the target;
  - thumbs down, score <= ${o.ktoUndesirableMax} without a correction, a middle score, no rating: not an example;
  - thumbs and score that disagree (up with score <= ${o.ktoUndesirableMax}, down with >= ${o.sftMinScore}): dropped.
  Earlier assistant turns are context only: a turn is trained once, on its own annotation's line,
  where it is the target. In openai-sft they carry "weight": 0 and the target "weight": 1.
  openai-rft and verl-rl write no answer: the target becomes the reference answer (ground_truth) that a
  grader or reward function checks the model's own answer against.

Preference pairs (${formatsOf('pair')}), chosen > rejected:
  - correction > original;
  - explicit comparisons (a tie gives no pair; both annotations must share the exact same context);
    a comparison decides its two responses: thumbs or scores of the same two make no second pair;
  - among variants (responses to exactly the same site, conversation and context):
    a score gap >= ${o.pairMinGap} (higher wins), else thumbs up > thumbs down.
  No pair from: ties, equal scores, both up or both down (without a gap >= ${o.pairMinGap}), thumbs that
  contradict the scores, identical responses, or differing contexts.
  trl-reward's margin = score gap / 100 when both sides have a score, else 0.

KTO (${formatsOf('kto')}): label true for thumbs up or score >= ${o.ktoDesirableMin}; false for thumbs down or
  score <= ${o.ktoUndesirableMax}; the middle and the unrated are dropped; a correction gives
  (correction, true) and (original, false).

Options: filters (site, model, annotator, tag / exclude-tag, since / until on creation time, min / max
score, has comment, has correction); --skip-partial drops annotations whose capture was partial
(metadata capture.partial: earlier turns, images, files, artifacts or tool output not read); dedup drops a line identical to one already written (on by
default); --split F puts a fraction F of conversations (by a hash of site + conversation id, so
variants never straddle) in the train file and the rest in validation; --redact-pii replaces emails,
phone numbers and API-key-like strings with [EMAIL], [PHONE], [API_KEY] and counts them.

Reasoning (--reasoning none|field|inline, default none): field puts the response's captured
reasoning on the assistant message as reasoning_content (--reasoning-field thinking renames it), in
  ${reasoningFormats('field')}
(bedrock-sft as a reasoningContent block); inline writes it before the answer as
<think>\\n…\\n</think>\\n\\n in any format with an answer. Only a response carries its own reasoning:
a correction never does. The summary counts the lines that carry it and warns when the format cannot.

Every line has a sidecar line (<file>.meta.jsonl) with the annotation ids, annotators, tags, comments
and scores behind it ("partial": true when a source's capture was partial); the sidecar ends with a
summary: lines written, pairs, partial captures read, each skip reason with its count.

Formats:
${exportFormatDefinitions.map((format) => `  ${format.id.padEnd(22)} [${format.kind}] ${format.explain}`).join('\n')}
`;
}
