import { randomUUID } from 'node:crypto';
import {
  ANNOTATION_SCHEMA_VERSION,
  type Annotation,
  annotationSchema,
  type ItemRating,
} from '../../../shared/index.ts';
import { DASHBOARD_DEVICE_ID } from '../storage/dashboard-store.ts';
import type { ItemStore } from '../storage/item-store.ts';
import type { SyncStore } from '../storage/store.ts';
import { DEFAULT_LOCAL_ANNOTATOR } from './run-import.ts';

export type RateResult =
  | { status: 'saved'; annotation: Annotation; seq: number }
  | { status: 'not_found' }
  | { status: 'conflict'; annotationId: string };

const SITE_HOME: Record<string, string> = {
  gemini: 'https://gemini.google.com/app',
  'open-webui': 'http://localhost:3000/',
  librechat: 'http://localhost:3080/',
};

/** The person the dashboard rates as: the extension's annotator (the name their ratings sync under), else `me`. */
export async function localAnnotator(items: Pick<ItemStore, 'captureAnnotator'>): Promise<string> {
  return (await items.captureAnnotator()) ?? DEFAULT_LOCAL_ANNOTATOR;
}

/**
 * A rating given in the Rate your history view, stored as the person's annotation of the item's
 * response: a new record through the dashboard's write path (device `dashboard`), so it syncs to the
 * extension and exports like any annotation. Undo is a delete of that annotation.
 */
export async function rateItem(
  deps: { store: SyncStore; items: ItemStore },
  id: string,
  rating: ItemRating,
  annotator: string,
  now: Date,
): Promise<RateResult> {
  const item = await deps.items.get(id);
  if (!item) return { status: 'not_found' };
  const existing = (await deps.items.liveAnnotationIds([item.key], annotator)).get(item.key);
  if (existing) return { status: 'conflict', annotationId: existing };
  const { 'import.source': imported, ...metadata } = item.metadata;
  const at = now.toISOString();
  const annotation = annotationSchema.parse({
    schemaVersion: ANNOTATION_SCHEMA_VERSION,
    id: randomUUID(),
    key: item.key,
    site: item.site,
    url: item.url ?? SITE_HOME[item.site] ?? `https://${item.site}.invalid/`,
    conversationId: item.conversationId,
    messageId: item.messageId,
    model: item.model,
    modelSource: item.model === null ? 'unknown' : 'message',
    context: item.context,
    response: item.response,
    // Schema v2: the visible reasoning travels with the rating, kept apart from the response.
    ...(item.reasoning ? { reasoning: item.reasoning } : {}),
    variant: item.variant,
    thumb: rating.thumb,
    score: rating.score,
    comment: rating.comment,
    tags: rating.tags,
    correction: null,
    // Not `source`: that names ratings that came inside an export; this one the person gave now.
    metadata: {
      ...metadata,
      'item.source': item.source,
      ...(typeof imported === 'string' ? { 'item.from': imported } : {}),
    },
    annotator,
    createdAt: at,
    updatedAt: at,
    deletedAt: null,
    revision: 1,
  });
  const applied = await deps.store.applyChanges({
    deviceId: DASHBOARD_DEVICE_ID,
    receivedAt: at,
    annotations: [annotation],
    comparisons: [],
  });
  const written = applied.annotations[0];
  if (written?.status !== 'accepted') throw new Error(`the rating of item ${id} was not accepted`);
  return { status: 'saved', annotation, seq: written.seq };
}
