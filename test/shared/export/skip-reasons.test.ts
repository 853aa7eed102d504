import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeSkipReason, SKIP_REASONS } from '../../../shared/export/index.ts';
import { runExport } from './export-helpers.ts';

const exportDir = fileURLToPath(new URL('../../../shared/export/', import.meta.url));

/** Every reason id the engine and the formats can give: `skip('…')`, `{ skip: '…' }`, and the comparison reasons. */
function reasonsInSource(): Set<string> {
  const reasons = new Set<string>();
  const files = readdirSync(exportDir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
  for (const file of files) {
    if (file.endsWith('skip-reasons.ts')) continue;
    const source = readFileSync(`${exportDir}${file}`, 'utf8');
    for (const match of source.matchAll(/\bskip(?:\(|: ?)'([a-z-]+)'/g)) reasons.add(match[1] as string);
    for (const match of source.matchAll(/return '(comparison-[a-z-]+)'/g)) reasons.add(match[1] as string);
  }
  return reasons;
}

describe('skip reasons', () => {
  it('every reason the engine or a format can give has words and a rule', () => {
    const reasons = reasonsInSource();
    expect(reasons.size).toBeGreaterThan(25); // the scan finds the reasons, not nothing
    const missing = [...reasons].filter((reason) => !(reason in SKIP_REASONS));
    expect(missing, 'add them to shared/export/skip-reasons.ts').toEqual([]);
    for (const [id, text] of Object.entries(SKIP_REASONS)) {
      expect(text.words.length, id).toBeGreaterThan(3);
      expect(text.rule, id).toMatch(/\.$/);
    }
  });

  it('every reason a fixture export counts is described', async () => {
    for (const format of ['trl-sft', 'trl-dpo', 'trl-kto', 'hh-rlhf', 'sharegpt'] as const) {
      const { summary } = await runExport({ format });
      for (const reason of Object.keys(summary.skipped)) expect(reason in SKIP_REASONS, reason).toBe(true);
    }
  });

  it('no longer calls a thumbs-down "rejected", which reads like a validation error', async () => {
    const { summary } = await runExport({ format: 'trl-sft' });
    expect(summary.skipped.rejected).toBeUndefined();
    expect(summary.skipped['rated-bad']).toBeGreaterThan(0);
    expect(describeSkipReason('rated-bad').words).toBe('rated bad, no correction');
    expect(describeSkipReason('made-up')).toEqual({ words: 'made-up', rule: '' });
  });
});
