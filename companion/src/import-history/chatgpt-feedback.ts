import { LIMITS } from '../../../shared/limits.ts';
import type { ImportedRating } from './records.ts';
import { asArray, asRecord, asString, isoTime, isRecord } from './records.ts';

/** A 👍/👎 of `message_feedback.json`, on the response whose last message is `messageId`. */
export interface FeedbackEntry {
  conversationId: string;
  messageId: string;
  rating: ImportedRating;
}

/** A pick of `model_comparisons.json` between an original and a regenerated response. */
export interface ComparisonEntry {
  sourceId: string;
  conversationId: string;
  /** The messages of each side's turn, as ChatGPT stores messages. */
  original: Record<string, unknown>[];
  regenerated: Record<string, unknown>[];
  /** The turns before the pick (`input.messages`), for a side the conversation itself lacks. */
  before: Record<string, unknown>[];
  winner: 'a' | 'b' | 'tie';
  createdAt: string | null;
}

/** Tags as Margin stores them: trimmed, non-empty, at most 64 characters, no repeats, at most 50. */
export function cleanTags(values: readonly unknown[]): string[] {
  const tags = new Set<string>();
  for (const value of values) {
    const text = (typeof value === 'string' ? value : (asString(asRecord(value).key) ?? '')).trim();
    if (text !== '') tags.add(text.slice(0, LIMITS.tagChars));
  }
  return [...tags].slice(0, LIMITS.tags);
}

function thumbOf(value: unknown): 'up' | 'down' | null {
  const text = String(value ?? '').toLowerCase();
  if (['thumbsup', 'thumbs_up', 'up', 'good', '1', 'positive'].includes(text)) return 'up';
  if (['thumbsdown', 'thumbs_down', 'down', 'bad', '-1', 'negative'].includes(text)) return 'down';
  return null;
}

/** `content` is a JSON string (`{"tags": […], "text": "…"}`) in the exports seen; an object is read too. */
function feedbackContent(value: unknown): Record<string, unknown> {
  if (isRecord(value)) return value;
  if (typeof value !== 'string' || value.trim() === '') return {};
  try {
    return asRecord(JSON.parse(value));
  } catch {
    return { text: value };
  }
}

export function parseFeedback(raw: unknown): FeedbackEntry | { skip: string } {
  if (!isRecord(raw)) return { skip: 'feedback entry that is not an object' };
  const conversationId = asString(raw.conversation_id);
  const messageId = asString(raw.message_id);
  if (!conversationId || !messageId) return { skip: 'feedback without a conversation or message id' };
  const thumb = thumbOf(raw.rating);
  if (!thumb) return { skip: 'feedback without a thumbs up or down' };
  const content = feedbackContent(raw.content);
  const comment = (asString(content.text) ?? asString(raw.text) ?? '').trim().slice(0, LIMITS.commentChars);
  return {
    conversationId,
    messageId,
    rating: {
      thumb,
      score: null,
      tags: cleanTags(asArray(content.tags ?? raw.tags)),
      comment,
      createdAt: isoTime(raw.create_time) ?? isoTime(raw.update_time),
    },
  };
}

const PICKS: Record<string, 'a' | 'b' | 'tie'> = { original: 'a', new: 'b', same: 'tie' };

export function parseComparison(raw: unknown): ComparisonEntry | { skip: string } {
  if (!isRecord(raw)) return { skip: 'comparison entry that is not an object' };
  const input = asRecord(raw.input);
  const step = asRecord(asRecord(raw.output).feedback_step_2);
  const conversationId = asString(input.conversation_id) ?? asString(raw.conversation_id);
  if (!conversationId) return { skip: 'comparison without a conversation id' };
  const winner = PICKS[asString(step.completion_comparison_rating) ?? ''];
  if (!winner) return { skip: 'comparison without a pick' };
  const original = asArray(step.original_turn).filter(isRecord);
  const regenerated = asArray(step.new_turn).filter(isRecord);
  if (original.length === 0 || regenerated.length === 0) return { skip: 'comparison without both responses' };
  return {
    sourceId: asString(raw.id) ?? `${conversationId}:${asString(regenerated.at(-1)?.id) ?? ''}`,
    conversationId,
    original,
    regenerated,
    before: asArray(input.messages).filter(isRecord),
    winner,
    createdAt: isoTime(raw.create_time) ?? isoTime(asRecord(raw.output).create_time),
  };
}
