import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicFile } from '../../companion/src/dataset/export-files.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * AtomicFile encodes text into 1 MB blocks and writes one block while the next fills: whatever the
 * mix of small lines, multi-byte text, lines larger than a block and raw bytes, the file must hold
 * exactly what was appended, in order.
 */
describe('AtomicFile', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ path: dir, remove } = await makeTempDir('atomic-file'));
  });
  afterEach(() => remove());

  it('writes exactly the appended text and bytes, in order, across blocks', async () => {
    const path = join(dir, 'out.jsonl');
    const file = new AtomicFile(path);
    await file.open();
    const expected: Buffer[] = [];
    const text = (piece: string) => {
      expected.push(Buffer.from(piece));
      return file.append(piece);
    };
    let flushes = 0;
    for (let i = 0; i < 40_000; i++) {
      // ASCII, two-, three- and four-byte UTF-8 (a surrogate pair), so a line may straddle a block's end.
      const line = `{"n":${i},"text":"caf\u00e9 \u6f22\u5b57 \ud83d\ude00 ${'x'.repeat(i % 97)}"}\n`;
      if (text(line)) {
        flushes += 1;
        await file.flush();
      }
      if (i === 20_000) {
        // Larger than a block: goes out after what is buffered, before anything appended later.
        text(`${'\u00e9'.repeat(700_000)}\n`);
        text('after the large line\n');
        await file.flush();
        const bytes = Uint8Array.from([0, 1, 2, 255]);
        expected.push(Buffer.from(bytes));
        await file.writeBytes(bytes);
      }
    }
    text('last line, never flushed by the caller\n');
    await file.finish();
    expect(readdirSync(dir)).not.toContain('out.jsonl'); // only the temporary file until commit
    await file.commit();
    expect(flushes).toBeGreaterThan(1);
    expect(readFileSync(path).equals(Buffer.concat(expected))).toBe(true);
  });

  it('leaves no file when discarded after blocks were written', async () => {
    const path = join(dir, 'out.jsonl');
    const file = new AtomicFile(path);
    await file.open();
    for (let i = 0; i < 50_000; i++) if (file.append(`${'y'.repeat(60)}\n`)) await file.flush();
    await file.discard();
    expect(readdirSync(dir)).toEqual([]);
  });
});
