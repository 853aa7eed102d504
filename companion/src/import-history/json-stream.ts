import type { Readable } from 'node:stream';
import { Tokenizer, TokenParser } from '@streamparser/json';
import { ImportError, type InputPlace, messageOf } from './import-error.ts';

export interface JsonStreamOptions {
  /** The file and entry, for error messages. */
  file: string;
  entry: string;
  /**
   * Where the elements are when the document is an object rather than an array, given the object's
   * first key: `$.conversations.*` for `{ "conversations": [...] }`, `$` for a document that is itself
   * one element.
   */
  objectPath: string | ((firstKey: string | null) => string);
  /** Called with the size of each chunk read (progress). */
  onBytes?: (bytes: number) => void;
}

/** Counts lines as bytes go by, so an error's byte offset can be told as line and column. */
class PlaceCounter {
  #line = 1;
  /** Absolute offset of the byte after the last newline seen before the current chunk. */
  #lineStart = 0;
  #chunkStart = 0;
  #chunk: Uint8Array = new Uint8Array();

  begin(chunk: Uint8Array): void {
    this.#chunk = chunk;
  }

  end(): void {
    const chunk = this.#chunk;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
      this.#line += 1;
      this.#lineStart = this.#chunkStart + i + 1;
    }
    this.#chunkStart += chunk.length;
    this.#chunk = new Uint8Array();
  }

  /** The place of absolute byte `offset` (inside the current chunk or before it). */
  at(offset: number): InputPlace {
    let line = this.#line;
    let lineStart = this.#lineStart;
    const chunk = this.#chunk;
    const upTo = Math.min(Math.max(offset - this.#chunkStart, 0), chunk.length);
    for (let i = chunk.indexOf(10); i !== -1 && i < upTo; i = chunk.indexOf(10, i + 1)) {
      line += 1;
      lineStart = this.#chunkStart + i + 1;
    }
    return { byte: offset, line, column: offset - lineStart + 1 };
  }

  get bytes(): number {
    return this.#chunkStart + this.#chunk.length;
  }
}

const WHITESPACE = new Set([0x20, 0x0a, 0x0d, 0x09, 0xef, 0xbb, 0xbf]);

/**
 * Streams the elements of a JSON document one at a time: each element of a top-level array, or the
 * values at `objectPath` when the document is an object. Only the element being read is in memory,
 * so a 2 GB `conversations.json` parses in flat memory. Syntax errors become an ImportError with the
 * byte offset, line and column.
 */
export async function* streamJsonElements(stream: Readable, options: JsonStreamOptions): AsyncGenerator<unknown> {
  const places = new PlaceCounter();
  const fail = (problem: string, offset: number): never => {
    throw new ImportError(options.file, problem, options.entry, places.at(offset));
  };
  const ready: unknown[] = [];
  let tokenizer: Tokenizer | undefined;
  let parser: TokenParser | undefined;
  let lastTokenOffset = 0;

  function start(chunk: Uint8Array, at: number, offset: number): Tokenizer {
    const first = chunk[at];
    if (first !== 0x5b && first !== 0x7b) {
      fail('not JSON of the expected shape: expected an array or an object', offset);
    }
    let path = '$.*';
    if (first === 0x7b) {
      const head = Buffer.from(chunk.subarray(at, at + 4096)).toString('utf8');
      const key = /^\{\s*"((?:[^"\\]|\\.)*)"/.exec(head)?.[1] ?? null;
      path = typeof options.objectPath === 'string' ? options.objectPath : options.objectPath(key);
    }
    const tokens = new TokenParser({ paths: [path], keepStack: false });
    tokens.onValue = ({ value }) => {
      ready.push(value);
    };
    tokens.onError = (error) => {
      throw error;
    };
    parser = tokens;
    const created = new Tokenizer();
    created.onToken = (token) => {
      lastTokenOffset = token.offset;
      tokens.write(token);
    };
    created.onError = (error) => {
      throw error;
    };
    return created;
  }

  try {
    for await (const data of stream) {
      const chunk = data as Uint8Array;
      options.onBytes?.(chunk.length);
      places.begin(chunk);
      if (!tokenizer) {
        let i = 0;
        while (i < chunk.length && WHITESPACE.has(chunk[i] as number)) i += 1;
        if (i < chunk.length) tokenizer = start(chunk, i, places.bytes - chunk.length + i);
      }
      let problem: ImportError | undefined;
      if (tokenizer) {
        try {
          tokenizer.write(chunk);
        } catch (error) {
          const offset = positionIn(error) ?? lastTokenOffset;
          problem = new ImportError(options.file, syntaxProblem(error), options.entry, places.at(offset));
        }
      }
      // The elements completed before a syntax error are whole: hand them out first.
      while (ready.length > 0) yield ready.shift();
      if (problem) throw problem;
      places.end();
    }
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(options.file, `cannot read it (${messageOf(error)})`, options.entry);
  }
  if (!tokenizer) throw new ImportError(options.file, 'it is empty: no JSON in it', options.entry);
  try {
    tokenizer.end();
    if (!parser?.isEnded) parser?.end();
  } catch {
    fail('the JSON ends too early (the file is cut off)', places.bytes);
  }
  while (ready.length > 0) yield ready.shift();
}

function positionIn(error: unknown): number | undefined {
  const match = /absolute position "(\d+)"/.exec(messageOf(error));
  return match ? Number(match[1]) : undefined;
}

/** The tokenizer's and token parser's messages, in words. */
function syntaxProblem(error: unknown): string {
  const text = messageOf(error);
  const unexpected = /^Unexpected "(.*)" at chunk position/.exec(text);
  if (unexpected) return `JSON syntax error: unexpected ${JSON.stringify(unexpected[1])}`;
  const token = /^Unexpected (\w+) \((.*)\) in state/.exec(text);
  if (token) return `JSON syntax error: unexpected ${token[2]}`;
  return `JSON syntax error (${text})`;
}
