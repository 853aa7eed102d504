import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const CAPTURE_DOC = fileURLToPath(new URL('../../../docs/capture.md', import.meta.url));

/**
 * Keeps a measured table in docs/capture.md (between `<!-- table:NAME -->` and `<!-- /table:NAME -->`)
 * equal to what the test measured: with MARGIN_WRITE_DOCS=1 it writes it there, otherwise a stale
 * table fails the test and says how to refresh it.
 */
export function syncDocTable(name: string, table: string): void {
  const start = `<!-- table:${name} -->`;
  const end = `<!-- /table:${name} -->`;
  const doc = readFileSync(CAPTURE_DOC, 'utf8');
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/capture.md has no ${start} … ${end} block for this table`);
  const fresh = `${doc.slice(0, from + start.length)}\n${table}\n${doc.slice(to)}`;
  if (process.env.MARGIN_WRITE_DOCS === '1') {
    writeFileSync(CAPTURE_DOC, fresh);
    return;
  }
  expect(doc, `docs/capture.md's "${name}" table is stale: rerun this test with MARGIN_WRITE_DOCS=1`).toBe(fresh);
}
