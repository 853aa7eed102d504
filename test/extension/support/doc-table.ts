import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const CAPTURE_DOC = fileURLToPath(new URL('../../../docs/capture.md', import.meta.url));

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** `table` with its columns padded as the formatter (Biome) lays out a markdown table. */
function padded(table: string): string {
  const rows = table.split('\n').map(cells);
  const widths = (rows[0] ?? []).map((_, column) => Math.max(3, ...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) => {
      const separator = row.every((cell) => /^-+$/.test(cell));
      const laid = widths.map((width, column) => (separator ? '-'.repeat(width) : (row[column] ?? '').padEnd(width)));
      return `| ${laid.join(' | ')} |`;
    })
    .join('\n');
}

/** A table's content, whatever its padding: what the comparison looks at. */
function normalized(table: string): string {
  return table
    .split('\n')
    .map((line) =>
      cells(line)
        .map((cell) => (/^-+$/.test(cell) ? '---' : cell))
        .join('|'),
    )
    .join('\n');
}

/**
 * Keeps a measured table in docs/capture.md (between `<!-- table:NAME -->` and `<!-- /table:NAME -->`)
 * equal to what the test measured: with MARGIN_WRITE_DOCS=1 it writes it there (padded as the
 * formatter wants it), otherwise a stale table fails the test and says how to refresh it.
 */
export function syncDocTable(name: string, table: string): void {
  const start = `<!-- table:${name} -->`;
  const end = `<!-- /table:${name} -->`;
  const doc = readFileSync(CAPTURE_DOC, 'utf8');
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/capture.md has no ${start} … ${end} block for this table`);
  if (process.env.MARGIN_WRITE_DOCS === '1') {
    writeFileSync(CAPTURE_DOC, `${doc.slice(0, from + start.length)}\n${padded(table)}\n${doc.slice(to)}`);
    return;
  }
  const kept = doc.slice(from + start.length, to).trim();
  expect(normalized(kept), `docs/capture.md's "${name}" table is stale: rerun this test with MARGIN_WRITE_DOCS=1`).toBe(
    normalized(table),
  );
}
