import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

const READ_BYTES = 1024 * 1024;

/**
 * The lines of a text file (UTF-8, `\n` or `\r\n`), read synchronously a MB at a time. Synchronous so
 * a SQLite transaction can consume it without an await in the middle; a piece at a time so memory
 * stays flat whatever the size of the file.
 */
export function* readLinesSync(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(READ_BYTES);
    const decoder = new StringDecoder('utf8');
    let rest = '';
    for (;;) {
      const read = readSync(fd, buffer, 0, READ_BYTES, null);
      const text = rest + (read === 0 ? decoder.end() : decoder.write(buffer.subarray(0, read)));
      const lines = text.split('\n');
      rest = read === 0 ? '' : (lines.pop() ?? '');
      for (const line of read === 0 && lines.at(-1) === '' ? lines.slice(0, -1) : lines)
        yield line.endsWith('\r') ? line.slice(0, -1) : line;
      if (read === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}
