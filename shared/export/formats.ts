import type { ExportFormat } from '../export-options.ts';
import type { Message } from '../message.ts';
import type { Prompt } from './rules.ts';

/** A supervised example: the prompt, and the approved or corrected target. */
export interface SftExample {
  kind: 'sft';
  prompt: Prompt;
  target: string;
  /** Per turn of `prompt.turns`: whether an earlier assistant turn was approved (trained) or not. */
  approvedTurns: boolean[];
}
/** A preference pair over the same prompt. */
export interface PairExample {
  kind: 'pair';
  prompt: Prompt;
  chosen: string;
  rejected: string;
  /** Score gap / 100 when both sides have scores. */
  margin: number | null;
}
/** One labelled completion (KTO). */
export interface KtoExample {
  kind: 'kto';
  prompt: Prompt;
  completion: string;
  label: boolean;
}
export type Example = SftExample | PairExample | KtoExample;

/** A line's JSON value, or the reason this format cannot carry the example. */
export type Built = { value: unknown } | { skip: string };

const HH_HUMAN = '\n\nHuman: ';
const HH_ASSISTANT = '\n\nAssistant: ';

function chatMessages(prompt: Prompt): Message[] {
  return prompt.system === null ? prompt.turns : [{ role: 'system', content: prompt.system }, ...prompt.turns];
}

const assistant = (content: string) => ({ role: 'assistant' as const, content });

/**
 * Turns as strictly alternating user-side / assistant-side entries, as ShareGPT, Alpaca and HH need:
 * consecutive turns of the same role are merged (blank line between); a first assistant turn, or a
 * tool result next to a user turn, cannot be represented.
 */
function alternate(turns: readonly Message[], allowTool: boolean): Message[] | { skip: string } {
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

function sharegptConversation(prompt: Prompt): { from: string; value: string }[] | { skip: string } {
  const turns = alternate(prompt.turns, true);
  if ('skip' in turns) return turns;
  return turns.map((turn) => ({ from: SHAREGPT_FROM[turn.role], value: turn.content }));
}

function withSystem<T extends object>(value: T, system: string | null): T | (T & { system: string }) {
  return system === null ? value : { ...value, system };
}

function openaiTurns(prompt: Prompt): Message[] | { skip: string } {
  // A tool message needs the tool_call_id of an assistant tool call, which captures do not have.
  if (prompt.turns.some((turn) => turn.role === 'tool')) return { skip: 'tool-turns-unsupported' };
  return chatMessages(prompt);
}

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

function buildSft(format: ExportFormat, ex: SftExample): Built {
  switch (format) {
    case 'openai-sft': {
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
    }
    case 'trl-sft':
      return { value: { messages: [...chatMessages(ex.prompt), assistant(ex.target)] } };
    case 'trl-prompt-completion':
      return { value: { prompt: chatMessages(ex.prompt), completion: [assistant(ex.target)] } };
    case 'sharegpt': {
      const conversations = sharegptConversation(ex.prompt);
      if ('skip' in conversations) return conversations;
      return {
        value: withSystem({ conversations: [...conversations, { from: 'gpt', value: ex.target }] }, ex.prompt.system),
      };
    }
    case 'alpaca': {
      const turns = alternate(ex.prompt.turns, false);
      if ('skip' in turns) return turns;
      const history: [string, string][] = [];
      for (let i = 0; i + 1 < turns.length - 1; i += 2)
        history.push([turns[i]?.content ?? '', turns[i + 1]?.content ?? '']);
      const instruction = turns[turns.length - 1]?.content ?? '';
      const base = withSystem({ instruction, input: '', output: ex.target }, ex.prompt.system);
      return { value: history.length > 0 ? { ...base, history } : base };
    }
    default:
      throw new Error(`${format} is not a supervised format`);
  }
}

function buildPair(format: ExportFormat, ex: PairExample): Built {
  switch (format) {
    case 'openai-dpo': {
      const messages = openaiTurns(ex.prompt);
      if ('skip' in messages) return messages;
      return {
        value: {
          input: { messages },
          preferred_output: [assistant(ex.chosen)],
          non_preferred_output: [assistant(ex.rejected)],
        },
      };
    }
    case 'trl-dpo':
      return {
        value: { prompt: chatMessages(ex.prompt), chosen: [assistant(ex.chosen)], rejected: [assistant(ex.rejected)] },
      };
    case 'trl-reward':
      // Every row carries margin (0 when no score gap is known) so all rows share one shape.
      return {
        value: {
          prompt: chatMessages(ex.prompt),
          chosen: [assistant(ex.chosen)],
          rejected: [assistant(ex.rejected)],
          margin: ex.margin ?? 0,
        },
      };
    case 'sharegpt-dpo': {
      const conversations = sharegptConversation(ex.prompt);
      if ('skip' in conversations) return conversations;
      return {
        value: withSystem(
          { conversations, chosen: { from: 'gpt', value: ex.chosen }, rejected: { from: 'gpt', value: ex.rejected } },
          ex.prompt.system,
        ),
      };
    }
    case 'hh-rlhf': {
      const chosen = hhTranscript(ex.prompt, ex.chosen);
      if (typeof chosen !== 'string') return chosen;
      const rejected = hhTranscript(ex.prompt, ex.rejected);
      if (typeof rejected !== 'string') return rejected;
      return { value: { chosen, rejected } };
    }
    default:
      throw new Error(`${format} is not a preference format`);
  }
}

function buildKto(format: ExportFormat, ex: KtoExample): Built {
  if (format !== 'trl-kto') throw new Error(`${format} is not a KTO format`);
  return { value: { prompt: chatMessages(ex.prompt), completion: [assistant(ex.completion)], label: ex.label } };
}

/** The JSON value of one line of `format`, or why the format cannot carry this example. */
export function buildLine(format: ExportFormat, example: Example): Built {
  if (example.kind === 'sft') return buildSft(format, example);
  if (example.kind === 'pair') return buildPair(format, example);
  return buildKto(format, example);
}
