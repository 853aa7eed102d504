import { assistant, openaiTurns } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/** OpenAI supervised fine-tuning (chat): in multi-turn examples only approved earlier turns are trained. */
export default defineExportFormat({
  id: 'openai-sft',
  kind: 'sft',
  reasoning: 'inline',
  explain: '{"messages":[system?, …context, assistant target]}; earlier assistant turns carry weight 0 unless approved',
  build(ex) {
    const messages = openaiTurns(ex.prompt);
    if ('skip' in messages) return messages;
    const multiTurn = ex.prompt.turns.some((turn) => turn.role === 'assistant');
    if (!multiTurn) return { value: { messages: [...messages, assistant(ex.target)] } };
    // Every assistant turn is trained unless weight 0: only approved earlier turns keep weight 1.
    const offset = messages.length - ex.prompt.turns.length;
    const weighted = messages.map((message, i) =>
      message.role === 'assistant' ? { ...message, weight: ex.approvedTurns[i - offset] ? 1 : 0 } : message,
    );
    return { value: { messages: [...weighted, { ...assistant(ex.target), weight: 1 }] } };
  },
});
