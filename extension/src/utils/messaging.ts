import { defineExtensionMessaging } from '@webext-core/messaging';

/**
 * The one protocol between content scripts, extension pages and the background. Every payload that
 * comes from a content script is untrusted (it runs in the chat site's process) and is parsed with the
 * shared schema by the background's handler before it is used.
 */
export interface ProtocolMap {
  /** A content script announces itself; the background answers with its version. */
  ping(): { version: string };
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();
