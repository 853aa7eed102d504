import { randomBytes } from 'node:crypto';
import { readdirSync, unlinkSync } from 'node:fs';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type ExportSummary, type ParquetSchema, type SplitName, summaryLine } from '../../../shared/export/index.ts';
import { ParquetRows } from './parquet-rows.ts';

/** Bytes per write: one syscall per block, not per line. */
const BLOCK_BYTES = 1 << 20;
/** A block is handed to the disk once this full, so the next line most likely still fits in it. */
const READY_BYTES = BLOCK_BYTES - (64 << 10);

/**
 * A file that appears at `path` complete or not at all: written to a temporary file in the same
 * directory, fsynced, then renamed over `path` (an atomic replace on POSIX file systems), and the
 * directory fsynced so the rename survives a power cut. Until then any earlier file at `path` stays.
 *
 * Text is encoded straight into a 1 MB block (no joined string to copy first), and a full block is
 * written while the next one fills: the write (a copy into the page cache, on libuv's thread) runs on
 * the other core instead of the export waiting for it.
 */
export class AtomicFile {
  readonly tempPath: string;
  private handle: FileHandle | null = null;
  private block: Buffer | null = null;
  private spare: Buffer | null = null;
  private used = 0;
  /** Text that did not fit in the block; written after it. */
  private overflow: string[] = [];
  private writing: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(readonly path: string) {
    this.tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  }

  async open(): Promise<void> {
    // 0666 less the umask, as any file a tool writes: a training job running as another user must be
    // able to read the dataset. (The token and the database stay 0600.)
    this.handle = await open(this.tempPath, 'wx', 0o666).catch((error) => {
      throw fileError('cannot write', this.path, error);
    });
  }

  /** Buffers text; true when a block is ready for `flush` (one syscall per block, not per line). */
  append(text: string): boolean {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8, so this is sure to fit whole.
    if (this.overflow.length === 0 && text.length * 3 <= BLOCK_BYTES - this.used) {
      this.block ??= Buffer.allocUnsafe(BLOCK_BYTES);
      this.used += this.block.write(text, this.used);
      return this.used >= READY_BYTES;
    }
    this.overflow.push(text);
    return true;
  }

  /** Writes bytes (a Parquet block) after whatever text is buffered. */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    await this.flush();
    await this.settle();
    this.writing = this.write(bytes);
    await this.settle();
  }

  /** Starts writing what is buffered once the previous block is written; resolves when it has started. */
  async flush(): Promise<void> {
    if (!this.handle) throw new Error(`${this.path} is not open`);
    if (this.used === 0 && this.overflow.length === 0) return;
    await this.settle(); // the spare block is free again once its write is done
    if (this.used > 0 && this.block) {
      const full = this.block;
      const bytes = full.subarray(0, this.used);
      this.block = this.spare ?? Buffer.allocUnsafe(BLOCK_BYTES);
      this.spare = full;
      this.used = 0;
      this.writing = this.write(bytes);
    }
    if (this.overflow.length > 0) {
      await this.settle(); // anything appended meanwhile joins the overflow, so the order holds
      const rest = Buffer.from(this.overflow.join(''));
      this.overflow = [];
      this.writing = this.write(rest);
    }
  }

  /** Waits for the block being written; throws its failure. */
  private async settle(): Promise<void> {
    await this.writing;
    this.writing = null;
    if (this.failure) throw this.failure;
  }

  private write(bytes: Uint8Array): Promise<void> {
    const handle = this.handle;
    if (!handle) return Promise.reject(new Error(`${this.path} is not open`));
    return handle.write(bytes).then(
      () => {},
      (error) => {
        this.failure = fileError('writing', this.path, error, 'failed');
      },
    );
  }

  /** Flushes and fsyncs the temporary file; `commit` then puts it in place. */
  async finish(): Promise<void> {
    await this.flush();
    await this.settle();
    try {
      await this.handle?.sync();
      await this.handle?.close();
    } catch (error) {
      throw fileError('writing', this.path, error, 'failed');
    }
    this.handle = null;
  }

  async commit(): Promise<void> {
    await rename(this.tempPath, this.path).catch((error) => {
      throw fileError('cannot replace', this.path, error);
    });
    const dir = await open(dirname(this.path), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }

  /** Removes the temporary file (after a failure); the file at `path` is untouched. */
  async discard(): Promise<void> {
    await this.writing;
    await this.handle?.close().catch(() => {});
    this.handle = null;
    await unlink(this.tempPath).catch(() => {});
  }

  /** For signal handlers, which cannot wait. */
  discardSync(): void {
    try {
      unlinkSync(this.tempPath);
    } catch {
      // already gone
    }
  }
}

/**
 * Temporary files that a killed export (SIGKILL, power cut) left next to `path`: removed when the
 * process that wrote them is gone. They were never renamed, so no finished file depends on them.
 */
export function removeStaleTempFiles(path: string): number {
  const prefix = `.${basename(path)}.`;
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return 0;
  }
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (!match || isRunning(Number(match[1]))) continue;
    try {
      unlinkSync(join(dirname(path), name));
      removed += 1;
    } catch {
      // raced with another cleanup
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of its path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EISDIR: 'it is a folder',
  EEXIST: 'a file of that name appeared meanwhile',
  EIO: 'an input/output error',
};

/**
 * An fs error about a temporary file, told about the file the person asked for: "cannot write
 * out.jsonl: its folder does not exist", never ".out.jsonl.9927.1a2b3c4d.tmp".
 */
export function fileError(action: string, path: string, error: unknown, after = ''): Error {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reason = (code && REASONS[code]) ?? (code ? `${code.toLowerCase()}` : String(error));
  return new Error(`${action} ${path}${after ? ` ${after}` : ''}: ${reason}`, { cause: error });
}

/** Which file each split's lines and sidecar go to; `validation` is null without `--split`. */
export type ExportLayout = Record<SplitName, { lines: string; meta: string } | null>;

/**
 * `--out data.jsonl` (or `.parquet`): the lines there and the sidecar in `data.meta.jsonl`; with a
 * split, `data.train.jsonl`, `data.train.meta.jsonl`, `data.validation.jsonl`, ….
 */
export function exportLayout(out: string, split: boolean, extension: 'jsonl' | 'parquet'): ExportLayout {
  const stem = out.replace(/\.(jsonl|parquet)$/, '');
  if (!split) return { train: { lines: out, meta: `${stem}.meta.jsonl` }, validation: null };
  const part = (name: SplitName) => ({ lines: `${stem}.${name}.${extension}`, meta: `${stem}.${name}.meta.jsonl` });
  return { train: part('train'), validation: part('validation') };
}

/** One file of lines: JSONL text, or Parquet rows written a row group at a time. */
interface LineFile {
  readonly file: AtomicFile;
  /** `value`: the line before it was serialized, when the engine hands it (Parquet rows are built from it). */
  add(line: string, value?: unknown): Promise<void>;
  end(): Promise<void>;
}

function lineFile(path: string, parquet: ParquetSchema | null): LineFile {
  const file = new AtomicFile(path);
  if (parquet === null) {
    return {
      file,
      add: async (line) => {
        if (file.append(line)) await file.flush();
      },
      end: async () => {},
    };
  }
  const rows = new ParquetRows(parquet, (bytes) => file.writeBytes(bytes));
  return { file, add: (line, value) => rows.add(line, value), end: () => rows.finish() };
}

/**
 * Writes the line files (JSONL, or Parquet for `parquet` formats) and sidecars, each through a
 * temporary file, and renames them into place only when all are complete. A failure or signal
 * removes the temporary files; a SIGKILL leaves a temporary file (removed by the next export), never
 * a partial output file.
 */
export async function writeExportFiles(
  layout: ExportLayout,
  parquet: ParquetSchema | null,
  batches: AsyncIterable<{ split: SplitName; line: string; meta: string; value?: unknown }[]>,
  summary: () => ExportSummary,
  onLines: (lines: number) => void,
  /** Runs on the finished summary before any file is put in place; throwing keeps every earlier file. */
  beforeCommit: (summary: ExportSummary) => void = () => {},
): Promise<ExportSummary> {
  const targets: Record<SplitName, { lines: LineFile; meta: AtomicFile } | null> = {
    train: null,
    validation: null,
  };
  for (const split of ['train', 'validation'] as const) {
    const paths = layout[split];
    if (paths) targets[split] = { lines: lineFile(paths.lines, parquet), meta: new AtomicFile(paths.meta) };
  }
  const files = Object.values(targets).flatMap((pair) => (pair ? [pair.lines.file, pair.meta] : []));
  for (const file of files) removeStaleTempFiles(file.path);
  const onSignal = (signal: NodeJS.Signals) => {
    for (const file of files) file.discardSync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const file of files) await file.open();
    let written = 0;
    for await (const batch of batches) {
      for (const record of batch) {
        const target = targets[record.split];
        if (!target) throw new Error(`a ${record.split} line without --split`);
        await target.lines.add(record.line, record.value);
        target.meta.append(record.meta);
      }
      for (const file of files) if (file.append('')) await file.flush();
      written += batch.length;
      onLines(written);
    }
    const result = summary();
    beforeCommit(result);
    for (const pair of Object.values(targets)) {
      await pair?.lines.end();
      pair?.meta.append(summaryLine(result));
    }
    for (const file of files) await file.finish();
    for (const file of files) await file.commit();
    return result;
  } catch (error) {
    await Promise.all(files.map((file) => file.discard()));
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
