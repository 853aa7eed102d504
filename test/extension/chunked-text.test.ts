import { describe, expect, it } from 'vitest';
import { ChunkedText } from '../../extension/src/export/chunked-text.ts';

describe('ChunkedText (the popup download, built a chunk at a time)', () => {
  it('gives back every piece in order across many chunks, multi-byte characters included', async () => {
    const pieces = Array.from(
      { length: 3_000 },
      (_, index) => `{"n":${index},"text":"${'é🙂x'.repeat(250)}"}\n`, // ~1,000 UTF-16 units each: 3 chunks
    );
    const text = new ChunkedText();
    for (const piece of pieces) text.append(piece);
    const blob = text.toBlob('application/jsonl');
    expect(blob.type).toBe('application/jsonl');
    expect(await blob.text()).toBe(pieces.join(''));
    expect(blob.size).toBe(new TextEncoder().encode(pieces.join('')).length);
  });

  it('is an empty file when nothing was appended, and keeps what was appended after a first toBlob', async () => {
    const text = new ChunkedText();
    expect(await text.toBlob('text/plain').text()).toBe('');
    text.append('a\n');
    expect(await text.toBlob('text/plain').text()).toBe('a\n');
    text.append('b\n');
    expect(await text.toBlob('text/plain').text()).toBe('a\nb\n');
  });
});
