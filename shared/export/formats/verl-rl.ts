import { chatMessages } from '../format-helpers.ts';
import { messageStruct } from '../parquet-schema.ts';
import { defineExportFormat } from './define-export-format.ts';

/**
 * verl's RL datasets (PPO, GRPO), Parquet: the prompt as chat messages, and the reference answer (a
 * correction or an approved response) as the reward's `ground_truth`. `data_source` is `margin`,
 * which verl's built-in scorers do not know: train with a `custom_reward_function`.
 */
export default defineExportFormat({
  id: 'verl-rl',
  kind: 'sft',
  reasoning: 'none',
  explain:
    'Parquet rows {"data_source":"margin","prompt":[…],"ability":"chat","reward_model":{"style":"rule","ground_truth":target},"extra_info":{"split","index"}}',
  parquet: () => ({
    data_source: { type: 'string' },
    prompt: { type: 'list', element: messageStruct(null) },
    ability: { type: 'string' },
    reward_model: { type: 'struct', fields: { style: { type: 'string' }, ground_truth: { type: 'string' } } },
    extra_info: { type: 'struct', fields: { split: { type: 'string' }, index: { type: 'int64' } } },
  }),
  place(value, { split, index }) {
    return { ...(value as object), extra_info: { split, index } };
  },
  build(ex) {
    return {
      value: {
        data_source: 'margin',
        prompt: chatMessages(ex.prompt),
        ability: 'chat',
        reward_model: { style: 'rule', ground_truth: ex.target },
      },
    };
  },
});
