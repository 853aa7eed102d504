import { assistant, openaiTurns } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/**
 * OpenAI supervised fine-tuning (chat). OpenAI trains every assistant message without a weight, so in
 * multi-turn examples the earlier assistant turns carry weight 0: each is trained on its own line
 * (where it is the target, weight 1), never again as context of a later line.
 */
export default defineExportFormat({
  id: 'openai-sft',
  kind: 'sft',
  reasoning: 'inline',
  explain:
    '{"messages":[system?, …context, assistant target]}; earlier assistant turns carry weight 0 (trained on their own line)',
  build(ex) {
    const messages = openaiTurns(ex.prompt);
    if ('skip' in messages) return messages;
    const multiTurn = ex.prompt.turns.some((turn) => turn.role === 'assistant');
    if (!multiTurn) return { value: { messages: [...messages, assistant(ex.target)] } };
    const weighted = messages.map((message) => (message.role === 'assistant' ? { ...message, weight: 0 } : message));
    return { value: { messages: [...weighted, { ...assistant(ex.target), weight: 1 }] } };
  },
});
