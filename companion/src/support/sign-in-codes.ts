import { createHash, randomBytes } from 'node:crypto';

/** Long enough to open the link, short enough that a leaked one is useless by the time anyone reads it. */
export const SIGN_IN_CODE_TTL_MS = 2 * 60 * 1000;
/** Codes waiting at once; issuing more drops the oldest. */
const MAX_OUTSTANDING = 20;

function digest(code: string): string {
  return createHash('sha256').update(code).digest('base64url');
}

/**
 * One-time sign-in codes for the dashboard. A caller that holds the token (the extension's popup,
 * `margin dashboard`) asks for a code and opens the dashboard with it in the URL fragment; the
 * dashboard trades it for the token once. So the long-lived token is never in a URL, and what is in
 * the browser history expires in minutes and works only once. Kept in memory only: a restart voids
 * every code, which costs nothing but a new link.
 */
export class SignInCodes {
  readonly #codes = new Map<string, number>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  issue(): { code: string; expiresAt: Date } {
    this.#sweep();
    while (this.#codes.size >= MAX_OUTSTANDING) {
      const oldest = this.#codes.keys().next().value as string;
      this.#codes.delete(oldest);
    }
    const code = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + SIGN_IN_CODE_TTL_MS;
    this.#codes.set(digest(code), expiresAt);
    return { code, expiresAt: new Date(expiresAt) };
  }

  /** True once per issued code, before it expires. */
  redeem(code: string): boolean {
    const key = digest(code);
    const expiresAt = this.#codes.get(key);
    this.#codes.delete(key);
    return expiresAt !== undefined && this.now() < expiresAt;
  }

  #sweep(): void {
    const now = this.now();
    for (const [key, expiresAt] of this.#codes) if (expiresAt <= now) this.#codes.delete(key);
  }
}
