import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { annotationSource, EXPORT_SOURCES, summaryLine } from '../../../shared/export/index.ts';
import { annotationSchema, EXPORT_FORMATS } from '../../../shared/index.ts';
import { runExport } from './export-helpers.ts';
import { annotations } from './fixture.ts';
import { validateExport } from './validators.ts';

const goldenDir = fileURLToPath(new URL('./golden/', import.meta.url));
// `UPDATE_GOLDEN=1 npx vitest run test/shared/export/golden.test.ts` rewrites the files; review the diff.
const update = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): void {
  const path = `${goldenDir}${name}`;
  if (update) {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `${name} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe.each(EXPORT_FORMATS)('%s export of the fixture set', (format) => {
  it('matches its golden file, line and sidecar, byte for byte', async () => {
    const out = await runExport({ format });
    golden(`${format}.jsonl`, out.train);
    golden(`${format}.meta.jsonl`, out.trainMeta + summaryLine(out.summary));
    expect(out.validation).toBe('');
  });

  it("passes the consumer's validator and never contains a tombstoned annotation", async () => {
    const out = await runExport({ format });
    expect(out.summary.examplesWritten).toBeGreaterThan(0);
    expect(validateExport(format, out.train)).toEqual([]);
    expect(out.train).not.toContain('TOMBSTONED');
    expect(out.trainMeta).not.toContain('TOMBSTONED');
    expect(out.summary.skipped.tombstoned).toBe(1);
  });

  it('has one sidecar line per line, each naming the annotations behind it', async () => {
    const out = await runExport({ format });
    const lines = out.train.split('\n').filter(Boolean);
    const meta = out.trainMeta
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(meta).toHaveLength(lines.length);
    const ids = new Set(annotations.map((a) => a.id));
    meta.forEach((entry, i) => {
      expect(entry.line).toBe(i + 1);
      expect(entry.annotation_ids.length).toBeGreaterThan(0);
      for (const id of entry.annotation_ids) expect(ids.has(id)).toBe(true);
    });
  });
});

describe('raw export', () => {
  it('writes every live annotation of the chosen sources exactly as stored', async () => {
    const rows = (text: string) =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => annotationSchema.parse(JSON.parse(line)));
    const live = annotations.filter((a) => a.deletedAt === null);
    const every = await runExport({ format: 'raw', source: [...EXPORT_SOURCES] });
    expect(rows(every.train)).toEqual(live);
    const captures = await runExport({ format: 'raw' });
    expect(rows(captures.train)).toEqual(live.filter((a) => annotationSource(a) === 'capture'));
    expect(rows(captures.train).length).toBe(live.length - 3);
  });
});
