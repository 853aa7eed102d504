/** Characters gathered before they are handed to a Blob: about 2 MB of UTF-16 in the heap at a time. */
const CHUNK_CHARS = 1 << 20;

/**
 * A text file built from many small pieces without holding the whole file in the JavaScript heap:
 * every megabyte of pieces becomes a Blob, whose bytes the browser keeps outside the heap (and on disk
 * when large), and the file is a Blob of those Blobs. A popup download of 100,000 annotations grew the
 * heap by the size of the file when it was an array of strings (issue 17, docs/benchmarks.md).
 */
export class ChunkedText {
  private readonly parts: Blob[] = [];
  private pending: string[] = [];
  private pendingChars = 0;

  append(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= CHUNK_CHARS) this.flush();
  }

  /** The whole text so far, as one Blob of `type`. */
  toBlob(type: string): Blob {
    this.flush();
    return new Blob(this.parts, { type });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.parts.push(new Blob(this.pending));
    this.pending = [];
    this.pendingChars = 0;
  }
}
