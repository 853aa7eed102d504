import { assistant, chatMessages } from '../format-helpers.ts';
import { messageStruct } from '../parquet-schema.ts';
import { defineExportFormat } from './define-export-format.ts';

/** verl's multi-turn SFT dataset, Parquet: one `messages` column, rendered by the model's chat template. */
export default defineExportFormat({
  id: 'verl-sft',
  kind: 'sft',
  reasoning: 'field',
  explain:
    'Parquet rows {"messages":[system?, …context, assistant target]} (verl multiturn SFT, messages_key=messages)',
  parquet: ({ reasoningField }) => ({ messages: { type: 'list', element: messageStruct(reasoningField) } }),
  build(ex, { reasoningField }) {
    return {
      value: { messages: [...chatMessages(ex.prompt), assistant(ex.target, ex.targetReasoning, reasoningField)] },
    };
  },
});
