/**
 * Upper bounds for everything that crosses a boundary. They keep a single bad record (or a hostile
 * page) from filling the store, and they are what the schemas enforce, so error messages can name them.
 */
export const LIMITS = {
  /** One message or response body: 1 MB of text. */
  textChars: 1_000_000,
  /** A free-text comment. */
  commentChars: 20_000,
  /** Turns before the rated response. */
  contextMessages: 500,
  /** All context turns together. */
  contextChars: 4_000_000,
  tags: 50,
  tagChars: 64,
  metadataKeys: 50,
  metadataKeyChars: 100,
  metadataValueChars: 2_000,
  idChars: 200,
  urlChars: 4_096,
  modelChars: 200,
  annotatorChars: 100,
  /** Key = site + conversation id + message id. */
  keyChars: 640,
} as const;
