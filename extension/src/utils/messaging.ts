import { defineExtensionMessaging } from '@webext-core/messaging';
import type { ConfigureInput, ConfigureResult, SyncState } from '../sync/sync-state.ts';
import type {
  AnnotationInput,
  ComparisonInput,
  ConversationAnnotations,
  ConversationQuery,
  PageSettings,
  SaveComparisonResult,
  SaveResult,
} from './annotation-input.ts';
import type { ConversationRatingInput, ConversationRatingResult } from './conversation-rating-input.ts';
import type { PageHealth, TabHealth } from './page-health.ts';

/** What this browser holds, for the options page's "Delete all Margin data" confirmation. */
export interface LocalDataSummary {
  annotations: number;
  comparisons: number;
  /** Changes not yet delivered to the companion: deleting them loses them for good. */
  pending: number;
}

/**
 * The one protocol between content scripts, extension pages and the background. Every payload that
 * comes from a content script is untrusted (it runs in the chat site's process) and is parsed with the
 * shared schema by the background's handler before it is used.
 */
export interface ProtocolMap {
  /** A content script announces itself; the background answers with its version. */
  ping(): { version: string };
  /** Whether controls belong on this site, and the sender's saved annotations of one conversation. */
  getConversationAnnotations(query: ConversationQuery): ConversationAnnotations;
  /** Creates or updates the annotation of one response; answers only after the write committed. */
  saveAnnotation(input: AnnotationInput): SaveResult;
  /** Compare mode: which of two variants of one prompt is better; answers after the write committed. */
  saveComparison(input: ComparisonInput): SaveComparisonResult;
  /** The conversation bar: the sender's rating of one conversation. */
  getConversationRating(query: ConversationQuery): ConversationRatingResult;
  /** Rates a whole conversation (or withdraws the rating); answers after the write committed. */
  saveConversationRating(input: ConversationRatingInput): ConversationRatingResult;
  /** A content script's rubric and keyboard shortcuts (the options page writes them). */
  getPageSettings(): PageSettings;
  /** A content script's health check of its page; the popup shows it, the toolbar badge flags a problem. */
  reportHealth(health: PageHealth): void;
  /** Popup: the last health report of a tab, if its page is a supported site. */
  getTabHealth(tabId: number): TabHealth | null;
  /** Options: the self-hosted origins changed (permission granted or removed): register the content script. */
  syncSelfHostedOrigins(): { registered: string[] };
  /** Background → content script: the person chose "Annotate selection" on `selectionText`. */
  annotateSelection(selection: { text: string }): { ok: boolean; error?: string };
  /** A content script's controls need their panels: the panel script is injected into the sender's frame. */
  loadPanelKit(): void;
  /** A content script needs its capture's reader: the capture script is injected into the sender's frame. */
  loadCaptureReader(): void;
  /** Background → content script: the browser's command shortcut: open the latest response's controls. */
  openLatestControls(): { ok: boolean };
  /** Options page: pair with a companion; the background checks and stores it, then syncs at once. */
  configureCompanion(settings: ConfigureInput): ConfigureResult;
  /**
   * Popup, on a team server: makes the signed-in user's name the annotator name, and sends the records
   * the server refused for naming someone else under it (sync/claim-refused.ts).
   */
  useSignedInName(): UseSignedInNameResult;
  /** Popup "Sync now": runs a sync whatever the backoff says and answers the state it left. */
  syncNow(): SyncState;
  /** Popup "Report a broken page": a structural snapshot of a tab's page, its content removed (docs/capture.md). */
  snapshotTab(tabId: number): PageSnapshotResult;
  /** Options: what "Delete all Margin data in this browser" would delete. */
  localDataSummary(): LocalDataSummary;
  /** Options, after confirmation: deletes the extension's data (background/delete-all-data.ts); answers what went. */
  deleteAllData(): LocalDataSummary;
}

export type UseSignedInNameResult =
  | { ok: true; name: string; claimed: number; kept: number }
  | { ok: false; error: string };

export type PageSnapshotResult =
  | { ok: true; fileName: string; html: string; elements: number; truncated: boolean }
  | { ok: false; error: string };

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();
