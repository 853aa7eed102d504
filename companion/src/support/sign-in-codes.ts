import { createHash, randomBytes } from 'node:crypto';
import type { SignInCodeStore } from '../storage/sign-in-code-store.ts';

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
 * the browser history expires in minutes and works only once. Only the code's digest is stored, in
 * the database: a code issued by one companion process works through another on the same database.
 */
export class SignInCodes {
  readonly #store: SignInCodeStore;

  constructor(
    store: SignInCodeStore,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.#store = store;
  }

  async issue(): Promise<{ code: string; expiresAt: Date }> {
    const code = randomBytes(32).toString('base64url');
    const issuedAtMs = this.now();
    const expiresAtMs = issuedAtMs + SIGN_IN_CODE_TTL_MS;
    await this.#store.add({ digest: digest(code), issuedAtMs, expiresAtMs }, MAX_OUTSTANDING);
    return { code, expiresAt: new Date(expiresAtMs) };
  }

  /** True once per issued code, before it expires. */
  redeem(code: string): Promise<boolean> {
    return this.#store.take(digest(code), this.now());
  }
}
