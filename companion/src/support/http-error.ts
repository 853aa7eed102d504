import type { z } from 'zod';
import { type ApiError, type ApiIssue, toApiIssues } from '../../../shared/index.ts';

/** An error the client caused, answered with its status and the shared error shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: ApiIssue[],
  ) {
    super(message);
  }

  toBody(): ApiError {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}

/** Parses `value` with `schema`, or throws a 400 that lists every invalid field by path. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpError(400, 'invalid_request', `The ${what} is invalid; see issues.`, toApiIssues(result.error));
  }
  return result.data;
}
