import { alternate } from '../format-helpers.ts';
import { defineExportFormat } from './define-export-format.ts';

const text = (value: string) => ({ text: value });
type ContentBlock = { text: string } | { reasoningContent: { reasoningText: { text: string } } };

/**
 * Amazon Bedrock fine-tuning, conversation schema: `system` and `messages` of content blocks, the
 * turns alternating from the user to the assistant target. Reasoning goes in a `reasoningContent`
 * block before the answer (Nova 2.0), whatever `--reasoning-field` says.
 */
export default defineExportFormat({
  id: 'bedrock-sft',
  kind: 'sft',
  reasoning: 'field',
  explain:
    '{"schemaVersion":"bedrock-conversation-2024","system"?:[{"text"}],"messages":[{"role":"user"|"assistant","content":[{"text"}]}…]}',
  build(ex) {
    const turns = alternate(ex.prompt.turns, false);
    if ('skip' in turns) return turns;
    const messages: { role: string; content: ContentBlock[] }[] = turns.map((turn) => ({
      role: turn.role,
      content: [text(turn.content)],
    }));
    const reasoning =
      ex.targetReasoning === undefined ? [] : [{ reasoningContent: { reasoningText: text(ex.targetReasoning) } }];
    messages.push({ role: 'assistant', content: [...reasoning, text(ex.target)] });
    return {
      value: {
        schemaVersion: 'bedrock-conversation-2024',
        ...(ex.prompt.system === null ? {} : { system: [text(ex.prompt.system)] }),
        messages,
      },
    };
  },
});
