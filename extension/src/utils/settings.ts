import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { annotatorSchema, tagSchema } from '../../../shared/index.ts';
import { LIMITS } from '../../../shared/limits.ts';

export const DEFAULT_ANNOTATOR = 'me';

export const annotatorNameSchema = annotatorSchema;
export const defaultTagsSchema = z.array(tagSchema).max(LIMITS.tags);
/** Site id → enabled; a site that is not listed is enabled. */
export const enabledSitesSchema = z.record(z.string(), z.boolean());
export type EnabledSites = z.infer<typeof enabledSitesSchema>;

/** Who is annotating: stored in every annotation. Written by the options page. */
export const annotatorNameItem = storage.defineItem<string>('local:annotatorName', {
  fallback: DEFAULT_ANNOTATOR,
  version: 1,
});

/** Tags every new annotation starts with. Written by the options page. */
export const defaultTagsItem = storage.defineItem<string[]>('local:defaultTags', { fallback: [], version: 1 });

/** Which chat sites get controls. Written by the options page; read by the background. */
export const enabledSitesItem = storage.defineItem<EnabledSites>('local:enabledSites', { fallback: {}, version: 1 });

export interface Settings {
  annotator: string;
  defaultTags: string[];
  enabledSites: EnabledSites;
}

/** Reads every setting, parsing what storage returns; a value that fails its schema falls back to the default. */
export async function readSettings(): Promise<Settings> {
  const [annotator, defaultTags, enabledSites] = await Promise.all([
    annotatorNameItem.getValue(),
    defaultTagsItem.getValue(),
    enabledSitesItem.getValue(),
  ]);
  return parseSettings({ annotator, defaultTags, enabledSites });
}

export function parseSettings(raw: { annotator: unknown; defaultTags: unknown; enabledSites: unknown }): Settings {
  return {
    annotator: annotatorNameSchema.safeParse(raw.annotator).data ?? DEFAULT_ANNOTATOR,
    defaultTags: defaultTagsSchema.safeParse(raw.defaultTags).data ?? [],
    enabledSites: enabledSitesSchema.safeParse(raw.enabledSites).data ?? {},
  };
}
