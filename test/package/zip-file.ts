import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import yauzl from 'yauzl';

/** Every file of a zip, by its path inside, with its bytes. */
export function readZip(path: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error(`cannot open ${path}`));
      const files = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(files));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

/** Writes a zip's files under `dir`, as a store or a reviewer unpacks it. */
export async function extractZip(path: string, dir: string): Promise<Map<string, Buffer>> {
  const files = await readZip(path);
  for (const [name, bytes] of files) {
    const target = join(dir, name);
    if (!target.startsWith(dir)) throw new Error(`zip entry escapes the folder: ${name}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
  return files;
}
