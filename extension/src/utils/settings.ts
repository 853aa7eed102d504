import { storage } from 'wxt/utils/storage';
import { z } from 'zod';
import { annotatorSchema, type Rubric, rubricSchema, tagSchema } from '../../../shared/index.ts';
import { LIMITS } from '../../../shared/limits.ts';
import { DEFAULT_SHORTCUTS, type Shortcuts, shortcutProblems, withDefaults } from '../../../shared/shortcuts.ts';

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

/** Keyboard shortcuts, action → key (shared/shortcuts.ts: the dashboard's rating page uses the same keys). Written by the options page. */
export const shortcutsSchema = z
  .record(z.string(), z.string())
  .superRefine((value, ctx) => {
    for (const message of shortcutProblems(value)) ctx.addIssue({ code: 'custom', message });
  })
  .transform((value) => value as Shortcuts);
export const shortcutsItem = storage.defineItem<Shortcuts>('local:shortcuts', {
  fallback: DEFAULT_SHORTCUTS,
  version: 1,
});

export const NO_RUBRIC: Rubric = { version: 0, questions: [] };
/** The rubric's questions and version (each change of questions is a new version). Written by the options page. */
export const rubricItem = storage.defineItem<Rubric>('local:rubric', { fallback: NO_RUBRIC, version: 1 });

/** An origin such as `http://localhost:3000`: scheme, host and port, nothing else. */
export const selfHostedOriginSchema = z
  .string()
  .trim()
  .transform((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not an address such as http://localhost:3000` });
      return z.NEVER;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'the address must start with http:// or https://' });
      return z.NEVER;
    }
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: `give only the origin, e.g. ${url.origin}` });
      return z.NEVER;
    }
    return url.origin;
  });
export const selfHostedOriginsSchema = z.array(selfHostedOriginSchema).max(50);
/** Origins of self-hosted chat apps (Open WebUI, LibreChat) the user added and granted. Written by the options page. */
export const selfHostedOriginsItem = storage.defineItem<string[]>('local:selfHostedOrigins', {
  fallback: [],
  version: 1,
});

/**
 * Origins of chat apps Margin has no adapter for, where the person turned on the generic adapter
 * (sites/generic.ts). Written by the options page; never the same origin as a self-hosted app's.
 */
export const genericOriginsItem = storage.defineItem<string[]>('local:genericOrigins', {
  fallback: [],
  version: 1,
});

export interface Settings {
  annotator: string;
  defaultTags: string[];
  enabledSites: EnabledSites;
  shortcuts: Shortcuts;
  rubric: Rubric;
  selfHostedOrigins: string[];
  genericOrigins: string[];
}

/** Reads every setting, parsing what storage returns; a value that fails its schema falls back to the default. */
export async function readSettings(): Promise<Settings> {
  const [annotator, defaultTags, enabledSites, shortcuts, rubric, selfHostedOrigins, genericOrigins] =
    await Promise.all([
      annotatorNameItem.getValue(),
      defaultTagsItem.getValue(),
      enabledSitesItem.getValue(),
      shortcutsItem.getValue(),
      rubricItem.getValue(),
      selfHostedOriginsItem.getValue(),
      genericOriginsItem.getValue(),
    ]);
  return parseSettings({ annotator, defaultTags, enabledSites, shortcuts, rubric, selfHostedOrigins, genericOrigins });
}

export function parseSettings(raw: {
  annotator: unknown;
  defaultTags: unknown;
  enabledSites: unknown;
  shortcuts?: unknown;
  rubric?: unknown;
  selfHostedOrigins?: unknown;
  genericOrigins?: unknown;
}): Settings {
  return {
    annotator: annotatorNameSchema.safeParse(raw.annotator).data ?? DEFAULT_ANNOTATOR,
    defaultTags: defaultTagsSchema.safeParse(raw.defaultTags).data ?? [],
    enabledSites: enabledSitesSchema.safeParse(raw.enabledSites).data ?? {},
    shortcuts: withDefaults(raw.shortcuts),
    rubric: rubricSchema.safeParse(raw.rubric).data ?? NO_RUBRIC,
    selfHostedOrigins: selfHostedOriginsSchema.safeParse(raw.selfHostedOrigins).data ?? [],
    genericOrigins: selfHostedOriginsSchema.safeParse(raw.genericOrigins).data ?? [],
  };
}
