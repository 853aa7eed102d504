import { browser } from 'wxt/browser';
import { type ContentRuntime, createContentMessenger } from './content-messenger.ts';

/** What content scripts send and answer (content-messenger.ts says why not utils/messaging.ts's). */
export const { sendMessage, onMessage } = createContentMessenger(() => browser.runtime as unknown as ContentRuntime);
