import type { Message } from '../message.ts';
import type { Prompt } from './example.ts';
import type { ReasoningField } from './reasoning.ts';

/** The chat messages of a prompt: its system prompt (if any) first, then the turns. */
export function chatMessages(prompt: Prompt): Message[] {
  return prompt.system === null ? prompt.turns : [{ role: 'system', content: prompt.system }, ...prompt.turns];
}

/**
 * An assistant message. With reasoning (set only under `--reasoning field`), it carries it under
 * `field`, beside the content, as TRL's and Qwen-style chat templates read it.
 */
export function assistant(
  content: string,
  reasoning?: string,
  field: ReasoningField = 'reasoning_content',
): { role: 'assistant'; content: string; [field: string]: string } {
  return reasoning === undefined ? { role: 'assistant', content } : { role: 'assistant', content, [field]: reasoning };
}

/** Adds `system` to a line only when there is one, as ShareGPT and Alpaca readers expect. */
export function withSystem<T extends object>(value: T, system: string | null): T | (T & { system: string }) {
  return system === null ? value : { ...value, system };
}

/**
 * Turns as strictly alternating user-side / assistant-side entries, as ShareGPT, Alpaca and HH need:
 * consecutive turns of the same role are merged (blank line between); a first assistant turn, or a
 * tool result next to a user turn, cannot be represented.
 */
export function alternate(turns: readonly Message[], allowTool: boolean): Message[] | { skip: string } {
  const merged: Message[] = [];
  for (const turn of turns) {
    if (turn.role === 'tool' && !allowTool) return { skip: 'tool-turns-unsupported' };
    const previous = merged[merged.length - 1];
    if (previous && previous.role === turn.role) {
      previous.content = `${previous.content}\n\n${turn.content}`;
    } else {
      merged.push({ ...turn });
    }
  }
  if (merged[0]?.role !== 'user') return { skip: 'context-starts-with-assistant' };
  for (let i = 0; i < merged.length; i++) {
    const userSide = merged[i]?.role === 'user' || merged[i]?.role === 'tool';
    if (userSide !== (i % 2 === 0)) return { skip: 'turns-do-not-alternate' };
  }
  return merged;
}

const SHAREGPT_FROM = { user: 'human', assistant: 'gpt', tool: 'observation', system: 'system' } as const;

/** The prompt as ShareGPT `conversations` (LLaMA-Factory, FastChat): tool results become `observation`. */
export function sharegptConversation(prompt: Prompt): { from: string; value: string }[] | { skip: string } {
  const turns = alternate(prompt.turns, true);
  if ('skip' in turns) return turns;
  return turns.map((turn) => ({ from: SHAREGPT_FROM[turn.role], value: turn.content }));
}

/** The prompt as OpenAI chat messages, or a skip when it holds tool turns. */
export function openaiTurns(prompt: Prompt): Message[] | { skip: string } {
  // A tool message needs the tool_call_id of an assistant tool call, which captures do not have.
  if (prompt.turns.some((turn) => turn.role === 'tool')) return { skip: 'tool-turns-unsupported' };
  return chatMessages(prompt);
}

/** Text as Gemini `parts`. */
export const geminiText = (text: string) => [{ text }];

/**
 * Turns as Gemini `contents`: roles `user` and `model`, alternating from a user turn (consecutive
 * turns merged). Tool results would need a `functionResponse` naming the function, which captures
 * do not have: such examples are skipped.
 */
export function geminiContents(
  turns: readonly Message[],
): { role: 'user' | 'model'; parts: { text: string }[] }[] | { skip: string } {
  const merged = alternate(turns, false);
  if ('skip' in merged) return merged;
  return merged.map((turn) => ({
    role: turn.role === 'assistant' ? 'model' : 'user',
    parts: geminiText(turn.content),
  }));
}
