import type { ProtocolMap } from './messaging.ts';

/**
 * The content scripts' side of the one protocol (utils/messaging.ts), without the library behind it:
 * @webext-core/messaging and its error serializer weigh 1.2 KB gzip of every chat page's content
 * script (docs/benchmarks.md, "content script, gzip"), and a content script only sends a request and
 * answers two. It speaks the library's wire format, so the background and the extension pages keep the
 * library: a request is `{ id, type, data, timestamp }`, an answer `{ res }` or `{ err }` (an error as
 * `{ name, message, stack }`). test/extension/content-messenger.test.ts checks both directions against it.
 */
type Type = keyof ProtocolMap;
type DataOf<K extends Type> = Parameters<ProtocolMap[K]>[0];
type ResultOf<K extends Type> = ReturnType<ProtocolMap[K]>;

interface WireMessage {
  id: number;
  type: string;
  data: unknown;
  timestamp: number;
}
interface WireError {
  name?: string;
  message?: string;
  stack?: string;
}
type WireAnswer = { res?: unknown; err?: WireError | null } | undefined;

/** The parts of `browser.runtime` the content side uses. */
export interface ContentRuntime {
  sendMessage(message: WireMessage): Promise<unknown>;
  onMessage: {
    addListener(listener: RuntimeListener): void;
    removeListener(listener: RuntimeListener): void;
  };
}
// `sendResponse` and `return true`: Chrome keeps the channel open only so (it ignores a returned Promise).
type RuntimeListener = (message: unknown, sender: unknown, sendResponse: (answer: WireAnswer) => void) => boolean;

function isWireMessage(message: unknown): message is WireMessage {
  const candidate = message as Partial<WireMessage> | null;
  return typeof candidate?.type === 'string' && typeof candidate.timestamp === 'number';
}

function errorFrom(wire: WireError): Error {
  const error = new Error(wire.message);
  if (wire.name) error.name = wire.name;
  if (wire.stack) error.stack = wire.stack;
  return error;
}

function wireError(error: unknown): WireError {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack ?? '' }
    : { name: 'Error', message: String(error), stack: '' };
}

export function createContentMessenger(runtime: () => ContentRuntime) {
  let nextId = Math.floor(Math.random() * 10_000);
  return {
    /** Asks the background; rejects with the error its handler threw (or "No response"). */
    async sendMessage<K extends Type>(type: K, ...[data]: Parameters<ProtocolMap[K]>): Promise<ResultOf<K>> {
      const message: WireMessage = { id: nextId++, type, data, timestamp: Date.now() };
      const answer = ((await runtime().sendMessage(message)) as WireAnswer) ?? { err: { message: 'No response' } };
      if (answer.err != null) throw errorFrom(answer.err);
      return answer.res as ResultOf<K>;
    },

    /** Answers the background's `type` requests (one handler per type); returns the way to stop. */
    onMessage<K extends Type>(
      type: K,
      handle: (message: { data: DataOf<K> }) => ResultOf<K> | Promise<ResultOf<K>>,
    ): () => void {
      const listener: RuntimeListener = (message, _sender, sendResponse) => {
        if (!isWireMessage(message) || message.type !== type) return false;
        new Promise<ResultOf<K>>((resolve) => resolve(handle(message as { data: DataOf<K> }))).then(
          (res) => sendResponse({ res }),
          (error: unknown) => sendResponse({ err: wireError(error) }),
        );
        return true;
      };
      runtime().onMessage.addListener(listener);
      return () => runtime().onMessage.removeListener(listener);
    },
  };
}
