import type { RequestHandler } from 'express';
import {
  describeProtocolMismatch,
  PROTOCOL,
  PROTOCOL_HEADER,
  type ProtocolRange,
  UNSUPPORTED_PROTOCOL_CODE,
} from '../../../shared/index.ts';
import { HttpError } from '../support/http-error.ts';

/**
 * Refuses a client that names a protocol this companion does not serve (the extension sends
 * X-Margin-Protocol on every request), before the token or the body is read: the answer says which
 * side to update instead of failing later on a shape one side does not know. A request without the
 * header (the dashboard, `margin/client`, curl) speaks the current protocol by construction.
 */
export function protocolCheck(version: string, served: ProtocolRange = PROTOCOL): RequestHandler {
  const header = PROTOCOL_HEADER.toLowerCase();
  return (req, _res, next) => {
    const raw = req.headers[header];
    if (raw === undefined) return next();
    const client = typeof raw === 'string' && /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) : null;
    if (client === null) {
      return next(
        new HttpError(
          400,
          UNSUPPORTED_PROTOCOL_CODE,
          `${PROTOCOL_HEADER} must be a whole number (this companion serves ${served.oldest} to ${served.current}), got "${String(raw)}".`,
        ),
      );
    }
    const mismatch = describeProtocolMismatch(client, { ...served, version });
    if (mismatch !== null) return next(new HttpError(400, UNSUPPORTED_PROTOCOL_CODE, mismatch));
    next();
  };
}
