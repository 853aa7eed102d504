import { createHash } from 'node:crypto';
import type {
  ImportRun,
  ImportSummary,
  Item,
  ItemFacets,
  ItemFilters,
  ItemSource,
  Message,
} from '../../../shared/index.ts';

/** Device ids the companion writes under itself: annotations from them were not captured by a person's browser. */
export const COMPANION_DEVICE_IDS = [
  'dashboard',
  'restore',
  'import',
  'companion-api',
  'companion-reviews',
  'history-import',
] as const;

/** A conversation of an export as last imported: recognized again by its fingerprint. */
export interface ImportedConversationMark {
  site: string;
  conversationId: string;
  fingerprint: string;
}

/** Items and conversation marks written together after a batch's annotations. */
export interface ItemBatch {
  runId: string | null;
  items: readonly Item[];
  conversations: readonly ImportedConversationMark[];
}

/** Which items `iterateItems` reads; every condition is optional (absent: no condition). */
export interface ItemScan {
  sources?: readonly ItemSource[];
  site?: readonly string[];
  model?: readonly string[];
  /** Created at or after / before (ISO dates), as the Rate view's filters. */
  since?: string;
  until?: string;
  /** Only items nobody has a live annotation of (a rated item is read from the annotations instead). */
  unrated?: boolean;
  /** Rows per query; the iterator holds one page at a time. */
  pageSize?: number;
}

/** Rows per query of `iterateItems` when the caller does not say. */
export const ITEM_PAGE = 200;

/**
 * Items (responses waiting for judgement) and import runs. Every method is async: SQLite implements
 * them over better-sqlite3, another database the same. The Rate view's queries are per annotator:
 * an item is unrated for a person until they have a live annotation of its key (or skipped it).
 */
export interface ItemStore {
  /** Stores the batch's new items (an existing key is left as it is) and its conversation marks. */
  writeBatch(batch: ItemBatch, now: Date): Promise<{ added: number; present: number }>;
  /** The stored fingerprint of each of these conversations (`site:conversationId` → fingerprint). */
  fingerprints(conversations: readonly { site: string; conversationId: string }[]): Promise<Map<string, string>>;
  /** Which of these annotation (or comparison) ids exist in any version, tombstones included. */
  existingRecordIds(kind: 'annotation' | 'comparison', ids: readonly string[]): Promise<Set<string>>;
  /** Which of these item keys are stored. */
  existingItemKeys(keys: readonly string[]): Promise<Set<string>>;
  /** The id of each key's live annotation by `annotator`, if it has one. */
  liveAnnotationIds(keys: readonly string[], annotator: string): Promise<Map<string, string>>;
  /** Whose ratings the extension syncs: the annotator of the latest captured annotation, if any. */
  captureAnnotator(): Promise<string | null>;

  get(id: string): Promise<Item | undefined>;
  /** The items the scan selects, oldest first (then by id), read a page at a time by key, not offset. */
  iterateItems(scan?: ItemScan): AsyncIterable<Item>;
  /** The newest unrated, unskipped item matching the filters, and how many such items there are. */
  next(filters: ItemFilters, annotator: string): Promise<{ item: Item | null; remaining: number }>;
  facets(annotator: string): Promise<ItemFacets>;
  skip(id: string, annotator: string, now: Date): Promise<boolean>;
  unskip(id: string, annotator: string): Promise<boolean>;
  count(): Promise<number>;

  startRun(run: ImportRun): Promise<void>;
  updateRun(
    id: string,
    update: { status: ImportRun['status']; summary: ImportSummary; error?: string | null; now: Date },
  ): Promise<void>;
  /**
   * Marks `running` runs last updated before `staleBefore` as `interrupted` (their process stopped
   * without finishing: see run-lease.ts), in one statement, so several companions on one database
   * agree; returns how many it marked.
   */
  interruptStaleRuns(staleBefore: Date, now: Date, error: string): Promise<number>;
  getRun(id: string): Promise<ImportRun | undefined>;
  listRuns(limit: number): Promise<ImportRun[]>;
}

/** `site:conversationId`: how fingerprints are keyed. */
export const conversationMarkKey = (site: string, conversationId: string) => `${site}\u0000${conversationId}`;

/**
 * Hashes a batch's context messages once each: the items of one conversation repeat the same turns
 * (the context of the 10th answer holds the 9 before it), and validation copies the message objects,
 * so the cache is keyed on the text itself (a string's hash is cached by the engine, so a repeated
 * turn is found without reading it again).
 */
export function batchTextHasher(): (message: Message) => { hash: string; first: boolean } {
  const byRole = new Map<string, Map<string, string>>();
  return (message) => {
    let byContent = byRole.get(message.role);
    if (byContent === undefined) {
      byContent = new Map();
      byRole.set(message.role, byContent);
    }
    const known = byContent.get(message.content);
    if (known !== undefined) return { hash: known, first: false };
    const hash = textHash(message);
    byContent.set(message.content, hash);
    return { hash, first: true };
  };
}

/**
 * A message's address in `item_texts`: its role and text, hashed. One function for both stores, so a
 * copy between them (and an item that meets its annotation) keeps the same addresses.
 */
export function textHash(message: Message): string {
  return createHash('sha256')
    .update(message.role)
    .update('\u0000')
    .update(message.content)
    .digest('base64url')
    .slice(0, 24);
}
