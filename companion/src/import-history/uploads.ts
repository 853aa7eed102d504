import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImportRun, ImportStart, ImportSummary, Upload } from '../../../shared/index.ts';
import { emptyImportSummary } from '../../../shared/index.ts';
import type { ItemStore } from '../storage/item-store.ts';
import type { SyncStore } from '../storage/store.ts';
import type { Logger } from '../support/logger.ts';
import { silentLogger } from '../support/logger.ts';
import { importHistory } from './run-import.ts';
import { interruptAbandonedRuns, isAbandoned } from './run-lease.ts';

/** Uploads older than this are leftovers of a closed tab: removed when the companion starts. */
const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;

export interface HistoryImportsDeps {
  store: SyncStore;
  items: ItemStore;
  /** Uploads are written to `<dataDir>/uploads` (user-only, like the database). */
  dataDir: string;
  clock?: () => Date;
  logger?: Logger;
}

interface UploadState extends Upload {
  path: string;
  busy: boolean;
}

interface Job {
  controller: AbortController;
  run: ImportRun;
  summary: ImportSummary;
  done: Promise<void>;
}

export type AppendResult = { upload: Upload } | { status: 'not_found' } | { status: 'conflict'; received: number };
export type StartResult = { run: ImportRun } | { status: 'not_found' } | { status: 'incomplete'; received: number };

/** A name to show for an uploaded file: its last path part, without control characters. */
function displayName(fileName: string): string {
  const last = fileName.split(/[\\/]/).at(-1) ?? fileName;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = last.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);
  return clean === '' || clean === '.' || clean === '..' ? 'export' : clean;
}

/**
 * The dashboard's imports: an export arrives in chunks into a file of the data directory (never held
 * in memory), then `importHistory` reads it in the background while the dashboard follows the run.
 */
export class HistoryImports {
  readonly #deps: HistoryImportsDeps;
  readonly #dir: string;
  readonly #uploads = new Map<string, UploadState>();
  readonly #jobs = new Map<string, Job>();
  #cleaned = false;

  constructor(deps: HistoryImportsDeps) {
    this.#deps = deps;
    this.#dir = join(deps.dataDir, 'uploads');
  }

  #clock(): Date {
    return (this.#deps.clock ?? (() => new Date()))();
  }

  async create(fileName: string, size: number): Promise<Upload> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    await this.#removeStale();
    const id = randomUUID();
    // A folder per upload, the file under its own name: the import sees the name it came with.
    const name = displayName(fileName);
    await mkdir(join(this.#dir, id), { mode: 0o700 });
    const path = join(this.#dir, id, name);
    await writeFile(path, '', { mode: 0o600 });
    const upload: UploadState = { id, fileName: name, size, received: 0, path, busy: false };
    this.#uploads.set(id, upload);
    return publicUpload(upload);
  }

  async append(id: string, offset: number, data: Buffer): Promise<AppendResult> {
    const upload = this.#uploads.get(id);
    if (!upload) return { status: 'not_found' };
    if (upload.busy || offset !== upload.received || offset + data.length > upload.size) {
      return { status: 'conflict', received: upload.received };
    }
    upload.busy = true;
    try {
      await appendFile(upload.path, data);
      upload.received += data.length;
    } finally {
      upload.busy = false;
    }
    return { upload: publicUpload(upload) };
  }

  /** Starts importing a complete upload; the upload's file is removed once the import ends. */
  start(id: string, options: ImportStart): StartResult {
    const upload = this.#uploads.get(id);
    if (!upload) return { status: 'not_found' };
    if (upload.busy || upload.received !== upload.size) return { status: 'incomplete', received: upload.received };
    this.#uploads.delete(id);
    const clock = this.#deps.clock ?? (() => new Date());
    const now = clock().toISOString();
    const controller = new AbortController();
    const job: Job = {
      controller,
      summary: emptyImportSummary(),
      run: {
        id: randomUUID(),
        source: options.source,
        file: upload.fileName,
        status: 'running',
        dryRun: options.dryRun,
        startedAt: now,
        updatedAt: now,
        finishedAt: null,
        summary: emptyImportSummary(),
        error: null,
      },
      done: Promise.resolve(),
    };
    job.done = importHistory(
      { store: this.#deps.store, items: this.#deps.items, clock },
      {
        file: upload.path,
        fileName: upload.fileName,
        source: options.source,
        ...(options.since === undefined ? {} : { since: options.since }),
        dryRun: options.dryRun,
        runId: job.run.id,
        signal: controller.signal,
        onProgress: (summary) => {
          job.summary = summary;
        },
      },
    )
      .then(
        () => {},
        (error: unknown) => {
          // Recorded in the run (status failed, with the message); the log keeps the rest.
          (this.#deps.logger ?? silentLogger).warn(`history import ${job.run.id} failed: ${(error as Error).message}`);
        },
      )
      .finally(async () => {
        // The run reads as running until its upload is gone: "done" means nothing is left behind.
        try {
          await rm(dirname(upload.path), { recursive: true, force: true });
        } finally {
          this.#jobs.delete(job.run.id);
        }
      });
    this.#jobs.set(job.run.id, job);
    return { run: job.run };
  }

  /** Marks the runs whose process died (run-lease.ts) as interrupted: on start-up, and as runs are read. */
  async interruptAbandoned(): Promise<number> {
    return interruptAbandonedRuns(this.#deps.items, this.#clock());
  }

  /** A run as it is now: the live counts while it runs in this process, else as stored. */
  async run(id: string): Promise<ImportRun | undefined> {
    const job = this.#jobs.get(id);
    let stored = await this.#deps.items.getRun(id);
    if (!job && stored && isAbandoned(stored, this.#clock())) {
      await this.interruptAbandoned();
      stored = await this.#deps.items.getRun(id);
    }
    if (!job) return stored;
    return { ...(stored ?? job.run), status: 'running', summary: structuredClone(job.summary) };
  }

  async runs(limit: number): Promise<ImportRun[]> {
    let stored = await this.#deps.items.listRuns(limit);
    const now = this.#clock();
    if (stored.some((run) => !this.#jobs.has(run.id) && isAbandoned(run, now))) {
      await this.interruptAbandoned();
      stored = await this.#deps.items.listRuns(limit);
    }
    return Promise.all(stored.map(async (run) => (this.#jobs.has(run.id) ? ((await this.run(run.id)) ?? run) : run)));
  }

  /** Stops the imports in progress after their current batch, and waits for them. */
  async close(): Promise<void> {
    for (const job of this.#jobs.values()) job.controller.abort();
    await Promise.all([...this.#jobs.values()].map((job) => job.done));
    await Promise.all(
      [...this.#uploads.values()].map((upload) => rm(dirname(upload.path), { recursive: true, force: true })),
    );
    this.#uploads.clear();
  }

  async #removeStale(): Promise<void> {
    if (this.#cleaned) return;
    this.#cleaned = true;
    const now = Date.now();
    for (const name of await readdir(this.#dir).catch(() => [] as string[])) {
      const path = join(this.#dir, name);
      const info = await stat(path).catch(() => null);
      if (info && now - info.mtimeMs > STALE_UPLOAD_MS) await rm(path, { recursive: true, force: true });
    }
  }
}

function publicUpload({ id, fileName, size, received }: UploadState): Upload {
  return { id, fileName, size, received };
}
