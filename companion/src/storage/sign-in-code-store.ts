/** A one-time sign-in code as kept: only its digest, never the code itself. */
export interface StoredSignInCode {
  digest: string;
  issuedAtMs: number;
  expiresAtMs: number;
  /** Who asked for it, so it signs in as them; null for the pairing token's owner. */
  user: string | null;
}

/**
 * Where the dashboard's one-time sign-in codes wait to be redeemed: in the database, so a code issued
 * by one companion process can be redeemed through another on the same database.
 */
export interface SignInCodeStore {
  /** Keeps `code`, drops expired codes, and keeps only the newest `keep` codes. */
  add(code: StoredSignInCode, keep: number): Promise<void>;
  /**
   * Removes the code with `digest`: who asked for it if it was there and had not expired at `nowMs`
   * (so once per code), undefined otherwise.
   */
  take(digest: string, nowMs: number): Promise<{ user: string | null } | undefined>;
}
