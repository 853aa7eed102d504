import type { Prompt } from '../example.ts';
import { alternate } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

const HH_HUMAN = '\n\nHuman: ';
const HH_ASSISTANT = '\n\nAssistant: ';

/** One side of an HH pair: the whole transcript, ending with the answer. */
function hhTranscript(prompt: Prompt, answer: string): string | { skip: string } {
  const turns = alternate(prompt.turns, false);
  if ('skip' in turns) return turns;
  // HH has no system slot: the system prompt opens the first Human turn.
  const texts = turns.map((turn, i) =>
    i === 0 && prompt.system !== null ? `${prompt.system}\n\n${turn.content}` : turn.content,
  );
  const all = [...texts, answer];
  if (all.some((text) => text.includes('\n\nHuman:') || text.includes('\n\nAssistant:'))) {
    return { skip: 'hh-separator-in-text' };
  }
  return texts.map((text, i) => (i % 2 === 0 ? HH_HUMAN : HH_ASSISTANT) + text).join('') + HH_ASSISTANT + answer;
}

/** Anthropic's HH-RLHF: two full transcripts that differ only in the last Assistant turn. */
export default defineExportFormat({
  id: 'hh-rlhf',
  kind: 'pair',
  reasoning: 'inline',
  explain: '{"chosen":"\\n\\nHuman: …\\n\\nAssistant: …","rejected":…}; the system prompt opens the first Human turn',
  build(ex) {
    const chosen = hhTranscript(ex.prompt, ex.chosen);
    if (typeof chosen !== 'string') return chosen;
    const rejected = hhTranscript(ex.prompt, ex.rejected);
    if (typeof rejected !== 'string') return rejected;
    return { value: { chosen, rejected } };
  },
});
