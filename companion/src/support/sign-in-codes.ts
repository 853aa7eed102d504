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

  /** A code for `user` (null: the pairing token's owner); redeeming it signs in as them. */
  async issue(user: string | null = null): Promise<{ code: string; expiresAt: Date }> {
    const code = randomBytes(32).toString('base64url');
    const issuedAtMs = this.now();
    const expiresAtMs = issuedAtMs + SIGN_IN_CODE_TTL_MS;
    await this.#store.add({ digest: digest(code), issuedAtMs, expiresAtMs, user }, MAX_OUTSTANDING);
    return { code, expiresAt: new Date(expiresAtMs) };
  }

  /** Who the code was issued for, once per code, before it expires; undefined otherwise. */
  redeem(code: string): Promise<{ user: string | null } | undefined> {
    return this.#store.take(digest(code), this.now());
  }
}
