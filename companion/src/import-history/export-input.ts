import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { PassThrough, pipeline } from 'node:stream';
import yauzl from 'yauzl';
import { ImportError, messageOf } from './import-error.ts';

/** How much of a ZIP entry is inflated ahead of the parser. */
const INFLATE_AHEAD_BYTES = 4 * 1024 * 1024;

/** One file of an export: a ZIP entry, or a file on disk. Read as a stream, never whole. */
export interface ExportEntry {
  /** The path inside the export, `/`-separated (`conversations-000.json`, `Takeout/My Activity/…`). */
  name: string;
  /** Bytes once decompressed. */
  size: number;
  open(): Promise<Readable>;
}

/**
 * What the person gave `import-history`: a ZIP as downloaded, the folder it was extracted to, or one
 * JSON file of it. `siblings` are the other files in a single file's folder, so the extracted
 * `conversations.json` still finds its `message_feedback.json`.
 */
export interface ExportInput {
  path: string;
  /** What messages call the file: its path, or the name an upload came with. */
  label: string;
  kind: 'zip' | 'directory' | 'file';
  entries: ExportEntry[];
  siblings: ExportEntry[];
  /** Total bytes of the file (the ZIP's own size for a ZIP). */
  bytes: number;
  close(): Promise<void>;
}

export async function openExportInput(path: string, label = path): Promise<ExportInput> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ImportError(label, `cannot read it (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`);
  }
  if (info.isDirectory()) return openDirectory(path, label);
  if (info.size === 0) throw new ImportError(label, 'the file is empty');
  if (await looksLikeZip(path)) return openZip(path, label, info.size);
  const folder = dirname(path);
  const siblings = (await listFiles(folder, false)).filter((entry) => entry.name !== basename(path));
  return {
    path,
    label,
    kind: 'file',
    entries: [fileEntry(path, basename(path), info.size)],
    siblings,
    bytes: info.size,
    close: async () => {},
  };
}

async function looksLikeZip(path: string): Promise<boolean> {
  const stream = createReadStream(path, { start: 0, end: 3 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const head = Buffer.concat(chunks);
  // "PK\x03\x04" (a local file header) or "PK\x05\x06" (an empty archive).
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5);
}

function fileEntry(path: string, name: string, size: number): ExportEntry {
  return { name, size, open: async () => createReadStream(path, { highWaterMark: 256 * 1024 }) };
}

async function listFiles(folder: string, recursive: boolean): Promise<ExportEntry[]> {
  const dirents = await readdir(folder, { withFileTypes: true, recursive });
  const entries: ExportEntry[] = [];
  for (const dirent of dirents) {
    if (!dirent.isFile()) continue;
    const full = join(dirent.parentPath, dirent.name);
    const { size } = await stat(full);
    entries.push(fileEntry(full, relative(folder, full).split(sep).join('/'), size));
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

async function openDirectory(path: string, label: string): Promise<ExportInput> {
  const entries = await listFiles(path, true);
  return {
    path,
    label,
    kind: 'directory',
    entries,
    siblings: [],
    bytes: entries.reduce((sum, entry) => sum + entry.size, 0),
    close: async () => {},
  };
}

async function openZip(path: string, label: string, bytes: number): Promise<ExportInput> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, opened) => {
      if (error || !opened) {
        reject(
          new ImportError(
            label,
            `not a readable ZIP (${messageOf(error)}); the download may be incomplete: download the export again`,
          ),
        );
      } else resolve(opened);
    });
  });
  const entries = await new Promise<ExportEntry[]>((resolve, reject) => {
    const found: ExportEntry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('/')) found.push(zipEntry(label, zip, entry));
      zip.readEntry();
    });
    zip.once('end', () => resolve(found));
    zip.once('error', (error: unknown) =>
      reject(new ImportError(label, `the archive is damaged (${messageOf(error)})`)),
    );
    zip.readEntry();
  }).catch((error: unknown) => {
    zip.close();
    throw error;
  });
  return {
    path,
    label,
    kind: 'zip',
    entries: entries.sort((a, b) => a.name.localeCompare(b.name)),
    siblings: [],
    bytes,
    close: async () => zip.close(),
  };
}

function zipEntry(label: string, zip: yauzl.ZipFile, entry: yauzl.Entry): ExportEntry {
  return {
    name: entry.fileName,
    size: entry.uncompressedSize,
    open: () =>
      new Promise<Readable>((resolve, reject) => {
        if (entry.isEncrypted()) {
          reject(new ImportError(label, 'the entry is encrypted; export it again without a password', entry.fileName));
          return;
        }
        zip.openReadStream(entry, (error, stream) => {
          if (error || !stream) {
            reject(new ImportError(label, `the archive is damaged (${messageOf(error)})`, entry.fileName));
            return;
          }
          // Inflating goes on in the thread pool while the importer stores a batch: a few MB of
          // look-ahead instead of zlib's 16 KB, also read back as fewer, larger chunks.
          const ahead = new PassThrough({ highWaterMark: INFLATE_AHEAD_BYTES });
          pipeline(stream, ahead, () => {}); // an inflate error reaches the reader through `ahead`
          resolve(ahead);
        });
      }),
  };
}
