import { sharegptConversation, withSystem } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/** LLaMA-Factory's ShareGPT ranking format: the conversation ends with the user, then two gpt answers. */
export default defineExportFormat({
  id: 'sharegpt-dpo',
  kind: 'pair',
  reasoning: 'inline',
  explain:
    '{"conversations":[… ending with human],"chosen":{"from":"gpt"},"rejected":{…},"system"?} (LLaMA-Factory ranking)',
  build(ex) {
    const conversations = sharegptConversation(ex.prompt);
    if ('skip' in conversations) return conversations;
    return {
      value: withSystem(
        { conversations, chosen: { from: 'gpt', value: ex.chosen }, rejected: { from: 'gpt', value: ex.rejected } },
        ex.prompt.system,
      ),
    };
  },
});
