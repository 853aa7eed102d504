import { connectPostgres, describePostgresUrl } from '../storage/postgres/connect.ts';
import { PG_LATEST_VERSION } from '../storage/postgres/migrations.ts';
import { check, type DoctorCheck } from './doctor-check.ts';

/** The oldest PostgreSQL Margin is meant for: it is tested with 15, and uses nothing newer than 13 has. */
const MIN_SERVER_VERSION = 130_000;

function connectHint(code: string | undefined): string {
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'CONNECT_TIMEOUT') {
    return 'start PostgreSQL there, or check the host and port in --database / MARGIN_DATABASE_URL';
  }
  if (code === '3D000') return 'create the database first, for example: createdb margin';
  if (code === '28P01' || code === '28000') return 'check the user and password in the URL';
  return 'check --database / MARGIN_DATABASE_URL and that this user may connect';
}

/** Connect, the server's version, Margin's migrations and the sequence counter; reads only. */
export async function postgresChecks(url: string): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const sql = connectPostgres(url, { max: 1, connectTimeoutSeconds: 10 });
  try {
    let versionNumber: number;
    let versionText: string;
    try {
      const [row] = await sql<{ num: string; text: string }[]>`
        SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text`;
      versionNumber = Number(row?.num);
      versionText = row?.text ?? '?';
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      checks.push(
        check(
          'postgres.connect',
          'Connects',
          'fail',
          `${describePostgresUrl(url)}: ${message ?? String(error)}`,
          connectHint(code),
        ),
      );
      return checks;
    }
    checks.push(check('postgres.connect', 'Connects', 'ok', describePostgresUrl(url)));
    checks.push(
      versionNumber >= MIN_SERVER_VERSION
        ? check('postgres.version', 'Server version', 'ok', `PostgreSQL ${versionText}`)
        : check(
            'postgres.version',
            'Server version',
            'warn',
            `PostgreSQL ${versionText}, older than 13`,
            'upgrade PostgreSQL (Margin is tested with 15)',
          ),
    );
    const [table] = await sql<{ exists: boolean }[]>`SELECT to_regclass('schema_migrations') IS NOT NULL AS exists`;
    if (!table?.exists) {
      checks.push(
        check(
          'postgres.migrations',
          'Schema version',
          'warn',
          'no schema_migrations table: an empty database, Margin has not used it yet',
          'margin serve --database … creates the schema',
        ),
      );
      return checks;
    }
    const rows = await sql<{ version: number }[]>`SELECT version FROM schema_migrations ORDER BY version`;
    const versions = rows.map((row) => row.version);
    const current = versions.at(-1) ?? 0;
    const missing = Array.from({ length: current }, (_, index) => index + 1).filter((v) => !versions.includes(v));
    if (current > PG_LATEST_VERSION) {
      checks.push(
        check(
          'postgres.migrations',
          'Schema version',
          'fail',
          `version ${current}, newer than this Margin understands (${PG_LATEST_VERSION})`,
          'upgrade Margin to the version that wrote it (or newer); this Margin refuses to open it, so nothing is damaged',
        ),
      );
      return checks;
    }
    if (missing.length > 0) {
      checks.push(
        check(
          'postgres.migrations',
          'Schema version',
          'fail',
          `version ${current}, but migrations ${missing.join(', ')} are not recorded in schema_migrations`,
          'someone edited schema_migrations by hand: restore the database from your last pg_dump',
        ),
      );
      return checks;
    }
    checks.push(
      current < PG_LATEST_VERSION
        ? check(
            'postgres.migrations',
            'Schema version',
            'warn',
            `version ${current}; this Margin is at ${PG_LATEST_VERSION} and upgrades it at the next start`,
            'take a pg_dump before the upgrade (an older Margin cannot open the upgraded database)',
          )
        : check('postgres.migrations', 'Schema version', 'ok', `version ${current} (current)`),
    );
    const [counter] = await sql<{ ok: boolean }[]>`
      SELECT coalesce(max(seq), 0) <= (SELECT last_seq FROM sync_sequence) AS ok
      FROM (SELECT seq FROM annotations UNION ALL SELECT seq FROM comparisons) s`;
    checks.push(
      counter?.ok
        ? check('postgres.integrity', 'Integrity', 'ok', 'every stored sequence number is at or below the counter')
        : check(
            'postgres.integrity',
            'Integrity',
            'fail',
            'a stored sequence number is above the sequence counter: new changes could be skipped by sync',
            'restore from your last pg_dump, or set sync_sequence.last_seq to the largest stored seq with the companion stopped',
          ),
    );
    return checks;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
