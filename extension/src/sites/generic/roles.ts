import type { TurnRole } from '../define-site-adapter.ts';
import { CLICKABLE } from '../structure.ts';

/**
 * Who wrote each turn of a chat page Margin has no adapter for, in three layers: what the markup says
 * (attribute values, class and tag names such as `data-role="assistant"`, `user-message`,
 * `model-response`), what the turn looks like (an answer has markdown and a row of actions; a question
 * is plain text, often aligned to the end), and, where both are silent, alternation: a conversation
 * starts with the person, and turns alternate.
 */

const USER_WORDS = new Set([
  'user',
  'human',
  'query',
  'question',
  'prompt',
  'you',
  'me',
  'mine',
  'self',
  'sender',
  'outgoing',
]);
const ASSISTANT_WORDS = new Set([
  'assistant',
  'bot',
  'ai',
  'model',
  'answer',
  'response',
  'agent',
  'llm',
  'gpt',
  'claude',
  'gemini',
  'copilot',
  'grok',
  'incoming',
  'reply',
]);
/** Alignment the turn itself carries: chat UIs put the person's messages at the end of the line. */
const USER_ALIGN = /(?:^|\s)(?:items-end|justify-end|self-end|ml-auto|text-right)(?:\s|$)/;
const ASSISTANT_ALIGN = /(?:^|\s)(?:items-start|self-start|mr-auto)(?:\s|$)/;
const MARKDOWN = 'p, pre, ul, ol, table, h1, h2, h3, h4, h5, h6, blockquote';
/** How deep into a turn its markup is read for a role (a message's own element is a few levels down). */
const DEPTH = 6;

/** `"Message_humanMessageBubble__x1"` → `message human message bubble x1`. */
function words(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Evidence from one element's own markup: positive for the assistant, negative for the person. */
function markupVote(element: Element): number {
  let vote = 0;
  const tally = (text: string, weight: number) => {
    for (const word of words(text)) {
      if (USER_WORDS.has(word)) vote -= weight;
      else if (ASSISTANT_WORDS.has(word)) vote += weight;
    }
  };
  tally(element.localName, 3);
  for (const name of element.getAttributeNames()) {
    const value = element.getAttribute(name) ?? '';
    if (name === 'class') tally(value, 1);
    else if (/role|author|type|from|sender|kind/.test(name)) tally(value, 3);
    else if (/^data-(?:test-?id|qa|cy|content)$/.test(name)) tally(value, 2);
    else if (name.startsWith('data-')) tally(name, 1);
  }
  return vote;
}

/** What the markup of `turn` (and its first levels) says: > 0 assistant, < 0 user, 0 nothing. */
export function markupEvidence(turn: Element): number {
  let vote = markupVote(turn) * 2;
  let level: Element[] = [turn];
  for (let depth = 1; depth <= DEPTH && level.length > 0; depth++) {
    level = level.flatMap((element) => Array.from(element.children));
    for (const element of level) {
      if (element.matches(MARKDOWN) || element.closest('pre, code')) continue;
      vote += markupVote(element) / depth;
    }
  }
  const classes = turn.getAttribute('class') ?? '';
  if (USER_ALIGN.test(classes)) vote -= 2;
  if (ASSISTANT_ALIGN.test(classes)) vote += 1;
  return vote;
}

/** What the shape of `turn` says: markdown and many actions are an answer's. */
export function shapeEvidence(turn: Element): number {
  let vote = 0;
  const markdown = turn.querySelectorAll(MARKDOWN).length;
  if (turn.querySelector('pre, table, ol, ul, h1, h2, h3')) vote += 1;
  if (markdown >= 3) vote += 1;
  if (turn.querySelectorAll(CLICKABLE).length >= 4) vote += 1;
  if (markdown === 0) vote -= 1;
  return vote;
}

/**
 * Roles for `turns` in order: each turn's evidence where it is clear, alternation (from the nearest
 * decided turn, and user first) where it is not. `null` is never returned for a turn.
 */
export function assignRoles(turns: readonly Element[]): TurnRole[] {
  const evidence = turns.map((turn) => {
    const markup = markupEvidence(turn);
    return Math.abs(markup) >= 2 ? markup * 10 : markup + shapeEvidence(turn);
  });
  const roles: TurnRole[] = evidence.map((vote) => (vote >= 2 ? 'assistant' : vote <= -2 ? 'user' : null));
  // Where the evidence is weak, alternate from the closest decided neighbour (the first turn: the user's).
  for (let index = 0; index < roles.length; index++) {
    if (roles[index] !== null) continue;
    let before = index - 1;
    while (before >= 0 && roles[before] === null) before -= 1;
    if (before >= 0) roles[index] = flip(roles[before] ?? null, index - before);
    else {
      const after = roles.findIndex((role, at) => at > index && role !== null);
      roles[index] = after >= 0 ? flip(roles[after] ?? null, after - index) : index % 2 === 0 ? 'user' : 'assistant';
    }
  }
  return roles;
}

function flip(role: TurnRole, distance: number): TurnRole {
  if (distance % 2 === 0) return role;
  return role === 'user' ? 'assistant' : 'user';
}
