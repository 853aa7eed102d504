/**
 * Errors that mean "the database cannot be reached right now", not "this request is wrong" nor "the
 * companion is broken": PostgreSQL stopped, restarting or refusing connections, or a SQLite file held
 * locked past the busy timeout. The companion answers them 503 with a Retry-After, and the client's
 * outbox keeps its records for the retry; the PostgreSQL pool reconnects by itself once it is back.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  // postgres.js: a connection that closed, ended or never opened.
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // SQLite: another process holds the file locked past busy_timeout.
  'SQLITE_BUSY',
]);

/** SQLSTATE classes and codes that describe the server, not the statement. */
const SERVER_STATES = /^(08...|57P0[1-4]|53300|53100)$/;

/** Seconds a client should wait before retrying. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current !== null && typeof current === 'object' && depth < 5; depth++) {
    const { code, errno } = current as { code?: unknown; errno?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_STATES.test(code))) return true;
    if (typeof errno === 'string' && NETWORK_CODES.has(errno)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
