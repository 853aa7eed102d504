import type Database from 'better-sqlite3';
import type { SignInCodeStore, StoredSignInCode } from '../sign-in-code-store.ts';

/** Sign-in codes in the SQLite file (migration 6; who asked for each: migration 8). */
export class SqliteSignInCodes implements SignInCodeStore {
  readonly #db: Database.Database;
  readonly #statements;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#statements = {
      sweep: db.prepare<[number]>('DELETE FROM sign_in_codes WHERE expires_at_ms <= ?'),
      insert: db.prepare<[string, number, number, string | null]>(
        'INSERT OR REPLACE INTO sign_in_codes (digest, issued_at_ms, expires_at_ms, user_name) VALUES (?, ?, ?, ?)',
      ),
      // rowid breaks ties between codes issued in the same millisecond: the later one is newer.
      keepNewest: db.prepare<[number]>(
        `DELETE FROM sign_in_codes WHERE rowid NOT IN
           (SELECT rowid FROM sign_in_codes ORDER BY issued_at_ms DESC, rowid DESC LIMIT ?)`,
      ),
      take: db.prepare<[string], { expires_at_ms: number; user_name: string | null }>(
        'DELETE FROM sign_in_codes WHERE digest = ? RETURNING expires_at_ms, user_name',
      ),
    };
  }

  async add(code: StoredSignInCode, keep: number): Promise<void> {
    this.#db
      .transaction(() => {
        this.#statements.sweep.run(code.issuedAtMs);
        this.#statements.insert.run(code.digest, code.issuedAtMs, code.expiresAtMs, code.user);
        this.#statements.keepNewest.run(keep);
      })
      .immediate();
  }

  async take(digest: string, nowMs: number): Promise<{ user: string | null } | undefined> {
    const row = this.#statements.take.get(digest);
    return row !== undefined && nowMs < row.expires_at_ms ? { user: row.user_name } : undefined;
  }
}
