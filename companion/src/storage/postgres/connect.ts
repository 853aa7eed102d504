import postgres from 'postgres';

/** A postgres.js pool; `TransactionSql` inside `sql.begin`. */
export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

/** `postgres://` or `postgresql://`: a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** The URL with its password masked, for logs, the settings page and error messages. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(an unparsable URL)';
  }
}

export interface ConnectOptions {
  /** Connections in the pool (default 10). */
  max?: number;
  /** Give up connecting after this long (default 30 s). */
  connectTimeoutSeconds?: number;
}

/**
 * A pool on `url`. int8 columns (sequence numbers, counts) come back as numbers: they stay far below
 * 2^53, and every caller compares and adds them as numbers, as with SQLite.
 */
export function connectPostgres(url: string, options: ConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutSeconds ?? 30,
    onnotice: false,
    connection: { application_name: 'margin' },
    types: { int8: { from: [20], parse: (raw: string) => Number(raw) } },
  } as postgres.Options<Record<string, postgres.PostgresType>>) as unknown as Sql;
}

/**
 * Text for a PostgreSQL column. PostgreSQL text cannot hold U+0000, which SQLite (and JSON) can: in
 * the columns beside a record's body (ids, names, excerpts) it becomes U+FFFD. The body keeps every
 * character, so what sync and exports return is unchanged (docs/postgres.md, "Differences").
 */
export function pgText<T extends string | null>(value: T): T {
  return (value?.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value) as T;
}
