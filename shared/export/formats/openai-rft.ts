import type { Annotation } from '../../annotation.ts';
import type { Prompt } from '../example.ts';
import { defineExportFormat } from './define-export-format.ts';

/**
 * The prompt as reinforcement fine-tuning messages: the system prompt becomes a `developer` message
 * (RFT trains reasoning models, whose instructions role that is), and the last message must be the
 * user's. Tool results have no `tool_call_id` in a capture, so examples with them are skipped.
 */
function rftMessages(prompt: Prompt): { role: string; content: string }[] | { skip: string } {
  if (prompt.turns.some((turn) => turn.role === 'tool')) return { skip: 'tool-turns-unsupported' };
  const developer = prompt.system === null ? [] : [{ role: 'developer', content: prompt.system }];
  return [...developer, ...prompt.turns.map((turn) => ({ role: turn.role, content: turn.content }))];
}

/**
 * The rubric answers behind the example, for a grader to read as `{{ item.rubric.<question> }}`:
 * the first source's (the annotation whose correction or approval made the reference answer). Every
 * row has the key, `{}` when no rubric was answered, so one grader template fits every row.
 */
function rubricOf(sources: readonly Annotation[]): Record<string, boolean | number | string> {
  return { ...(sources[0]?.rubric?.answers ?? {}) };
}

/** OpenAI reinforcement fine-tuning: a prompt ending with the user turn and what a grader checks the answer against. */
export default defineExportFormat({
  id: 'openai-rft',
  kind: 'sft',
  reasoning: 'none',
  explain:
    '{"messages":[developer?, …context ending with user],"reference_answer":target,"rubric":{question:answer}} (--grader FILE writes a grader)',
  build(ex, { sources }) {
    const messages = rftMessages(ex.prompt);
    if ('skip' in messages) return messages;
    return { value: { messages, reference_answer: ex.target, rubric: rubricOf(sources) } };
  },
});
