import { MatchPattern } from 'wxt/utils/match-patterns';
import { describeIssues, type Rubric, rubricAnswerIssues } from '../../../../shared/index.ts';
import { listConversationAnnotations, SaveError, saveAnnotation, toState } from '../../db/annotations.ts';
import type { AppDB } from '../../db/app-db.ts';
import { listConversationComparisons, saveComparison } from '../../db/comparisons.ts';
import { findConversationRating, saveConversationRating, toRatingState } from '../../db/conversation-ratings.ts';
import type { SiteAdapter } from '../../sites/define-site-adapter.ts';
import { GENERIC_SITE_ID } from '../../sites/generic/site-id.ts';
import {
  type AnnotationChanges,
  annotationInputSchema,
  type ConversationAnnotations,
  comparisonInputSchema,
  conversationQuerySchema,
  type PageSettings,
  type SaveComparisonResult,
  type SaveResult,
} from '../../utils/annotation-input.ts';
import { type ConversationRatingResult, conversationRatingInputSchema } from '../../utils/conversation-rating-input.ts';
import { type PageHealth, pageHealthSchema } from '../../utils/page-health.ts';
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

/** The origin of `url`, or '' when it is not a URL. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/** A message this extension refuses: wrong sender, wrong site, or a payload that fails its schema. */
export class RejectedMessage extends Error {
  override name = 'RejectedMessage';
}

/**
 * Handlers for the content script's verbs. Each checks that the message comes from our own content
 * script on a page of the site it names (for self-hosted apps: on an origin the person added in the
 * options), and parses the payload with the shared schema first.
 */
export function createAnnotationHandlers(deps: AnnotationHandlerDeps) {
  const patterns = new Map(
    deps.adapters.map((adapter) => [adapter.id, adapter.matches.map((pattern) => new MatchPattern(pattern))]),
  );
  const selfHosted = new Set(deps.adapters.filter((adapter) => adapter.selfHosted).map((adapter) => adapter.id));

  function matchesSite(site: string, url: string | undefined, settings: Settings): boolean {
    if (!url) return false;
    if (patterns.get(site)?.some((pattern) => pattern.includes(url))) return true;
    const added =
      site === GENERIC_SITE_ID ? settings.genericOrigins : selfHosted.has(site) ? settings.selfHostedOrigins : [];
    return added.includes(originOf(url));
  }

  function checkSender(sender: Sender, site: string, settings: Settings): void {
    if (sender.id !== deps.runtimeId) throw new RejectedMessage('message from another extension');
    if (!matchesSite(site, sender.tab?.url ?? sender.url, settings)) {
      throw new RejectedMessage(`message for ${site} from a page that is not ${site}`);
    }
  }

  /** A page of any supported site (or added origin): the sender of a site-independent request. */
  function checkAnySite(sender: Sender, settings: Settings): void {
    if (sender.id !== deps.runtimeId) throw new RejectedMessage('message from another extension');
    const url = sender.tab?.url ?? sender.url;
    const sites = [...deps.adapters.map((adapter) => adapter.id), GENERIC_SITE_ID];
    if (!sites.some((site) => matchesSite(site, url, settings))) {
      throw new RejectedMessage('message from a page that is not a supported chat site');
    }
  }

  /** Rubric answers must be for the rubric in force, and fit its questions. */
  function checkRubric(changes: AnnotationChanges, rubric: Rubric): void {
    if (!changes.rubric) return;
    if (rubric.questions.length === 0) throw new SaveError('rubric: there is no rubric in the options any more');
    if (changes.rubric.version !== rubric.version) {
      throw new SaveError(
        `rubric: the rubric changed (now version ${rubric.version}) since this form opened; reload the page to answer it`,
      );
    }
    const issues = rubricAnswerIssues(rubric.questions, changes.rubric.answers);
    if (issues.length > 0) throw new SaveError(`rubric: ${issues.map((issue) => issue.message).join('; ')}`);
  }

  return {
    async getConversationAnnotations(data: unknown, sender: Sender): Promise<ConversationAnnotations> {
      const parsed = conversationQuerySchema.safeParse(data);
      if (!parsed.success) throw new RejectedMessage(describeIssues(parsed.error));
      const settings = await deps.readSettings();
      checkSender(sender, parsed.data.site, settings);
      if (!isSiteEnabled(settings.enabledSites, parsed.data.site)) {
        return { enabled: false, annotations: [], comparisons: [] };
      }
      const { site, conversationId } = parsed.data;
      const [rows, comparisons] = await Promise.all([
        listConversationAnnotations(deps.db, site, conversationId, settings.annotator),
        listConversationComparisons(deps.db, site, conversationId, settings.annotator),
      ]);
      return { enabled: true, annotations: rows.map(toState), comparisons };
    },

    async getPageSettings(_data: unknown, sender: Sender): Promise<PageSettings> {
      const settings = await deps.readSettings();
      checkAnySite(sender, settings);
      return {
        rubric: settings.rubric.questions.length > 0 ? settings.rubric : null,
        shortcuts: settings.shortcuts,
        generic: matchesSite(GENERIC_SITE_ID, sender.tab?.url ?? sender.url, settings),
      };
    },

    /** A health report, checked to come from a page of the site it is about. */
    async parseHealthReport(data: unknown, sender: Sender): Promise<PageHealth> {
      const parsed = pageHealthSchema.safeParse(data);
      if (!parsed.success) throw new RejectedMessage(describeIssues(parsed.error));
      checkSender(sender, parsed.data.site, await deps.readSettings());
      return parsed.data;
    },

    async saveAnnotation(data: unknown, sender: Sender): Promise<SaveResult> {
      const parsed = annotationInputSchema.safeParse(data);
      if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
      try {
        const settings = await deps.readSettings();
        const { capture, changes } = parsed.data;
        checkSender(sender, capture.site, settings);
        if (!matchesSite(capture.site, capture.url, settings)) {
          throw new RejectedMessage(`url: not a ${capture.site} page`);
        }
        if (!isSiteEnabled(settings.enabledSites, capture.site)) {
          throw new RejectedMessage(`${capture.site} is turned off in Margin's options`);
        }
        checkRubric(changes, settings.rubric);
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

    /** The conversation bar: this person's rating of the conversation, and whether the site is on. */
    async getConversationRating(data: unknown, sender: Sender): Promise<ConversationRatingResult> {
      const parsed = conversationQuerySchema.safeParse(data);
      if (!parsed.success) throw new RejectedMessage(describeIssues(parsed.error));
      const settings = await deps.readSettings();
      checkSender(sender, parsed.data.site, settings);
      if (!isSiteEnabled(settings.enabledSites, parsed.data.site)) return { ok: true, enabled: false, state: null };
      const { site, conversationId } = parsed.data;
      const rating = await findConversationRating(deps.db, site, conversationId, settings.annotator);
      return { ok: true, enabled: true, state: toRatingState(rating) };
    },

    async saveConversationRating(data: unknown, sender: Sender): Promise<ConversationRatingResult> {
      const parsed = conversationRatingInputSchema.safeParse(data);
      if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
      try {
        const settings = await deps.readSettings();
        const { site, url } = parsed.data;
        checkSender(sender, site, settings);
        if (!matchesSite(site, url, settings)) throw new RejectedMessage(`url: not a ${site} page`);
        if (!isSiteEnabled(settings.enabledSites, site)) {
          throw new RejectedMessage(`${site} is turned off in Margin's options`);
        }
        const saved = await saveConversationRating(deps.db, parsed.data, {
          annotator: settings.annotator,
          now: deps.now,
          newId: deps.newId,
        });
        return { ok: true, enabled: true, state: toRatingState(saved ?? undefined) };
      } catch (error) {
        if (error instanceof SaveError || error instanceof RejectedMessage) return { ok: false, error: error.message };
        throw error;
      }
    },

    async saveComparison(data: unknown, sender: Sender): Promise<SaveComparisonResult> {
      const parsed = comparisonInputSchema.safeParse(data);
      if (!parsed.success) return { ok: false, error: describeIssues(parsed.error) };
      try {
        const settings = await deps.readSettings();
        for (const capture of [parsed.data.a, parsed.data.b]) {
          checkSender(sender, capture.site, settings);
          if (!matchesSite(capture.site, capture.url, settings)) {
            throw new RejectedMessage(`url: not a ${capture.site} page`);
          }
        }
        if (!isSiteEnabled(settings.enabledSites, parsed.data.a.site)) {
          throw new RejectedMessage(`${parsed.data.a.site} is turned off in Margin's options`);
        }
        const saved = await saveComparison(deps.db, parsed.data, {
          annotator: settings.annotator,
          defaultTags: settings.defaultTags,
          now: deps.now,
          newId: deps.newId,
        });
        return {
          ok: true,
          comparison: {
            a: saved.a.messageId,
            b: saved.b.messageId,
            winner: saved.comparison.winner,
            revision: saved.comparison.revision,
          },
          annotations: [toState(saved.a), toState(saved.b)],
        };
      } catch (error) {
        if (error instanceof SaveError || error instanceof RejectedMessage) return { ok: false, error: error.message };
        throw error;
      }
    },
  };
}
