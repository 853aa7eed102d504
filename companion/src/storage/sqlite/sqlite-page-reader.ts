import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Rows the worker joins into one message: one `JSON.parse` and one copy between threads per page. */
const ROWS_PER_PAGE = 128;
/** A page is also sent once its bodies reach this many characters, so a page of huge bodies stays small. */
const PAGE_CHARS = 4 << 20;
/** Pages the worker may run ahead of the reader: bounds memory (a few MB) when the reader is slower. */
const PAGES_AHEAD = 8;
/**
 * The worker's heap holds a page or two of strings: a small young generation keeps its resident memory
 * (which counts against the export's peak RSS) near that; the old generation's bound is far above the
 * largest page (PAGE_CHARS plus one body of the largest allowed size, joined once).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 };

/**
 * The worker's code, plain JavaScript evaluated as is (no TypeScript loader runs in a worker, in the
 * repository or in the published package). It steps the statement on a read connection of its own and
 * posts each page as one JSON array text (the stored bodies joined), waiting on a shared counter while
 * PAGES_AHEAD pages are still untaken.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const ahead = new Int32Array(workerData.ahead);
let db;
try {
  db = new Database(workerData.path, { readonly: true, fileMustExist: true });
  let page = [];
  let chars = 0;
  const send = () => {
    let untaken;
    while ((untaken = Atomics.load(ahead, 0)) >= workerData.pagesAhead) Atomics.wait(ahead, 0, untaken);
    Atomics.add(ahead, 0, 1);
    parentPort.postMessage('[' + page.join(',') + ']');
    page = [];
    chars = 0;
  };
  for (const body of db.prepare(workerData.sql).pluck().iterate()) {
    page.push(body);
    chars += body.length;
    if (page.length === workerData.rowsPerPage || chars >= workerData.pageChars) send();
  }
  if (page.length > 0) send();
  parentPort.postMessage({ done: true });
} catch (error) {
  parentPort.postMessage({ error: String(error && error.message ? error.message : error), code: error && error.code });
} finally {
  if (db) db.close();
}
`;

type Message = string | { done: true } | { error: string; code?: string };

/**
 * Pages of the rows of `sql` (a query of one `body` column) from the database at `path`, parsed. The
 * stepping runs on a worker thread, so reading SQLite and parsing the bodies use two cores; the order
 * is the statement's and the read is one snapshot, as on the store's own connection. `track` hears the
 * running worker (so the store's close() can stop it) and hears it gone. Leaving the loop early stops
 * the worker.
 */
export async function* workerPages<T>(
  path: string,
  sql: string,
  track: { add(stop: () => void): void; delete(stop: () => void): void },
): AsyncGenerator<T[], void, undefined> {
  const ahead = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    resourceLimits: WORKER_LIMITS,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path,
      sql,
      rowsPerPage: ROWS_PER_PAGE,
      pageChars: PAGE_CHARS,
      pagesAhead: PAGES_AHEAD,
      ahead: ahead.buffer,
    },
  });
  const stop = () => void worker.terminate();
  track.add(stop);
  const inbox: Message[] = [];
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (message: Message) => {
    inbox.push(message);
    notify();
  });
  worker.on('error', (error) => {
    failure = error;
    notify();
  });
  worker.on('exit', () => {
    exited = true;
    notify();
  });
  try {
    for (;;) {
      const message = inbox.shift();
      if (message === undefined) {
        if (failure) throw failure;
        if (exited) throw new Error('the SQLite reader stopped before the end of the rows');
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      if (typeof message === 'string') {
        Atomics.sub(ahead, 0, 1);
        Atomics.notify(ahead, 0);
        yield JSON.parse(message) as T[];
      } else if ('done' in message) {
        return;
      } else {
        throw Object.assign(new Error(message.error), message.code ? { code: message.code } : {});
      }
    }
  } finally {
    track.delete(stop);
    await worker.terminate();
  }
}
