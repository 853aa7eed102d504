import { sharegptConversation, withSystem } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

/** ShareGPT conversations (LLaMA-Factory, FastChat): strictly alternating human / gpt turns. */
export default defineExportFormat({
  id: 'sharegpt',
  kind: 'sft',
  reasoning: 'inline',
  explain: '{"conversations":[{"from":"human"|"gpt"|"observation","value"}…],"system"?} (LLaMA-Factory, FastChat)',
  build(ex) {
    const conversations = sharegptConversation(ex.prompt);
    if ('skip' in conversations) return conversations;
    return {
      value: withSystem({ conversations: [...conversations, { from: 'gpt', value: ex.target }] }, ex.prompt.system),
    };
  },
});
