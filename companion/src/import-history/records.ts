import type { Message, Metadata, ModelSource, Thumb, Variant } from '../../../shared/index.ts';

/** The site ids of the sources: the extension's adapter ids, so import and capture meet on one key. */
export type HistorySite = 'chatgpt' | 'claude' | 'gemini' | 'open-webui' | 'librechat';

/** A rating found in the export: the person's own judgement of one response. */
export interface ImportedRating {
  thumb: Thumb | null;
  score: number | null;
  tags: string[];
  comment: string;
  /** ISO time of the rating; the response's time when the export has none. */
  createdAt: string | null;
}

/** One assistant response of an export, ready to become an item (and an annotation if rated). */
export interface ImportedResponse {
  conversationId: string;
  messageId: string;
  url: string | null;
  model: string | null;
  modelSource: ModelSource;
  context: Message[];
  response: string;
  reasoning?: string;
  variant: Variant | null;
  createdAt: string;
  metadata: Metadata;
  rating?: ImportedRating;
}

/** A pick between two responses of one conversation (ChatGPT's model comparisons). */
export interface ImportedComparison {
  /** Message ids of the two responses: `a` the original, `b` the new one. */
  a: string;
  b: string;
  winner: 'a' | 'b' | 'tie';
  createdAt: string;
  /** Stable id of the pick in the export (for the comparison's id). */
  sourceId: string;
}

/** One conversation of an export, normalized. */
export interface ImportedConversation {
  site: HistorySite;
  conversationId: string;
  /** Changes whenever the conversation's content in the export changes (re-imports skip it otherwise). */
  fingerprint: string;
  /** When the conversation last changed (for `--since`), or null. */
  updatedAt: string | null;
  responses: ImportedResponse[];
  comparisons: ImportedComparison[];
  /** Why parts of it were left out, with how many each. */
  skipped: Record<string, number>;
}

/** What a source reader yields, in file order. */
export type SourceEvent =
  | { kind: 'conversation'; conversation: ImportedConversation }
  | { kind: 'skipped'; reason: string; count: number }
  | { kind: 'file'; name: string }
  /** The bytes of every entry the reader will read (the progress bar's 100%), yielded first. */
  | { kind: 'total'; bytes: number };

export function addCount(counts: Record<string, number>, reason: string, count = 1): void {
  if (count > 0) counts[reason] = (counts[reason] ?? 0) + count;
}

/**
 * A time as the exports write it (Unix seconds as a float, milliseconds, or an ISO string) as ISO, or
 * null when it is missing or not a time.
 */
export function isoTime(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    // Seconds until the year 5138; beyond that, milliseconds.
    const ms = value < 1e11 ? value * 1000 : value;
    const date = new Date(Math.round(ms));
    return Number.isNaN(date.getTime()) ? null : date.toISOString();
  }
  if (typeof value === 'string' && value.trim() !== '') {
    if (/^\d+(\.\d+)?$/.test(value.trim())) return isoTime(Number(value));
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date.toISOString();
  }
  return null;
}

/** Narrowing helpers for JSON of unknown shape: the exports change without notice. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/** `count` more of a kind in a response's metadata (`capture.images`, …): numbers above 0 only. */
export function countIn(metadata: Metadata, key: string, count = 1): void {
  if (count <= 0) return;
  const current = metadata[key];
  metadata[key] = (typeof current === 'number' ? current : 0) + count;
}

/** A fenced code block that survives a fence inside the code. */
export function fence(text: string, info = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((match) => match[0].length));
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  return `${ticks}${info}\n${text.replace(/\n$/, '')}\n${ticks}`;
}

/** Paragraphs joined by a blank line, empty ones left out. */
export function paragraphs(parts: readonly string[]): string {
  return parts
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join('\n\n');
}
