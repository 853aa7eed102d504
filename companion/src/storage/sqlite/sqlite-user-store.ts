import type Database from 'better-sqlite3';
import type { User, UserKind, UserRole } from '../../../../shared/index.ts';
import type { NewUser, StoredToken, UserStore } from '../user-store.ts';

interface UserRow {
  name: string;
  role: UserRole;
  kind: UserKind;
  created_at: string;
  revoked_at: string | null;
}

function toUser(row: UserRow): User {
  return { name: row.name, role: row.role, kind: row.kind, createdAt: row.created_at, revokedAt: row.revoked_at };
}

const COLUMNS = 'name, role, kind, created_at, revoked_at';

/** Users and their token hashes in the SQLite file (migration 8). */
export class SqliteUserStore implements UserStore {
  readonly #db: Database.Database;
  readonly #statements;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#statements = {
      insertUser: db.prepare<[string, string, string, string]>(
        'INSERT INTO users (name, role, kind, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING',
      ),
      insertToken: db.prepare<[string, string, string, string, string | null]>(
        'INSERT INTO user_tokens (hash, user_name, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      get: db.prepare<[string], UserRow>(`SELECT ${COLUMNS} FROM users WHERE name = ?`),
      list: db.prepare<[], UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY created_at, name`),
      countActive: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users WHERE revoked_at IS NULL'),
      byToken: db.prepare<[string, string], UserRow>(
        `SELECT u.name, u.role, u.kind, u.created_at, u.revoked_at FROM user_tokens t JOIN users u ON u.name = t.user_name
         WHERE t.hash = ? AND u.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?)`,
      ),
      deleteTokens: db.prepare<[string]>('DELETE FROM user_tokens WHERE user_name = ?'),
      revoke: db.prepare<[string, string]>('UPDATE users SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL'),
    };
  }

  async add(user: NewUser, token: StoredToken): Promise<'added' | 'exists'> {
    return this.#db
      .transaction((): 'added' | 'exists' => {
        const { changes } = this.#statements.insertUser.run(user.name, user.role, user.kind, user.createdAt);
        if (changes === 0) return 'exists';
        this.#insertToken(user.name, token);
        return 'added';
      })
      .immediate();
  }

  async get(name: string): Promise<User | undefined> {
    const row = this.#statements.get.get(name);
    return row && toUser(row);
  }

  async list(): Promise<User[]> {
    return this.#statements.list.all().map(toUser);
  }

  async countActive(): Promise<number> {
    return this.#statements.countActive.get()?.n ?? 0;
  }

  async findByToken(hash: string, now: string): Promise<User | undefined> {
    const row = this.#statements.byToken.get(hash, now);
    return row && toUser(row);
  }

  async replaceTokens(name: string, token: StoredToken): Promise<User | undefined> {
    return this.#db
      .transaction(() => {
        const row = this.#statements.get.get(name);
        if (row === undefined || row.revoked_at !== null) return undefined;
        this.#statements.deleteTokens.run(name);
        this.#insertToken(name, token);
        return toUser(row);
      })
      .immediate();
  }

  async addToken(name: string, token: StoredToken): Promise<boolean> {
    return this.#db
      .transaction(() => {
        const row = this.#statements.get.get(name);
        if (row === undefined || row.revoked_at !== null) return false;
        this.#insertToken(name, token);
        return true;
      })
      .immediate();
  }

  async revoke(name: string, at: string): Promise<User | undefined> {
    return this.#db
      .transaction(() => {
        this.#statements.revoke.run(at, name);
        this.#statements.deleteTokens.run(name);
        const row = this.#statements.get.get(name);
        return row && toUser(row);
      })
      .immediate();
  }

  #insertToken(name: string, token: StoredToken): void {
    this.#statements.insertToken.run(token.hash, name, token.purpose, token.createdAt, token.expiresAt);
  }
}
