import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { constants, crc32, createDeflateRaw } from 'node:zlib';

interface Written {
  name: Buffer;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
  method: number;
}

const DATA_DESCRIPTOR = 0x08;
const UTF8_NAMES = 0x800;
/** 1 Jan 2026, 00:00, as DOS time and date. */
const DOS_TIME = 0;
const DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1;

/**
 * A small streaming ZIP writer (deflate or stored entries, data descriptors, no ZIP64), enough to
 * build test exports and the import benchmark's 1 GB archive without holding an entry in memory.
 */
export class ZipWriter {
  readonly #out: WriteStream;
  readonly #entries: Written[] = [];
  #offset = 0;

  constructor(path: string) {
    this.#out = createWriteStream(path);
  }

  async #write(buffer: Buffer): Promise<void> {
    this.#offset += buffer.length;
    if (!this.#out.write(buffer)) await once(this.#out, 'drain');
  }

  /** Adds one entry from chunks of data; `store` keeps it uncompressed (already-compressed assets). */
  async add(name: string, chunks: AsyncIterable<Buffer> | Iterable<Buffer>, store = false): Promise<void> {
    const nameBytes = Buffer.from(name, 'utf8');
    const method = store ? 0 : 8;
    const offset = this.#offset;
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(DATA_DESCRIPTOR | UTF8_NAMES, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt16LE(DOS_TIME, 10);
    header.writeUInt16LE(DOS_DATE, 12);
    header.writeUInt16LE(nameBytes.length, 26);
    await this.#write(Buffer.concat([header, nameBytes]));
    let crc = 0;
    let size = 0;
    let compressed = 0;
    if (store) {
      for await (const chunk of chunks) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        compressed += chunk.length;
        await this.#write(chunk);
      }
    } else {
      const deflate = createDeflateRaw({ level: constants.Z_BEST_SPEED });
      const drained = (async () => {
        for await (const out of deflate) {
          compressed += (out as Buffer).length;
          await this.#write(out as Buffer);
        }
      })();
      for await (const chunk of chunks) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        if (!deflate.write(chunk)) await once(deflate, 'drain');
      }
      deflate.end();
      await drained;
    }
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    descriptor.writeUInt32LE(compressed, 8);
    descriptor.writeUInt32LE(size, 12);
    await this.#write(descriptor);
    this.#entries.push({ name: nameBytes, crc: crc >>> 0, compressed, size, offset, method });
  }

  /** Writes the central directory and closes the file; returns the archive's size. */
  async close(): Promise<number> {
    const start = this.#offset;
    for (const entry of this.#entries) {
      const record = Buffer.alloc(46);
      record.writeUInt32LE(0x02014b50, 0);
      record.writeUInt16LE(20, 4);
      record.writeUInt16LE(20, 6);
      record.writeUInt16LE(DATA_DESCRIPTOR | UTF8_NAMES, 8);
      record.writeUInt16LE(entry.method, 10);
      record.writeUInt16LE(DOS_TIME, 12);
      record.writeUInt16LE(DOS_DATE, 14);
      record.writeUInt32LE(entry.crc, 16);
      record.writeUInt32LE(entry.compressed, 20);
      record.writeUInt32LE(entry.size, 24);
      record.writeUInt16LE(entry.name.length, 28);
      record.writeUInt32LE(entry.offset, 42);
      await this.#write(Buffer.concat([record, entry.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.#entries.length, 8);
    end.writeUInt16LE(this.#entries.length, 10);
    end.writeUInt32LE(this.#offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.#write(end);
    const size = this.#offset;
    this.#out.end();
    await once(this.#out, 'finish');
    return size;
  }
}
