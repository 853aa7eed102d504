import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RestoreChunk, RestoreResponse } from '../../../shared/index.ts';
import type { SyncStore } from '../storage/store.ts';
import { HttpError } from '../support/http-error.ts';
import { checkImportLines, stagedChanges } from './import-annotations.ts';

/** A restore nobody sent a chunk of for this long is dropped with its staged file. */
const IDLE_MS = 60 * 60 * 1000;
const MAX_PROBLEMS = 100;

interface Upload {
  path: string;
  nextLine: number;
  rejected: number;
  foreign: { reported: number };
  touchedAt: number;
}

/**
 * The dashboard's chunked restore, all or nothing. Each chunk is checked and its lines appended to a
 * staging file under the data directory (so a large backup is never held in memory); the last chunk
 * applies the staged file in one transaction when no line anywhere was rejected. A bad line, a restore
 * left unfinished (tab closed, companion killed) or a full disk leaves the store exactly as it was.
 * Staging is per process: a team running several companions on one database needs its restore's
 * chunks to reach the same one (or `margin import` on the server).
 */
export class RestoreStaging {
  readonly #dir: string;
  readonly #uploads = new Map<string, Upload>();
  readonly #clock: () => Date;

  constructor(dir: string, clock: () => Date) {
    this.#dir = dir;
    this.#clock = clock;
  }

  async receive(chunk: RestoreChunk, store: SyncStore, deviceId: string): Promise<RestoreResponse> {
    const upload = this.#uploadFor(chunk);
    const problems: string[] = [];
    const report = (problem: string) => {
      if (problems.length < MAX_PROBLEMS) problems.push(problem);
    };
    // A line break inside a "line" would shift every later line number of the staged file.
    const broken = chunk.lines.findIndex((line) => /[\r\n]/.test(line));
    const counts =
      broken >= 0
        ? { lines: chunk.lines.length, rejected: 1 }
        : await checkImportLines(chunk.lines, report, chunk.firstLine, upload.foreign);
    if (broken >= 0) report(`line ${chunk.firstLine + broken}: holds a line break; send each line on its own`);
    upload.rejected += counts.rejected;
    upload.nextLine += chunk.lines.length;
    const nothing = { ...counts, problems, stored: false, accepted: 0, unchanged: 0, superseded: 0 };
    try {
      // Once a line is rejected nothing will be stored: the rest is only checked, to report every problem.
      if (upload.rejected === 0 && chunk.lines.length > 0)
        await appendFile(upload.path, `${chunk.lines.join('\n')}\n`, 'utf8');
      if (!chunk.last) return nothing;
      if (upload.rejected > 0) {
        report(`nothing was restored: ${upload.rejected} line(s) rejected; fix them and restore again`);
        return nothing;
      }
      const applied = await store.applyAllChanges(stagedChanges(upload.path, deviceId, this.#clock().toISOString()));
      return { ...counts, problems, stored: true, ...applied };
    } catch (error) {
      this.#drop(chunk.upload);
      throw error;
    } finally {
      if (chunk.last) this.#drop(chunk.upload);
    }
  }

  #uploadFor(chunk: RestoreChunk): Upload {
    const now = this.#clock().getTime();
    if (chunk.firstLine === 1) {
      this.#sweep(now);
      const upload: Upload = {
        path: join(this.#dir, `${chunk.upload}.jsonl`),
        nextLine: 1,
        rejected: 0,
        foreign: { reported: 0 },
        touchedAt: now,
      };
      writeFileSync(upload.path, ''); // present from the start: an empty restore applies an empty file
      this.#uploads.set(chunk.upload, upload);
      return upload;
    }
    const upload = this.#uploads.get(chunk.upload);
    if (upload === undefined)
      throw new HttpError(
        409,
        'restore_unknown',
        'This restore is not known here (the companion restarted, or the restore ended or sat idle for an hour). Nothing of it was stored: start the restore again.',
      );
    if (chunk.firstLine !== upload.nextLine) {
      this.#drop(chunk.upload);
      throw new HttpError(
        409,
        'restore_out_of_order',
        `This chunk starts at line ${chunk.firstLine}, but the restore was at line ${upload.nextLine}. Nothing of it was stored: start the restore again.`,
      );
    }
    upload.touchedAt = now;
    return upload;
  }

  /** Drops idle restores, and staged files no restore of this process owns (left by a killed companion). */
  #sweep(now: number): void {
    for (const [id, upload] of this.#uploads) if (now - upload.touchedAt > IDLE_MS) this.#drop(id);
    mkdirSync(this.#dir, { recursive: true });
    const owned = new Set([...this.#uploads.values()].map((upload) => upload.path));
    for (const name of readdirSync(this.#dir)) {
      const path = join(this.#dir, name);
      if (!owned.has(path)) rmSync(path, { force: true });
    }
  }

  #drop(id: string): void {
    const upload = this.#uploads.get(id);
    if (upload === undefined) return;
    this.#uploads.delete(id);
    rmSync(upload.path, { force: true });
  }
}
