import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { API, matchesRoute, type RouteContract } from '../../../shared/index.ts';
import { FairQueue, type FairQueueOptions, type Turn } from '../support/fair-queue.ts';
import { HttpError } from '../support/http-error.ts';

/**
 * Writes of many records in one request: each holds the store's writer for a while (SQLite has one
 * writer, and better-sqlite3 runs a transaction on the event loop; PostgreSQL gives each one a pool
 * connection). Single-record writes (a review decision, an answer) stay out of the line: they are short,
 * and they are what other people are waiting on.
 */
export const BULK_WRITE_ROUTES: readonly RouteContract[] = [
  API.sync.push,
  API.queues.addItems,
  API.history.appendChunk,
];

/**
 * One bulk write at a time for the whole companion on SQLite (its single writer), two on PostgreSQL
 * (its pool keeps the rest of its connections for everyone else's reads); one running per token, and
 * up to four more waiting per token (a client sending a few at once is queued, not refused).
 */
export const DEFAULT_WRITE_FAIRNESS: Record<'sqlite' | 'postgres', FairQueueOptions> = {
  sqlite: { concurrency: 1, perKey: 1, maxWaiting: 4 },
  postgres: { concurrency: 2, perKey: 1, maxWaiting: 4 },
};

/** Seconds a refused client is told to wait: about one other push's time, so it is soon back in line. */
const RETRY_AFTER_SECONDS = 1;

export interface WriteFairness {
  /** Before the body is read: takes a place in line for a bulk write, or answers 429 when the token has all it may. */
  admit: RequestHandler;
  /** After the body is read and before the route: waits for the turn. */
  turn: RequestHandler;
  queue: FairQueue;
}

/**
 * Fair turns for bulk writes (docs/reliability.md, "Limits under load"), per token: a client pushing
 * as fast as it can waits its turn like everyone else, round robin between tokens, instead of holding
 * the writer for a long stretch. Everything else (the dashboard, pulls, long polls, decisions) never
 * waits here. The turn is held until the answer is sent (the batch is committed by then) or the
 * client hangs up; the line is per process, while the per-token rate limit is shared in the database.
 */
export function writeFairness(options: FairQueueOptions): WriteFairness {
  const queue = new FairQueue(options);
  const admit: RequestHandler = (req, res, next) => {
    const token = res.locals.token as string | undefined;
    if (token === undefined || !BULK_WRITE_ROUTES.some((route) => matchesRoute(route, req.method, req.path))) {
      return next();
    }
    const turn = queue.enter(createHash('sha256').update(token).digest('base64url'));
    if (turn === undefined) {
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      // Answered before the body is parsed: Node drains it unread, so the refusal costs no parsing.
      next(
        new HttpError(
          429,
          'too_many_writes',
          `This token already has ${options.perKey + options.maxWaiting} bulk writes running or waiting; ` +
            `send the next once one is answered (retry in ${RETRY_AFTER_SECONDS} s). Nothing of this request was stored.`,
        ),
      );
      return;
    }
    res.locals.writeTurn = turn;
    res.once('close', () => turn.release());
    next();
  };
  const turnHandler: RequestHandler = (_req, res, next) => {
    const turn = res.locals.writeTurn as Turn | undefined;
    if (turn === undefined) return next();
    turn.ready.then(() => {
      // Gone while waiting: its turn is released already (on close), so do no work for nobody.
      if (res.destroyed || res.writableEnded) return;
      next();
    }, next);
  };
  return { admit, turn: turnHandler, queue };
}
