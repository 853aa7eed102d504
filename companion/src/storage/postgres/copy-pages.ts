import { StringDecoder } from 'node:string_decoder';
import type { Sql } from './connect.ts';

/** Rows per page handed on: the same as SQLite's, so a page dies young (see BATCH_RECORDS in the export engine). */
const ROWS_PER_PAGE = 128;

/** COPY's text format escapes these (and the backslash itself); every other character comes as it is. */
const UNESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** One field of COPY's text format back to its text (a JSON body has a backslash for every escape it holds). */
export function copyTextField(field: string): string {
  return field.includes('\\') ? field.replace(/\\(.)/gs, (_, c: string) => UNESCAPED[c] ?? c) : field;
}

/**
 * Pages of the rows of `query` (one `body` text column, never NULL), parsed, read with
 * `COPY (query) TO STDOUT`: one statement and one snapshot like a cursor, but streamed without a round
 * trip per fetch and without a row object per row. Each page's bodies are joined into one JSON array
 * text and parsed at once. Leaving the loop early ends the stream.
 */
export async function* copyPages<T>(sql: Sql, query: string): AsyncGenerator<T[], void, undefined> {
  const stream = await sql.unsafe(`COPY (${query}) TO STDOUT`).readable();
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let page: string[] = [];
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        page.push(copyTextField(text.slice(start, end)));
        start = end + 1;
        if (page.length === ROWS_PER_PAGE) {
          yield JSON.parse(`[${page.join(',')}]`) as T[];
          page = [];
        }
      }
      rest = text.slice(start);
    }
    if (rest + decoder.end() !== '') throw new Error('COPY ended inside a row');
    if (page.length > 0) yield JSON.parse(`[${page.join(',')}]`) as T[];
  } finally {
    stream.destroy();
  }
}
