/** A one-time sign-in code as kept: only its digest, never the code itself. */
export interface StoredSignInCode {
  digest: string;
  issuedAtMs: number;
  expiresAtMs: number;
}

/**
 * Where the dashboard's one-time sign-in codes wait to be redeemed: in the database, so a code issued
 * by one companion process can be redeemed through another on the same database.
 */
export interface SignInCodeStore {
  /** Keeps `code`, drops expired codes, and keeps only the newest `keep` codes. */
  add(code: StoredSignInCode, keep: number): Promise<void>;
  /** Removes the code with `digest`: true if it was there and had not expired at `nowMs` (so true once per code). */
  take(digest: string, nowMs: number): Promise<boolean>;
}
