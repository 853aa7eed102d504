import type { ExportSource } from '../../companion/src/dataset/export-run.ts';
import type { Annotation, Comparison, ConversationRating } from '../../shared/index.ts';

/**
 * An export source held in arrays, for export tests that need no database. Insertion order is sequence order;
 * `order: 'conversation'` yields each conversation's annotations together, sorted by site and
 * conversation id, as the SQLite store does with its index.
 */
export class MemoryStore implements ExportSource {
  constructor(
    readonly annotations: Annotation[] = [],
    readonly comparisons: Comparison[] = [],
    readonly conversationRatings: ConversationRating[] = [],
  ) {}

  *iterateAnnotations(
    options: { includeDeleted?: boolean; order?: 'sequence' | 'conversation' } = {},
  ): IterableIterator<Annotation> {
    const live = this.annotations.filter((a) => options.includeDeleted || a.deletedAt === null);
    if (options.order !== 'conversation') {
      yield* live;
      return;
    }
    const byConversation = new Map<string, Annotation[]>();
    for (const annotation of live) {
      const key = `${annotation.site}\u0000${annotation.conversationId}`;
      const list = byConversation.get(key) ?? [];
      list.push(annotation);
      byConversation.set(key, list);
    }
    // The SQLite store's order: site, then conversation id (code-unit order, as SQLite's BINARY
    // collation for these ASCII ids), then sequence.
    const keys = [...byConversation.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const key of keys) yield* byConversation.get(key) ?? [];
  }

  *iterateComparisons(options: { includeDeleted?: boolean } = {}): IterableIterator<Comparison> {
    yield* this.comparisons.filter((c) => options.includeDeleted || c.deletedAt === null);
  }

  *iterateConversationRatings(options: { includeDeleted?: boolean } = {}): IterableIterator<ConversationRating> {
    yield* this.conversationRatings.filter((r) => options.includeDeleted || r.deletedAt === null);
  }
}
