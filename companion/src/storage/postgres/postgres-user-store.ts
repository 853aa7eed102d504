import type { User, UserKind, UserRole } from '../../../../shared/index.ts';
import type { NewUser, StoredToken, UserStore } from '../user-store.ts';
import type { Sql, Tx } from './connect.ts';

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

/** Users and their token hashes on PostgreSQL (migration 3): a rotation is seen by every process at once. */
export class PostgresUserStore implements UserStore {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async add(user: NewUser, token: StoredToken): Promise<'added' | 'exists'> {
    return this.#sql.begin(async (tx) => {
      const inserted = await tx`INSERT INTO users (name, role, kind, created_at)
        VALUES (${user.name}, ${user.role}, ${user.kind}, ${user.createdAt})
        ON CONFLICT (name) DO NOTHING RETURNING name`;
      if (inserted.length === 0) return 'exists' as const;
      await insertToken(tx, user.name, token);
      return 'added' as const;
    });
  }

  async get(name: string): Promise<User | undefined> {
    const [row] = await this.#sql<UserRow[]>`SELECT * FROM users WHERE name = ${name}`;
    return row && toUser(row);
  }

  async list(): Promise<User[]> {
    const rows = await this.#sql<UserRow[]>`SELECT * FROM users ORDER BY created_at, name`;
    return rows.map(toUser);
  }

  async countActive(): Promise<number> {
    const [row] = await this.#sql<{ n: number }[]>`SELECT count(*)::int AS n FROM users WHERE revoked_at IS NULL`;
    return row?.n ?? 0;
  }

  async findByToken(hash: string, now: string): Promise<User | undefined> {
    const [row] = await this.#sql<UserRow[]>`
      SELECT u.* FROM user_tokens t JOIN users u ON u.name = t.user_name
      WHERE t.hash = ${hash} AND u.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ${now})`;
    return row && toUser(row);
  }

  async replaceTokens(name: string, token: StoredToken): Promise<User | undefined> {
    return this.#sql.begin(async (tx) => {
      const [row] = await tx<UserRow[]>`SELECT * FROM users WHERE name = ${name} FOR UPDATE`;
      if (row === undefined || row.revoked_at !== null) return undefined;
      await tx`DELETE FROM user_tokens WHERE user_name = ${name}`;
      await insertToken(tx, name, token);
      return toUser(row);
    });
  }

  async addToken(name: string, token: StoredToken): Promise<boolean> {
    return this.#sql.begin(async (tx) => {
      const [row] = await tx<UserRow[]>`SELECT * FROM users WHERE name = ${name} FOR SHARE`;
      if (row === undefined || row.revoked_at !== null) return false;
      await insertToken(tx, name, token);
      return true;
    });
  }

  async revoke(name: string, at: string): Promise<User | undefined> {
    return this.#sql.begin(async (tx) => {
      await tx`UPDATE users SET revoked_at = ${at} WHERE name = ${name} AND revoked_at IS NULL`;
      await tx`DELETE FROM user_tokens WHERE user_name = ${name}`;
      const [row] = await tx<UserRow[]>`SELECT * FROM users WHERE name = ${name}`;
      return row && toUser(row);
    });
  }
}

async function insertToken(tx: Sql | Tx, name: string, token: StoredToken): Promise<void> {
  await tx`INSERT INTO user_tokens (hash, user_name, purpose, created_at, expires_at)
    VALUES (${token.hash}, ${name}, ${token.purpose}, ${token.createdAt}, ${token.expiresAt})`;
}
