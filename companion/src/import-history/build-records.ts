import { hashId } from '../../../shared/export/hash.ts';
import {
  ANNOTATION_SCHEMA_VERSION,
  type Annotation,
  annotationSchema,
  type Comparison,
  comparisonSchema,
  describeIssues,
  type Item,
  itemIdFor,
  itemKey,
  itemSchema,
  LIMITS,
  type Message,
  type Metadata,
} from '../../../shared/index.ts';
import type { ImportedComparison, ImportedRating, ImportedResponse } from './records.ts';
import type { HistorySource } from './sources.ts';

/** Where a site's responses live when the export gives no address (Gemini's Takeout names no conversation). */
const SITE_HOME: Record<string, string> = {
  chatgpt: 'https://chatgpt.com/',
  claude: 'https://claude.ai/',
  gemini: 'https://gemini.google.com/app',
  'open-webui': 'http://localhost:3000/',
  librechat: 'http://localhost:3080/',
};

const PLACEHOLDERS: Array<[RegExp, string]> = [
  [/\[image: [^\]\n]+\]/g, 'capture.images'],
  [/\[file: [^\]\n]+\]/g, 'capture.files'],
  [/\[artifact: [^\]\n]+\]/g, 'capture.artifacts'],
];

/** Two differently seeded 53-bit hashes: an id that repeats only for the same input. */
const stableId = (prefix: string, text: string) => `${prefix}${hashId(text)}${hashId(text, 1)}`;

/**
 * Keeps a context within the shared limits (500 turns, 4,000,000 characters) by leaving out its oldest
 * turns, as the capture does, and says how many were left out.
 */
function fitContext(context: readonly Message[], metadata: Metadata): Message[] {
  const kept = [...context];
  let chars = kept.reduce((sum, message) => sum + message.content.length, 0);
  let dropped = 0;
  while (kept.length > LIMITS.contextMessages || chars > LIMITS.contextChars) {
    chars -= kept.shift()?.content.length ?? 0;
    dropped += 1;
  }
  if (dropped > 0) {
    metadata['capture.partial'] = true;
    metadata['capture.unrenderedTurns'] = dropped;
  }
  return kept;
}

/** Each context message's placeholder counts, found once: a turn is in the context of every later response. */
const placeholderCounts = new WeakMap<Message, number[]>();

function countIn(text: string): number[] {
  return PLACEHOLDERS.map(([pattern]) => (text.includes('[') ? (text.match(pattern)?.length ?? 0) : 0));
}

/** Placeholder counts (`capture.images`, …) over the context and the response, as the capture reports them. */
function countPlaceholders(context: readonly Message[], response: string, metadata: Metadata): void {
  const totals = countIn(response);
  for (const message of context) {
    let counts = placeholderCounts.get(message);
    if (counts === undefined) {
      counts = countIn(message.content);
      placeholderCounts.set(message, counts);
    }
    counts.forEach((count, index) => {
      totals[index] = (totals[index] ?? 0) + count;
    });
  }
  PLACEHOLDERS.forEach(([, key], index) => {
    const found = totals[index] ?? 0;
    if (found > 0) metadata[key] = found;
    else delete metadata[key];
  });
}

export function buildItem(response: ImportedResponse, source: HistorySource): Item | { skip: string } {
  if (response.response.length > LIMITS.textChars) return { skip: 'response longer than 1,000,000 characters' };
  if (response.conversationId.length > LIMITS.idChars || response.messageId.length > LIMITS.idChars) {
    return { skip: `id longer than ${LIMITS.idChars} characters` };
  }
  const metadata: Metadata = { ...response.metadata, 'import.source': source.metadataSource };
  const context = fitContext(
    response.context.map((message) =>
      message.content.length > LIMITS.textChars
        ? { role: message.role, content: message.content.slice(0, LIMITS.textChars) }
        : message,
    ),
    metadata,
  );
  countPlaceholders(context, response.response, metadata);
  const key = itemKey(source.site, response.conversationId, response.messageId);
  const reasoning = response.reasoning?.slice(0, LIMITS.textChars);
  const parsed = itemSchema.safeParse({
    id: itemIdFor(key),
    key,
    source: 'import',
    site: source.site,
    conversationId: response.conversationId,
    messageId: response.messageId,
    url: response.url,
    model: response.model?.slice(0, LIMITS.modelChars) ?? null,
    context,
    response: response.response,
    ...(reasoning ? { reasoning } : {}),
    variant: response.variant,
    createdAt: response.createdAt,
    metadata,
  });
  if (!parsed.success) return { skip: `invalid response (${describeIssues(parsed.error)})` };
  return parsed.data;
}

/** The id of the annotation an export's rating becomes: the same on every import of the same export. */
export function importedAnnotationId(key: string, annotator: string, source: HistorySource): string {
  return stableId('imp-', `${key}\u0000${annotator}\u0000${source.metadataSource}`);
}

/**
 * The person's annotation of an imported response: its rating from the file (or none, for a response
 * that only takes part in a comparison), `metadata.source` naming the export.
 */
export function buildAnnotation(
  item: Item,
  rating: ImportedRating | undefined,
  annotator: string,
  source: HistorySource,
  modelSource: Annotation['modelSource'],
): Annotation | { skip: string } {
  const { 'import.source': _, ...metadata } = item.metadata;
  const at = rating?.createdAt ?? item.createdAt;
  const parsed = annotationSchema.safeParse({
    schemaVersion: ANNOTATION_SCHEMA_VERSION,
    id: importedAnnotationId(item.key, annotator, source),
    key: item.key,
    site: item.site,
    url: item.url ?? SITE_HOME[item.site] ?? 'https://example.invalid/',
    conversationId: item.conversationId,
    messageId: item.messageId,
    model: item.model,
    modelSource: item.model === null ? 'unknown' : modelSource,
    context: item.context,
    response: item.response,
    // Schema v2: the visible reasoning travels with the rating, kept apart from the response.
    ...(item.reasoning ? { reasoning: item.reasoning } : {}),
    variant: item.variant,
    thumb: rating?.thumb ?? null,
    score: rating?.score ?? null,
    comment: rating?.comment.slice(0, LIMITS.commentChars) ?? '',
    tags: rating?.tags ?? [],
    correction: null,
    metadata: { ...metadata, source: source.metadataSource },
    annotator,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
    revision: 1,
  });
  if (!parsed.success) return { skip: `invalid rating (${describeIssues(parsed.error)})` };
  return parsed.data;
}

export function buildComparison(
  comparison: ImportedComparison,
  sides: { a: string; b: string },
  site: string,
  conversationId: string,
  annotator: string,
): Comparison | { skip: string } {
  const parsed = comparisonSchema.safeParse({
    schemaVersion: 1,
    id: stableId('imp-cmp-', `${site}\u0000${conversationId}\u0000${comparison.sourceId}\u0000${annotator}`),
    a: sides.a,
    b: sides.b,
    winner: comparison.winner,
    annotator,
    createdAt: comparison.createdAt,
    updatedAt: comparison.createdAt,
    deletedAt: null,
    revision: 1,
  });
  if (!parsed.success) return { skip: `invalid comparison (${describeIssues(parsed.error)})` };
  return parsed.data;
}
