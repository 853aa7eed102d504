import { defineExtensionMessaging } from '@webext-core/messaging';
import { afterEach, describe, expect, it } from 'vitest';
import { type ContentRuntime, createContentMessenger } from '../../extension/src/utils/content-messenger.ts';
import type { ProtocolMap } from '../../extension/src/utils/messaging.ts';

/**
 * The content scripts speak the protocol through their own small messenger (utils/content-messenger.ts)
 * while the background keeps @webext-core/messaging: the two must understand each other. One fake
 * message bus stands for the browser: what one side sends, the other side's listeners get, and a
 * listener that returned true answers through `sendResponse`, as Chrome and Firefox deliver it.
 */
type Listener = (message: unknown, sender: unknown, sendResponse: (answer: unknown) => void) => boolean | undefined;

function bus() {
  const listeners = { background: new Set<Listener>(), content: new Set<Listener>() };
  const deliver = (to: Set<Listener>, message: unknown) =>
    new Promise<unknown>((resolve) => {
      let pending = false;
      for (const listener of to)
        if (listener(structuredClone(message), { id: 'margin' }, resolve) === true) pending = true;
      if (!pending) resolve(undefined);
    });
  const onMessageOf = (side: Set<Listener>) => ({
    addListener: (listener: Listener) => side.add(listener),
    removeListener: (listener: Listener) => side.delete(listener),
  });
  // What @webext-core/messaging reads in the background: chrome.runtime and chrome.tabs, with callbacks.
  const chrome = {
    runtime: {
      lastError: undefined,
      sendMessage: () => {
        throw new Error('the background does not message itself here');
      },
      onMessage: onMessageOf(listeners.background),
    },
    tabs: {
      sendMessage: (_tabId: number, message: unknown, _options: unknown, callback: (answer: unknown) => void) =>
        void deliver(listeners.content, message).then((answer) => callback(structuredClone(answer))),
    },
  };
  const content: ContentRuntime = {
    sendMessage: (message) => deliver(listeners.background, message).then((answer) => structuredClone(answer)),
    onMessage: onMessageOf(listeners.content) as ContentRuntime['onMessage'],
  };
  return { chrome, content, listeners };
}

const original = (globalThis as { chrome?: unknown }).chrome;
afterEach(() => {
  (globalThis as { chrome?: unknown }).chrome = original;
});

function connect() {
  const wires = bus();
  (globalThis as { chrome?: unknown }).chrome = wires.chrome;
  const background = defineExtensionMessaging<ProtocolMap>();
  const content = createContentMessenger(() => wires.content);
  return { background, content, wires };
}

describe('content messenger and @webext-core/messaging', () => {
  it('a content script request reaches the background handler with its data and gets its answer', async () => {
    const { background, content } = connect();
    const seen: unknown[] = [];
    background.onMessage('getConversationAnnotations', (message) => {
      seen.push(message.data);
      return { enabled: true, annotations: [], comparisons: [] } as unknown as ReturnType<
        ProtocolMap['getConversationAnnotations']
      >;
    });
    const answer = await content.sendMessage('getConversationAnnotations', { site: 'chatgpt', conversationId: 'c1' });
    expect(seen).toEqual([{ site: 'chatgpt', conversationId: 'c1' }]);
    expect(answer).toEqual({ enabled: true, annotations: [], comparisons: [] });
    background.removeAllListeners();
  });

  it('a request without data and an async handler work too', async () => {
    const { background, content } = connect();
    background.onMessage('ping', async () => ({ version: '9.9.9' }));
    await expect(content.sendMessage('ping')).resolves.toEqual({ version: '9.9.9' });
    background.removeAllListeners();
  });

  it('an error thrown by the background handler rejects the content script request with its name and message', async () => {
    const { background, content } = connect();
    background.onMessage('saveAnnotation', () => {
      const error = new TypeError('capture.response: expected a string');
      throw error;
    });
    const failure = await content.sendMessage('saveAnnotation', {} as never).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe('TypeError');
    expect((failure as Error).message).toBe('capture.response: expected a string');
    background.removeAllListeners();
  });

  it('a request nobody answers rejects with "No response"', async () => {
    const { content } = connect();
    await expect(content.sendMessage('loadPanelKit')).rejects.toThrow('No response');
  });

  it('the background reaches the content script handler of that type only, and gets its answer', async () => {
    const { background, content } = connect();
    const selections: string[] = [];
    content.onMessage('annotateSelection', (message) => {
      selections.push(message.data.text);
      return { ok: true };
    });
    content.onMessage('openLatestControls', async () => ({ ok: false }));
    await expect(background.sendMessage('annotateSelection', { text: 'picked words' }, 7)).resolves.toEqual({
      ok: true,
    });
    await expect(background.sendMessage('openLatestControls', undefined, 7)).resolves.toEqual({ ok: false });
    expect(selections).toEqual(['picked words']);
  });

  it('a content handler that throws rejects the background request with its message', async () => {
    const { background, content } = connect();
    content.onMessage('annotateSelection', () => {
      throw new Error('nothing selected');
    });
    await expect(background.sendMessage('annotateSelection', { text: '' }, 7)).rejects.toThrow('nothing selected');
  });

  it('a stopped content handler answers no more', async () => {
    const { background, content, wires } = connect();
    const stop = content.onMessage('openLatestControls', () => ({ ok: true }));
    expect(wires.listeners.content.size).toBe(1);
    stop();
    expect(wires.listeners.content.size).toBe(0);
    await expect(background.sendMessage('openLatestControls', undefined, 7)).rejects.toThrow('No response');
  });

  it('messages that are not the protocol are left to other listeners', () => {
    const { content, wires } = connect();
    content.onMessage('openLatestControls', () => ({ ok: true }));
    const [listener] = [...wires.listeners.content];
    let answered = false;
    const kept = listener?.({ hello: 'world' }, {}, () => {
      answered = true;
    });
    expect(kept).toBe(false);
    expect(answered).toBe(false);
  });
});
