import type { SignInCodeStore, StoredSignInCode } from '../sign-in-code-store.ts';
import type { Sql } from './connect.ts';

/** Sign-in codes on PostgreSQL: issued through one companion process, redeemable through any. */
export class PostgresSignInCodes implements SignInCodeStore {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async add(code: StoredSignInCode, keep: number): Promise<void> {
    await this.#sql.begin(async (tx) => {
      await tx`DELETE FROM sign_in_codes WHERE expires_at_ms <= ${code.issuedAtMs}`;
      await tx`INSERT INTO sign_in_codes (digest, issued_at_ms, expires_at_ms, user_name)
        VALUES (${code.digest}, ${code.issuedAtMs}, ${code.expiresAtMs}, ${code.user})
        ON CONFLICT (digest) DO UPDATE SET issued_at_ms = excluded.issued_at_ms, expires_at_ms = excluded.expires_at_ms,
          user_name = excluded.user_name`;
      // ix breaks ties between codes issued in the same millisecond: the later one is newer.
      await tx`DELETE FROM sign_in_codes WHERE ix NOT IN
        (SELECT ix FROM sign_in_codes ORDER BY issued_at_ms DESC, ix DESC LIMIT ${keep})`;
    });
  }

  async take(digest: string, nowMs: number): Promise<{ user: string | null } | undefined> {
    const [row] = await this.#sql<{ expires_at_ms: number; user_name: string | null }[]>`
      DELETE FROM sign_in_codes WHERE digest = ${digest} RETURNING expires_at_ms, user_name`;
    return row !== undefined && nowMs < Number(row.expires_at_ms) ? { user: row.user_name } : undefined;
  }
}
