import { annotationSchema, conversationRatingSummarySchema, type ExportFormat } from '../../../shared/index.ts';
import { isObj, type Json, nonEmpty, type Obj } from './json-shapes.ts';
import { providerValidators } from './provider-validators.ts';

/**
 * One validator per export format, implementing the consumers' own rules as formats.md gives them
 * (OpenAI fine-tuning schema and cookbook checker, TRL's data_utils, LLaMA-Factory's converters,
 * Stanford Alpaca, Anthropic HH-RLHF). Each returns the problems of a whole file; [] means a trainer
 * takes it as is.
 */

/** JSONL hygiene shared by every format: UTF-8 text, `\n` ends, one object per line, no duplicate keys. */
function parseLines(text: string, problems: string[]): Obj[] {
  if (text.startsWith('\ufeff')) problems.push('file starts with a BOM');
  if (text.includes('\r')) problems.push('CR in the file (CRLF line ends or a raw carriage return)');
  if (text !== '' && !text.endsWith('\n')) problems.push('last line does not end with \\n');
  const rows: Obj[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') {
      problems.push(`line ${i + 1}: blank line`);
      return;
    }
    try {
      const value: unknown = JSON.parse(line);
      if (!isObj(value)) throw new Error('not an object');
      if (hasDuplicateKeys(line)) throw new Error('duplicate keys');
      rows.push(value);
    } catch (error) {
      problems.push(`line ${i + 1}: ${(error as Error).message}`);
      rows.push({});
    }
  });
  return rows;
}

/** JSON.parse keeps the last of duplicate keys silently; Python consumers may not. Scan the raw text. */
function hasDuplicateKeys(line: string): boolean {
  const stack: { keys: Set<string> | null; expectKey: boolean }[] = [];
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    const top = stack[stack.length - 1];
    if (ch === '"') {
      let j = i + 1;
      while (line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(line.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return true;
        top.keys.add(key);
        top.expectKey = false;
      }
      i = j;
    } else if (ch === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (ch === '[') stack.push({ keys: null, expectKey: false });
    else if (ch === '}' || ch === ']') stack.pop();
    else if (ch === ',' && top?.keys) top.expectKey = true;
  }
  return false;
}

// --- OpenAI -----------------------------------------------------------------------------------------

const OPENAI_KEYS: Record<string, string[]> = {
  system: ['role', 'content', 'name'],
  user: ['role', 'content', 'name'],
  assistant: ['role', 'content', 'name', 'weight', 'tool_calls', 'function_call', 'refusal'],
  tool: ['role', 'content', 'tool_call_id'],
};

function openaiMessages(messages: Json | undefined, where: string, allowWeight: boolean, p: string[]): string[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    p.push(`${where}: missing_messages_list`);
    return [];
  }
  return messages.map((message, i) => {
    const at = `${where}[${i}]`;
    if (!isObj(message) || typeof message.role !== 'string') {
      p.push(`${at}: message_missing_key role`);
      return '';
    }
    const allowed = OPENAI_KEYS[message.role];
    if (!allowed) {
      p.push(`${at}: unrecognized_role ${message.role}`);
      return message.role;
    }
    const extra = Object.keys(message).filter((key) => !allowed.includes(key));
    if (extra.length > 0) p.push(`${at}: message_unrecognized_key ${extra.join(',')}`);
    if (!nonEmpty(message.content)) p.push(`${at}: missing_content`);
    if ('weight' in message && (!allowWeight || (message.weight !== 0 && message.weight !== 1))) {
      p.push(`${at}: weight must be the integer 0 or 1, and only in SFT messages`);
    }
    if (message.role === 'tool' && typeof message.tool_call_id !== 'string')
      p.push(`${at}: tool message needs tool_call_id`);
    if (message.role === 'system' && i !== 0) p.push(`${at}: system message is not first`);
    return message.role;
  });
}

function openaiSft(row: Obj, p: string[]): void {
  const extra = Object.keys(row).filter((key) => !['messages', 'tools', 'parallel_tool_calls'].includes(key));
  if (extra.length > 0) p.push(`unknown top-level keys ${extra.join(',')}`);
  const messages = Array.isArray(row.messages) ? row.messages : [];
  const roles = openaiMessages(row.messages, 'messages', true, p);
  const assistants = messages.filter((m) => isObj(m) && m.role === 'assistant');
  if (assistants.length === 0) p.push('example_missing_assistant_message');
  else if (assistants.every((m) => isObj(m) && m.weight === 0)) p.push('every assistant message has weight 0');
  if (roles[roles.length - 1] !== 'assistant') p.push('last message is not the assistant target');
}

function openaiDpo(row: Obj, p: string[]): void {
  const extra = Object.keys(row).filter((key) => !['input', 'preferred_output', 'non_preferred_output'].includes(key));
  if (extra.length > 0) p.push(`unknown top-level keys ${extra.join(',')}`);
  if (!isObj(row.input)) {
    p.push('input object is required');
  } else {
    const roles = openaiMessages(row.input.messages, 'input.messages', false, p);
    const last = roles[roles.length - 1];
    if (last !== 'user' && last !== 'tool') p.push('input.messages must end with a user (or tool) message');
  }
  const outputs = ['preferred_output', 'non_preferred_output'].map((key) => {
    const value = row[key];
    if (!Array.isArray(value) || value.length !== 1) {
      p.push(`${key} must hold exactly one assistant message`);
      return '';
    }
    const roles = openaiMessages(value, key, false, p);
    if (roles[0] !== 'assistant') p.push(`${key}[0] must be an assistant message`);
    return JSON.stringify(value);
  });
  if (outputs[0] !== '' && outputs[0] === outputs[1]) p.push('preferred and non-preferred outputs are identical');
}

// --- TRL --------------------------------------------------------------------------------------------

function trlMessages(value: Json | undefined, where: string, p: string[]): string[] {
  if (!Array.isArray(value)) {
    p.push(`${where}: expected a list of messages`);
    return [];
  }
  if (value.length === 0) p.push(`${where}: empty message list (is_conversational raises IndexError)`);
  return value.map((message, i) => {
    if (!isObj(message) || typeof message.role !== 'string' || typeof message.content !== 'string') {
      p.push(`${where}[${i}]: needs string role and content`);
      return '';
    }
    if (!['system', 'user', 'assistant', 'tool'].includes(message.role))
      p.push(`${where}[${i}]: unusual role ${message.role}`);
    if (message.role === 'assistant' && message.content.trim() === '')
      p.push(`${where}[${i}]: empty assistant content`);
    // Reasoning-aware templates (Qwen3, GLM, Harmony) read it from the assistant turn, as text.
    for (const key of ['reasoning_content', 'thinking']) {
      if (key in message && (message.role !== 'assistant' || !nonEmpty(message[key])))
        p.push(`${where}[${i}]: ${key} must be non-empty text on an assistant message`);
    }
    return message.role;
  });
}

function exactKeys(row: Obj, keys: string[], p: string[]): void {
  const have = Object.keys(row).sort().join(',');
  if (have !== [...keys].sort().join(','))
    p.push(`keys {${have}} are not the key set {${keys.join(',')}} (apply_chat_template KeyError)`);
}

function trlPromptEnds(roles: string[], p: string[]): void {
  const last = roles[roles.length - 1];
  if (last === 'system') p.push('prompt ends with system (apply_chat_template raises ValueError)');
  if (last === 'assistant') p.push('prompt ends with an assistant turn');
}

function single(value: Json | undefined, name: string, p: string[]): string {
  const roles = trlMessages(value, name, p);
  if (roles.length !== 1 || roles[0] !== 'assistant') p.push(`${name} must be exactly one assistant message`);
  return JSON.stringify(value);
}

/** Each format's row rules; a new format without an entry here fails the typecheck and the registry test. */
export const rowValidators: Record<ExportFormat, (row: Obj, p: string[]) => void> = {
  'openai-sft': openaiSft,
  'openai-dpo': openaiDpo,
  'trl-sft': (row, p) => {
    exactKeys(row, ['messages'], p);
    const roles = trlMessages(row.messages, 'messages', p);
    if (roles[roles.length - 1] !== 'assistant') p.push('messages must end with the assistant target');
  },
  'trl-prompt-completion': (row, p) => {
    exactKeys(row, ['prompt', 'completion'], p);
    trlPromptEnds(trlMessages(row.prompt, 'prompt', p), p);
    single(row.completion, 'completion', p);
  },
  'trl-dpo': (row, p) => {
    exactKeys(row, ['prompt', 'chosen', 'rejected'], p);
    trlPromptEnds(trlMessages(row.prompt, 'prompt', p), p);
    if (single(row.chosen, 'chosen', p) === single(row.rejected, 'rejected', p)) p.push('chosen == rejected (tie)');
  },
  'trl-reward': (row, p) => {
    exactKeys(row, ['prompt', 'chosen', 'rejected', 'margin'], p);
    trlPromptEnds(trlMessages(row.prompt, 'prompt', p), p);
    if (single(row.chosen, 'chosen', p) === single(row.rejected, 'rejected', p)) p.push('chosen == rejected (tie)');
    if (typeof row.margin !== 'number' || !Number.isFinite(row.margin) || row.margin < 0)
      p.push('margin must be a number >= 0');
  },
  'trl-kto': (row, p) => {
    exactKeys(row, ['prompt', 'completion', 'label'], p);
    trlPromptEnds(trlMessages(row.prompt, 'prompt', p), p);
    single(row.completion, 'completion', p);
    if (typeof row.label !== 'boolean') p.push('label must be a JSON boolean');
  },
  sharegpt: (row, p) => sharegpt(row, 'sft', p),
  'sharegpt-dpo': (row, p) => {
    sharegpt(row, 'ranking', p);
    const values = ['chosen', 'rejected'].map((key) => {
      const message = row[key];
      if (!isObj(message) || message.from !== 'gpt' || !nonEmpty(message.value)) {
        p.push(`${key} must be {"from": "gpt", "value": non-empty}`);
        return null;
      }
      return message.value;
    });
    if (values[0] !== null && values[0] === values[1]) p.push('chosen == rejected (tie)');
  },
  alpaca: (row, p) => {
    if (!nonEmpty(row.instruction)) p.push('instruction must be a non-empty string');
    if ('input' in row && typeof row.input !== 'string') p.push('input must be a string ("" when empty)');
    if (!nonEmpty(row.output)) p.push('output must be a non-empty string');
    if ('system' in row && typeof row.system !== 'string') p.push('system must be a string');
    if (
      'history' in row &&
      !(
        Array.isArray(row.history) &&
        row.history.every(
          (pair) => Array.isArray(pair) && pair.length === 2 && pair.every((s) => typeof s === 'string'),
        )
      )
    ) {
      p.push('history must be a list of [user, assistant] string pairs');
    }
  },
  'hh-rlhf': (row, p) => {
    exactKeys(row, ['chosen', 'rejected'], p);
    const { chosen, rejected } = row;
    if (typeof chosen !== 'string' || typeof rejected !== 'string') {
      p.push('chosen and rejected must be strings');
      return;
    }
    hhTranscript(chosen, 'chosen', p);
    hhTranscript(rejected, 'rejected', p);
    const prefix = (s: string) => s.slice(0, s.lastIndexOf('\n\nAssistant: '));
    if (prefix(chosen) !== prefix(rejected))
      p.push('chosen and rejected must share the dialogue up to the final Assistant turn');
    if (chosen === rejected) p.push('chosen == rejected (tie)');
  },
  // Margin's own rows: each must be an annotation as the store holds it, plus its conversation's rating when rated.
  raw: (row, p) => {
    const { conversationRating, ...annotation } = row as Obj;
    if (conversationRating !== undefined) {
      const rating = conversationRatingSummarySchema.safeParse(conversationRating);
      if (!rating.success)
        p.push(...rating.error.issues.map((i) => `conversationRating.${i.path.join('.')}: ${i.message}`));
    }
    const parsed = annotationSchema.safeParse(annotation);
    if (!parsed.success) p.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  },
  ...providerValidators,
};

/**
 * Inline reasoning as reasoning templates write it: `<think>\n…\n</think>\n\n` then a non-empty
 * answer. An unclosed or empty block trains a model to emit a bare `<think></think>`.
 */
function thinkBlocks(value: Json, where: string, p: string[]): void {
  if (typeof value === 'string') {
    if (value.startsWith('<think>') && !/^<think>\n\S[\s\S]*?\n<\/think>\n\n\S/.test(value))
      p.push(`${where}: <think> block must hold reasoning, close, and be followed by the answer`);
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) thinkBlocks(item, `${where}[${i}]`, p);
  } else if (isObj(value)) for (const [key, item] of Object.entries(value)) thinkBlocks(item, `${where}.${key}`, p);
}

function sharegpt(row: Obj, mode: 'sft' | 'ranking', p: string[]): void {
  const conversations = row.conversations;
  if (!Array.isArray(conversations) || conversations.length === 0) {
    p.push('conversations must be a non-empty list');
    return;
  }
  if ('system' in row && typeof row.system !== 'string') p.push('system must be a string');
  conversations.forEach((turn, i) => {
    if (!isObj(turn) || typeof turn.from !== 'string' || typeof turn.value !== 'string') {
      p.push(`conversations[${i}]: needs string from and value`);
      return;
    }
    const userSide = i % 2 === 0;
    const allowed = userSide ? ['human', 'observation'] : ['gpt', 'function_call'];
    if (!allowed.includes(turn.from))
      p.push(`conversations[${i}]: ${turn.from} in a ${userSide ? 'user' : 'assistant'} position`);
    if (turn.value.trim() === '') p.push(`conversations[${i}]: empty value`);
  });
  const odd = conversations.length % 2 === 1;
  if (mode === 'ranking' && !odd) p.push('ranking rows need an odd number of turns ending with the user turn');
  if (mode === 'sft' && odd) p.push('SFT rows must end with a gpt turn (even count)');
}

function hhTranscript(text: string, where: string, p: string[]): void {
  const parts = text.split(/(\n\nHuman: |\n\nAssistant: )/);
  if (parts[0] !== '') {
    p.push(`${where}: must start with "\\n\\nHuman: "`);
    return;
  }
  const tags = parts.filter((_, i) => i % 2 === 1);
  tags.forEach((tag, k) => {
    if (tag !== (k % 2 === 0 ? '\n\nHuman: ' : '\n\nAssistant: '))
      p.push(`${where}: turn ${k} breaks Human/Assistant alternation`);
  });
  if (tags[tags.length - 1] !== '\n\nAssistant: ') p.push(`${where}: must end with an Assistant turn`);
  if ((parts[parts.length - 1] ?? '').trim() === '') p.push(`${where}: final Assistant response is empty`);
  if (/\n\n(?:Human|Assistant):(?! )/.test(text)) p.push(`${where}: malformed turn tag`);
}

/** Problems with one export file of `format` (an empty list when it is valid). */
export function validateExport(format: ExportFormat, text: string): string[] {
  const problems: string[] = [];
  const rows = parseLines(text, problems);
  rows.forEach((row, i) => {
    const rowProblems: string[] = [];
    rowValidators[format](row, rowProblems);
    thinkBlocks(row, 'row', rowProblems);
    problems.push(...rowProblems.map((problem) => `line ${i + 1}: ${problem}`));
  });
  // TRL decides conversational/standard and the type from the first row: every row must share them.
  if (format.startsWith('trl-')) {
    const shapes = new Set(rows.map((row) => Object.keys(row).sort().join(',')));
    if (shapes.size > 1) problems.push(`rows have different key sets: ${[...shapes].join(' | ')}`);
  }
  // verl's extra_info numbers the rows of one split file from 0.
  if (format === 'verl-rl') {
    rows.forEach((row, i) => {
      const info = row.extra_info;
      if (
        isObj(info) &&
        (info.index !== i || info.split !== (isObj(rows[0]?.extra_info) ? rows[0].extra_info.split : ''))
      )
        problems.push(`line ${i + 1}: extra_info must be {"split": the file's split, "index": ${i}}`);
    });
  }
  return problems;
}
