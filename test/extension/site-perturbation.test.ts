import { describe, expect, it } from 'vitest';
import { captureResponse, type ResponseCapture } from '../../extension/src/capture/capture-response.ts';
import type { SiteAdapter } from '../../extension/src/sites/define-site-adapter.ts';
import { siteAdapters } from '../../extension/src/sites/index.ts';
import { loadSiteFixtures, parseFixture, type SiteFixture } from './site-fixtures.ts';
import { syncDocTable } from './support/doc-table.ts';
import { DRIFTS } from './support/drifts.ts';
import { settledHealth } from './support/static-health.ts';

/**
 * Every adapter on every one of its fixtures, through every drift of support/drifts.ts. A drift may
 * leave the capture as it was ("same"), or make it fail loudly: the health check reports a problem and
 * nothing wrong is captured ("loud"). It may never capture something else than the fixture's expected
 * text, nor capture less while the health check stays quiet ("silent": the test fails). The table of
 * what each adapter survives is printed and kept in docs/capture.md.
 */
type Verdict = 'same' | 'loud' | 'silent' | 'n/a';

/** What the page lets a person annotate: every finished response's capture, in page order. */
function captures(adapter: SiteAdapter, doc: Document, url: string): ResponseCapture[] {
  return adapter
    .turns(doc)
    .filter((turn) => turn.role === 'assistant')
    .flatMap((turn) => captureResponse(adapter, doc, url, turn.element) ?? []);
}

function judge(adapter: SiteAdapter, fixture: SiteFixture, drift: (typeof DRIFTS)[number]): [Verdict, string] {
  const { document: pristine } = parseFixture(fixture);
  const url = fixture.expected.url;
  const expected = captures(adapter, pristine, url).map((capture) => JSON.stringify(capture));
  const { document } = parseFixture(fixture);
  if (!drift.apply(document, adapter)) return ['n/a', ''];
  const seen = captures(adapter, document, url).map((capture) => JSON.stringify(capture));
  const wrong = seen.filter((capture) => !expected.includes(capture));
  if (wrong.length > 0) return ['silent', `captured something else: ${wrong[0]?.slice(0, 400)}`];
  if (seen.length === expected.length) return ['same', ''];
  const problem = settledHealth(adapter, document, url);
  if (problem) return ['loud', problem.message];
  return ['silent', `${expected.length - seen.length} of ${expected.length} responses lost, health check quiet`];
}

interface Row {
  site: string;
  cells: Map<string, Verdict[]>;
}

const KINDS = [...new Set(DRIFTS.map((drift) => drift.kind))];

function cell(verdicts: Verdict[]): string {
  const counted = verdicts.filter((verdict) => verdict !== 'n/a');
  if (counted.length === 0) return 'n/a';
  const same = counted.filter((verdict) => verdict === 'same').length;
  const loud = counted.filter((verdict) => verdict === 'loud').length;
  const silent = counted.length - same - loud;
  if (same === counted.length) return `same (${same})`;
  return [same && `${same} same`, loud && `${loud} loud`, silent && `${silent} SILENT`].filter(Boolean).join(', ');
}

function table(rows: Row[]): string {
  return [
    `| Adapter | ${KINDS.join(' | ')} |`,
    `| --- | ${KINDS.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.site} | ${KINDS.map((kind) => cell(row.cells.get(kind) ?? [])).join(' | ')} |`),
  ].join('\n');
}

const rows: Row[] = [];

describe.each(siteAdapters.map((adapter) => [adapter.id, adapter] as const))('%s under drift', (id, adapter) => {
  it('captures the same, or fails loudly through the health check, never something else', () => {
    const row: Row = { site: id, cells: new Map() };
    const silent: string[] = [];
    for (const fixture of loadSiteFixtures(id)) {
      for (const drift of DRIFTS) {
        const [verdict, detail] = judge(adapter, fixture, drift);
        row.cells.set(drift.kind, [...(row.cells.get(drift.kind) ?? []), verdict]);
        if (verdict === 'silent') silent.push(`${fixture.name}, ${drift.kind} ${drift.name}: ${detail}`);
      }
    }
    rows.push(row);
    expect(silent).toEqual([]);
  }, 300_000);
});

describe('the drift table', () => {
  it('is printed and kept in docs/capture.md', () => {
    expect(rows).toHaveLength(siteAdapters.length);
    const text = table(rows);
    console.log(
      `\nWhat each adapter survives (same: capture unchanged; loud: the health check reports it):\n${text}\n`,
    );
    syncDocTable('drift', text);
  });
});
