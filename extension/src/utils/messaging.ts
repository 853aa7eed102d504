import { defineExtensionMessaging } from '@webext-core/messaging';
import type { ConfigureInput, ConfigureResult } from '../sync/sync-engine.ts';
import type { SyncState } from '../sync/sync-tables.ts';
import type { AnnotationInput, AnnotationState, ConversationQuery, SaveResult } from './annotation-input.ts';

/**
 * The one protocol between content scripts, extension pages and the background. Every payload that
 * comes from a content script is untrusted (it runs in the chat site's process) and is parsed with the
 * shared schema by the background's handler before it is used.
 */
export interface ProtocolMap {
  /** A content script announces itself; the background answers with its version. */
  ping(): { version: string };
  /** Whether controls belong on this site, and the sender's saved annotations of one conversation. */
  getConversationAnnotations(query: ConversationQuery): { enabled: boolean; annotations: AnnotationState[] };
  /** Creates or updates the annotation of one response; answers only after the write committed. */
  saveAnnotation(input: AnnotationInput): SaveResult;
  /** Options page: pair with a companion; the background checks and stores it, then syncs at once. */
  configureCompanion(settings: ConfigureInput): ConfigureResult;
  /** Popup "Sync now": runs a sync whatever the backoff says and answers the state it left. */
  syncNow(): SyncState;
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();
