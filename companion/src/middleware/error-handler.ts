import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../support/database-unavailable.ts';
import { DISK_FULL_RETRY_AFTER_SECONDS, isDiskFull } from '../support/disk-full.ts';
import { HttpError } from '../support/http-error.ts';
import type { Logger } from '../support/logger.ts';

/** body-parser's error types, mapped to what the client did wrong. */
const BODY_ERRORS: Record<string, HttpError> = {
  'entity.too.large': new HttpError(413, 'payload_too_large', 'The request body is too large; send fewer records.'),
  'entity.parse.failed': new HttpError(400, 'invalid_json', 'The request body is not valid JSON.'),
  'encoding.unsupported': new HttpError(415, 'unsupported_encoding', 'Unsupported Content-Encoding.'),
  'charset.unsupported': new HttpError(415, 'unsupported_charset', 'Send JSON as UTF-8.'),
  'request.aborted': new HttpError(400, 'request_aborted', 'The request was aborted.'),
  'request.size.invalid': new HttpError(400, 'invalid_length', 'The body does not match its Content-Length.'),
};

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new HttpError(404, 'not_found', 'No such route.'));
};

/**
 * The last handler. Whatever went wrong, the client gets `{ error: { code, message, issues? } }` and
 * nothing else: no stack, path, SQL or library name. Unexpected errors are logged here, locally.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    let httpError: HttpError;
    if (error instanceof HttpError) {
      httpError = error;
    } else {
      const type = (error as { type?: unknown } | null)?.type;
      const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
      const status = (error as { status?: unknown } | null)?.status;
      if (known) {
        httpError = known;
      } else if (typeof status === 'number' && status >= 400 && status < 500) {
        // A library (the router, the body parser) marked it the client's doing: never a 500. Its own
        // message may quote the request, so the answer keeps to the status.
        httpError = new HttpError(status, 'bad_request', `The request was refused (HTTP ${status}).`);
      } else if (isDiskFull(error)) {
        // 507 Insufficient Storage: the client keeps the records and retries. The push itself may have
        // committed before a later write (the audit entry) met the full disk, so the answer promises
        // only what is true: a replay is `unchanged`. It names the disk without its path (the log has
        // it), which a remote caller has no business seeing.
        logger.error(`${req.method} ${req.path}: the disk holding the database is full (${describe(error)})`);
        res.setHeader('Retry-After', String(DISK_FULL_RETRY_AFTER_SECONDS));
        httpError = new HttpError(
          507,
          'disk_full',
          "Disk full: the disk holding the companion's database has no space left. Everything acknowledged before is kept, but this request was not acknowledged: free space on that disk (margin doctor shows which) and send it again (a replayed push is never stored twice).",
        );
      } else if (isNulRefused(error)) {
        // PostgreSQL text cannot hold U+0000: a query or body that carries one names nothing stored
        // (the stores write it as U+FFFD). The request's fault: the statement failed, and its transaction with it.
        httpError = new HttpError(
          400,
          'invalid_request',
          'The request holds a NUL character (U+0000, %00), which no id, name, key or text stored by Margin can hold.',
        );
      } else if (isDatabaseUnavailable(error)) {
        // Not the request's fault and nothing half-done: a transaction the outage cut off rolled back.
        logger.warn(`${req.method} ${req.path}: database unavailable (${describe(error)})`);
        res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
        httpError = new HttpError(
          503,
          'database_unavailable',
          `Database unavailable: the companion cannot reach its database right now. Nothing was changed; retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds.`,
        );
      } else {
        logger.error(`${req.method} ${req.path} failed`, error);
        httpError = new HttpError(500, 'internal_error', 'The companion failed to handle this request; see its log.');
      }
    }
    res.status(httpError.status).json(httpError.toBody());
  };
}

function describe(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return [code, message].filter((part) => typeof part === 'string').join(': ');
}

/**
 * PostgreSQL refusing a U+0000 the request carried: "invalid byte sequence for encoding UTF8: 0x00"
 * (22021) in a text parameter, "unsupported Unicode escape sequence" (22P05, `\u0000`) in JSON.
 */
function isNulRefused(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '22P05' || (code === '22021' && String(message).includes('0x00'));
}
