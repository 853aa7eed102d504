import { isObj, type Json, nonEmpty, type Obj, unknownKeys } from './json-shapes.ts';

/**
 * Validators for the reinforcement, Gemini, Bedrock and verl formats, each implementing its
 * consumer's documented rules (sources in docs/export.md):
 * - OpenAI reinforcement fine-tuning: `FineTuneReinforcementRequestInput` (OpenAPI): `messages` and
 *   `tools` are reserved, every other key is grader data; the final message is the user's (Azure
 *   OpenAI RFT how-to); developer / user / assistant / tool messages with non-empty text.
 * - Vertex AI Gemini tuning: `contents` of `user` / `model` turns with text `parts`; SFT ends with a
 *   model turn; preference `contents` end with a user turn and `completions` hold one score-1 and one
 *   score-0 model turn, text only.
 * - Bedrock `bedrock-conversation-2024`: `system` text blocks, `messages` alternating from user to
 *   assistant, text blocks (and a Nova 2.0 `reasoningContent` block before the text of an answer).
 * - verl: RL rows `data_source`, `prompt`, `ability`, `reward_model {style, ground_truth}`,
 *   `extra_info {split, index}` (docs/preparation/prepare_data); SFT rows one `messages` list.
 */

function textParts(value: Json | undefined, where: string, p: string[]): void {
  if (!Array.isArray(value) || value.length === 0) {
    p.push(`${where}: parts must be a non-empty list`);
    return;
  }
  value.forEach((part, i) => {
    if (!isObj(part) || !nonEmpty(part.text)) p.push(`${where}[${i}]: a part must be {"text": non-empty}`);
    else unknownKeys(part, ['text'], `${where}[${i}]`, p);
  });
}

function geminiContent(value: Json | undefined, where: string, roles: readonly string[], p: string[]): string {
  if (!isObj(value)) {
    p.push(`${where}: must be an object`);
    return '';
  }
  unknownKeys(value, ['role', 'parts'], where, p);
  if (typeof value.role !== 'string' || !roles.includes(value.role))
    p.push(`${where}: role must be ${roles.join(' or ')}`);
  textParts(value.parts, `${where}.parts`, p);
  return typeof value.role === 'string' ? value.role : '';
}

/** `contents`: user and model turns alternating from the user; returns the roles. */
function geminiContents(row: Obj, p: string[]): string[] {
  if (!Array.isArray(row.contents) || row.contents.length === 0) {
    p.push('contents must be a non-empty list');
    return [];
  }
  const roles = row.contents.map((content, i) => geminiContent(content, `contents[${i}]`, ['user', 'model'], p));
  roles.forEach((role, i) => {
    if (role !== (i % 2 === 0 ? 'user' : 'model')) p.push(`contents[${i}]: turns must alternate from user to model`);
  });
  return roles;
}

function systemInstruction(value: Json | undefined, key: string, p: string[]): void {
  if (value === undefined) return;
  if (!isObj(value)) {
    p.push(`${key} must be an object`);
    return;
  }
  unknownKeys(value, ['role', 'parts'], key, p);
  textParts(value.parts, `${key}.parts`, p);
}

const OPENAI_RFT_ROLES = ['developer', 'user', 'assistant', 'tool'];

function openaiRft(row: Obj, p: string[]): void {
  const { messages } = row;
  if (!Array.isArray(messages) || messages.length === 0) {
    p.push('messages must be a non-empty list');
    return;
  }
  messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    if (!isObj(message) || typeof message.role !== 'string') {
      p.push(`${at}: needs a role`);
      return;
    }
    if (!OPENAI_RFT_ROLES.includes(message.role))
      p.push(`${at}: role ${message.role} is not one of ${OPENAI_RFT_ROLES}`);
    unknownKeys(
      message,
      message.role === 'tool' ? ['role', 'content', 'tool_call_id'] : ['role', 'content', 'name'],
      at,
      p,
    );
    if (!nonEmpty(message.content)) p.push(`${at}: content must be non-empty text`);
    if (message.role === 'tool' && !nonEmpty(message.tool_call_id)) p.push(`${at}: a tool message needs tool_call_id`);
  });
  const last = messages[messages.length - 1];
  if (!isObj(last) || last.role !== 'user') p.push('the final message must be the user turn');
  if ('tools' in row && !Array.isArray(row.tools)) p.push('tools is reserved: a list of tools');
  // Graders read everything else as {{ item.<key> }}: Margin's rows give them the reference answer.
  if (!nonEmpty(row.reference_answer)) p.push('reference_answer must be non-empty text for the grader');
  if ('rubric' in row && !isObj(row.rubric)) p.push('rubric must be an object of answers');
}

function vertexSft(row: Obj, p: string[]): void {
  unknownKeys(row, ['systemInstruction', 'contents'], 'row', p);
  systemInstruction(row.systemInstruction, 'systemInstruction', p);
  const roles = geminiContents(row, p);
  if (roles.length > 0 && roles[roles.length - 1] !== 'model') p.push('contents must end with the model target');
}

function vertexPreference(row: Obj, p: string[]): void {
  unknownKeys(row, ['system_instruction', 'contents', 'completions'], 'row', p);
  systemInstruction(row.system_instruction, 'system_instruction', p);
  const roles = geminiContents(row, p);
  if (roles.length > 0 && roles[roles.length - 1] !== 'user') p.push('contents must end with a user turn');
  const { completions } = row;
  if (!Array.isArray(completions) || completions.length !== 2) {
    p.push('completions must hold exactly two completions');
    return;
  }
  const texts = completions.map((entry, i) => {
    const at = `completions[${i}]`;
    if (!isObj(entry)) {
      p.push(`${at}: must be {"score", "completion"}`);
      return '';
    }
    unknownKeys(entry, ['score', 'completion'], at, p);
    if (entry.score !== 0 && entry.score !== 1) p.push(`${at}: score must be 0 or 1`);
    geminiContent(entry.completion, `${at}.completion`, ['model'], p);
    return JSON.stringify(entry.completion);
  });
  const scores = completions.map((entry) => (isObj(entry) ? entry.score : null)).sort();
  if (JSON.stringify(scores) !== '[0,1]')
    p.push('completions need one preferred (score 1) and one dispreferred (score 0)');
  if (texts[0] !== '' && texts[0] === texts[1]) p.push('the two completions are identical');
}

function bedrockBlocks(value: Json | undefined, where: string, role: string, p: string[]): void {
  if (!Array.isArray(value) || value.length === 0) {
    p.push(`${where}: content must be a non-empty list of blocks`);
    return;
  }
  let sawText = false;
  value.forEach((block, i) => {
    const at = `${where}[${i}]`;
    if (isObj(block) && 'reasoningContent' in block) {
      const reasoning = block.reasoningContent;
      const text = isObj(reasoning) && isObj(reasoning.reasoningText) ? reasoning.reasoningText.text : undefined;
      if (role !== 'assistant') p.push(`${at}: reasoningContent only in assistant turns`);
      if (sawText) p.push(`${at}: reasoningContent must come before the answer text`);
      if (!nonEmpty(text)) p.push(`${at}: reasoningContent.reasoningText.text must be non-empty`);
      unknownKeys(block, ['reasoningContent'], at, p);
      return;
    }
    if (!isObj(block) || !nonEmpty(block.text)) p.push(`${at}: a block must be {"text": non-empty}`);
    else unknownKeys(block, ['text'], at, p);
    sawText = true;
  });
  if (!sawText) p.push(`${where}: needs a text block`);
}

function bedrockSft(row: Obj, p: string[]): void {
  unknownKeys(row, ['schemaVersion', 'system', 'messages'], 'row', p);
  if (row.schemaVersion !== 'bedrock-conversation-2024') p.push('schemaVersion must be "bedrock-conversation-2024"');
  if ('system' in row) {
    if (!Array.isArray(row.system) || row.system.length === 0) p.push('system must be a non-empty list of text blocks');
    else bedrockBlocks(row.system, 'system', 'system', p);
  }
  const { messages } = row;
  if (!Array.isArray(messages) || messages.length < 2) {
    p.push('messages must hold at least a user and an assistant turn');
    return;
  }
  messages.forEach((message, i) => {
    const at = `messages[${i}]`;
    const expected = i % 2 === 0 ? 'user' : 'assistant';
    if (!isObj(message) || message.role !== expected) {
      p.push(`${at}: role must be ${expected} (turns alternate from the user)`);
      return;
    }
    unknownKeys(message, ['role', 'content'], at, p);
    bedrockBlocks(message.content, `${at}.content`, expected, p);
  });
  if (messages.length % 2 !== 0) p.push('messages must end with the assistant turn');
}

function chatMessages(value: Json | undefined, where: string, p: string[]): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    p.push(`${where} must be a non-empty list of messages`);
    return [];
  }
  return value.map((message, i) => {
    const at = `${where}[${i}]`;
    if (!isObj(message) || typeof message.role !== 'string' || !nonEmpty(message.content)) {
      p.push(`${at}: needs string role and non-empty content`);
      return '';
    }
    if (!['system', 'user', 'assistant', 'tool'].includes(message.role)) p.push(`${at}: unusual role ${message.role}`);
    // Parquet holds every field of the struct in every row: a message without reasoning has null.
    for (const key of ['reasoning_content', 'thinking']) {
      const reasoning = message[key];
      if (reasoning === undefined || reasoning === null) continue;
      if (message.role !== 'assistant' || !nonEmpty(reasoning))
        p.push(`${at}: ${key} must be non-empty text on an assistant turn`);
    }
    unknownKeys(message, ['role', 'content', 'reasoning_content', 'thinking'], at, p);
    return message.role;
  });
}

function verlRl(row: Obj, p: string[]): void {
  unknownKeys(row, ['data_source', 'prompt', 'ability', 'reward_model', 'extra_info'], 'row', p);
  if (!nonEmpty(row.data_source)) p.push('data_source must be non-empty text (it picks the reward function)');
  const roles = chatMessages(row.prompt, 'prompt', p);
  const last = roles[roles.length - 1];
  if (last !== 'user' && last !== 'tool') p.push('prompt must end with the user turn (generation starts after it)');
  if (!nonEmpty(row.ability)) p.push('ability must be non-empty text');
  const reward = row.reward_model;
  if (!isObj(reward) || (reward.style !== 'rule' && reward.style !== 'model') || !nonEmpty(reward.ground_truth)) {
    p.push('reward_model must be {"style": "rule"|"model", "ground_truth": non-empty}');
  } else unknownKeys(reward, ['style', 'ground_truth'], 'reward_model', p);
  const extra = row.extra_info;
  if (!isObj(extra) || !nonEmpty(extra.split) || !Number.isSafeInteger(extra.index) || (extra.index as number) < 0) {
    p.push('extra_info must be {"split": text, "index": a whole number >= 0}');
  }
}

function verlSft(row: Obj, p: string[]): void {
  unknownKeys(row, ['messages'], 'row', p);
  const roles = chatMessages(row.messages, 'messages', p);
  if (roles[roles.length - 1] !== 'assistant') p.push('messages must end with the assistant target');
}

export const providerValidators = {
  'openai-rft': openaiRft,
  'vertex-sft': vertexSft,
  'vertex-preference': vertexPreference,
  'bedrock-sft': bedrockSft,
  'verl-sft': verlSft,
  'verl-rl': verlRl,
} as const;
