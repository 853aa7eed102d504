import { MatchPattern } from 'wxt/utils/match-patterns';
import { describeIssues } from '../../../../shared/index.ts';
import type { SiteAdapter } from '../../sites/define-site-adapter.ts';
import {
  type AnnotationState,
  annotationInputSchema,
  conversationQuerySchema,
  type SaveResult,
} from '../../utils/annotation-input.ts';
import { listConversationAnnotations, SaveError, saveAnnotation, toState } from '../../utils/db/annotations.ts';
import type { AppDB } from '../../utils/db/app-db.ts';
import type { EnabledSites, Settings } from '../../utils/settings.ts';

/** The part of `runtime.MessageSender` the checks need. */
export interface Sender {
  id?: string;
  url?: string;
  tab?: { url?: string };
}

export interface AnnotationHandlerDeps {
  db: AppDB;
  adapters: readonly SiteAdapter[];
  runtimeId: string;
  readSettings: () => Promise<Settings>;
  now: () => Date;
  newId: () => string;
}

/** A site that the options page does not list is enabled. */
function isSiteEnabled(enabledSites: EnabledSites, site: string): boolean {
  return enabledSites[site] !== false;
}

/** A message this extension refuses: wrong sender, wrong site, or a payload that fails its schema. */
export class RejectedMessage extends Error {
  override name = 'RejectedMessage';
}

/**
 * Handlers for the content script's verbs. Each checks that the message comes from our own content
 * script on a page of the site it names, and parses the payload with the shared schema first.
 */
export function createAnnotationHandlers(deps: AnnotationHandlerDeps) {
  const patterns = new Map(
    deps.adapters.map((adapter) => [adapter.id, adapter.matches.map((pattern) => new MatchPattern(pattern))]),
  );

  function matchesSite(site: string, url: string | undefined): boolean {
    if (!url) return false;
    return patterns.get(site)?.some((pattern) => pattern.includes(url)) ?? false;
  }

  function checkSender(sender: Sender, site: string): void {
    if (sender.id !== deps.runtimeId) throw new RejectedMessage('message from another extension');
    if (!matchesSite(site, sender.tab?.url ?? sender.url)) {
      throw new RejectedMessage(`message for ${site} from a page that is not ${site}`);
    }
  }

  return {
    async getConversationAnnotations(
      data: unknown,
      sender: Sender,
    ): Promise<{ enabled: boolean; annotations: AnnotationState[] }> {
      const parsed = conversationQuerySchema.safeParse(data);
      if (!parsed.success) throw new RejectedMessage(describeIssues(parsed.error));
      checkSender(sender, parsed.data.site);
      const settings = await deps.readSettings();
      if (!isSiteEnabled(settings.enabledSites, parsed.data.site)) return { enabled: false, annotations: [] };
      const rows = await listConversationAnnotations(
        deps.db,
        parsed.data.site,
        parsed.data.conversationId,
        settings.annotator,
      );
      return { enabled: true, annotations: rows.map(toState) };
    },

    async saveAnnotation(data: unknown, sender: Sender): Promise<SaveResult> {
      const parsed = annotationInputSchema.safeParse(data);
      if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
      try {
        checkSender(sender, parsed.data.capture.site);
        if (!matchesSite(parsed.data.capture.site, parsed.data.capture.url)) {
          throw new RejectedMessage(`url: not a ${parsed.data.capture.site} page`);
        }
        const settings = await deps.readSettings();
        if (!isSiteEnabled(settings.enabledSites, parsed.data.capture.site)) {
          throw new RejectedMessage(`${parsed.data.capture.site} is turned off in Margin's options`);
        }
        const saved = await saveAnnotation(deps.db, parsed.data, {
          annotator: settings.annotator,
          defaultTags: settings.defaultTags,
          now: deps.now,
          newId: deps.newId,
        });
        return { ok: true, annotation: toState(saved) };
      } catch (error) {
        if (error instanceof SaveError || error instanceof RejectedMessage) return { ok: false, error: error.message };
        throw error;
      }
    },
  };
}
