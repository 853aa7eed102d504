import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSkipReason, isSkipReason, SKIP_REASONS } from '../../../shared/export/skip-reasons.ts';
import { EXPORT_FORMATS, exportOptionsSchema } from '../../../shared/export-options.ts';
import { repoRoot } from '../../support/paths.ts';
import { runExport } from './export-helpers.ts';

const EXPORT_DIR = join(repoRoot, 'shared', 'export');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts') && entry.name !== 'skip-reasons.ts'
        ? [join(dir, entry.name)]
        : [],
  );
}

/** Every reason id the engine and the formats can count: `skip: '…'`, `skip('…')`, and the comparison reasons. */
function reasonsInSource(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sources(EXPORT_DIR)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/\bskip(?:\(|:\s*)'([a-z0-9-]+)'/g)) found.set(match[1] as string, file);
    for (const match of text.matchAll(/'(comparison-[a-z-]+)'/g)) found.set(match[1] as string, file);
  }
  return found;
}

const DEFAULTS = exportOptionsSchema.parse({ format: 'raw' });

describe('skip reasons in words (shared/export/skip-reasons.ts)', () => {
  it('has words and a rule for every reason the engine and the formats can count', () => {
    const found = reasonsInSource();
    expect(found.size).toBeGreaterThan(20);
    const missing = [...found].filter(([reason]) => !isSkipReason(reason));
    expect(
      missing.map(([reason, file]) => `${reason} (${relative(repoRoot, file)})`),
      'add these to SKIP_REASONS',
    ).toEqual([]);
    // And no stale entry: each row is a reason something can still count.
    expect(Object.keys(SKIP_REASONS).filter((reason) => !found.has(reason))).toEqual([]);
  });

  it('covers every reason a real export of every format reports', async () => {
    const seen = new Set<string>();
    for (const format of EXPORT_FORMATS) {
      const { summary } = await runExport({ format });
      for (const reason of Object.keys(summary.skipped)) seen.add(reason);
    }
    expect(seen.size).toBeGreaterThan(5);
    expect([...seen].filter((reason) => !isSkipReason(reason))).toEqual([]);
  });

  it('says the rule with the thresholds in force, never the bare id', () => {
    for (const reason of Object.keys(SKIP_REASONS)) {
      const text = describeSkipReason(reason, DEFAULTS);
      expect(text.words, reason).not.toBe(reason);
      expect(text.words.length, reason).toBeGreaterThan(3);
      expect(text.rule.length, reason).toBeGreaterThan(20);
    }
    const rejected = describeSkipReason('rated-bad', { ...DEFAULTS, ktoUndesirableMax: 25 });
    expect(rejected.words).toBe('Rated bad, and not corrected');
    expect(rejected.rule).toContain('≤ 25');
    expect(describeSkipReason('below-sft-threshold', { ...DEFAULTS, sftMinScore: 85 }).rule).toContain('≥ 85');
    expect(describeSkipReason('pair-gap-below-delta', { ...DEFAULTS, pairMinGap: 30 }).rule).toContain('≥ 30');
    // A reason from a newer engine than this table still shows, as its id.
    expect(describeSkipReason('brand-new-reason', DEFAULTS)).toEqual({
      reason: 'brand-new-reason',
      words: 'brand-new-reason',
      rule: '',
    });
  });

  it('no longer calls a thumbs-down "rejected", which reads like a validation error', async () => {
    const { summary } = await runExport({ format: 'trl-sft' });
    expect(summary.skipped.rejected).toBeUndefined();
    expect(summary.skipped['rated-bad']).toBeGreaterThan(0);
  });
});
