/**
 * cyrb53: a fast, well-mixed 53-bit string hash (public domain, bryc). Pure JavaScript so it runs the
 * same in the companion and the extension; it keys dedup, the train/validation split and example ids.
 * It is not cryptographic: it only has to spread keys evenly and collide rarely (about 1 in 9e15).
 */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A hash as a fixed-width hex id: sidecar example ids, and the ids the extension synthesizes for
 * messages a site gives none (so those must never change for the same text and seed). */
export function hashId(text: string, seed = 0): string {
  return hash53(text, seed).toString(16).padStart(14, '0');
}

/** A number in [0, 1) that depends only on the text: the split position of a conversation. */
export function unitInterval(text: string): number {
  return hash53(text, 0x5eed) / 2 ** 53;
}
