import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportFormatDefinitions, REASONING_FIELDS } from '../../../shared/export/index.ts';
import type { ExportOptionsInput } from '../../../shared/index.ts';
import { parseJsonl, runExport } from './export-helpers.ts';
import { reasoningAnnotations } from './reasoning-fixture.ts';
import { validateExport } from './validators.ts';

const goldenDir = fileURLToPath(new URL('./golden/reasoning/', import.meta.url));
// `UPDATE_GOLDEN=1 npx vitest run test/shared/export/reasoning.test.ts` rewrites them; review the diff.
const update = process.env.UPDATE_GOLDEN === '1';

const conversational = exportFormatDefinitions.filter((f) => f.reasoning === 'field' || f.reasoning === 'inline');
const noPlace = exportFormatDefinitions.filter((f) => f.reasoning === 'none');
const REASONING_TEXTS = reasoningAnnotations.flatMap((a) => (a.reasoning ? [a.reasoning] : []));

type Mode = 'inline' | 'field' | 'thinking';
const optionsOf = (format: string, mode: Mode | 'none'): ExportOptionsInput =>
  ({
    format,
    reasoning: mode === 'thinking' ? 'field' : mode,
    ...(mode === 'thinking' ? { reasoningField: 'thinking' } : {}),
  }) as ExportOptionsInput;

const run = (format: string, mode: Mode | 'none') => runExport(optionsOf(format, mode), reasoningAnnotations, []);

const cases = conversational.flatMap((format) => [
  { format: format.id, support: format.reasoning, mode: 'inline' as Mode },
  { format: format.id, support: format.reasoning, mode: 'field' as Mode },
  // bedrock-sft writes its own reasoningContent block whatever the field name.
  ...(format.reasoning === 'field' && format.id !== 'bedrock-sft'
    ? [{ format: format.id, support: format.reasoning, mode: 'thinking' as Mode }]
    : []),
]);

describe.each(cases)('$format with --reasoning $mode', ({ format, support, mode }) => {
  it("matches its golden file and passes the consumer's validator", async () => {
    const out = await run(format, mode);
    const path = `${goldenDir}${format}.${mode}.jsonl`;
    if (update) {
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(path, out.train);
    }
    expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(out.train).toBe(readFileSync(path, 'utf8'));
    expect(out.summary.examplesWritten).toBeGreaterThan(0);
    expect(validateExport(format as never, out.train)).toEqual([]);
  });

  it('puts reasoning where the format carries it, only on the response it was captured with', async () => {
    const out = await run(format, mode);
    const none = await run(format, 'none');
    if (mode === 'inline') {
      expect(out.train).toContain('<think>\\n');
      expect(out.summary.reasoningLines).toBeGreaterThan(0);
      expect(out.summary.warnings).toEqual([]);
      // The correction was written by a person: it never gets the original's reasoning.
      expect(out.train).not.toContain('</think>\\n\\nThe green light.');
    } else if (support === 'field') {
      const key =
        format === 'bedrock-sft' ? 'reasoningContent' : mode === 'thinking' ? 'thinking' : 'reasoning_content';
      expect(out.train).toContain(`"${key}"`);
      expect(out.train).not.toContain('<think>');
      expect(out.summary.reasoningLines).toBeGreaterThan(0);
      expect(out.summary.warnings).toEqual([]);
      expect(out.train).not.toMatch(/"content":"The green light\.","(reasoning_content|thinking)"/);
    } else {
      // No field in this format: exported as without reasoning, and the summary says why.
      expect(out.train).toBe(none.train);
      expect(out.summary.reasoningLines).toBe(0);
      expect(out.summary.warnings.join('\n')).toContain(`${format} has no reasoning field`);
    }
    expect(out.summary.reasoningLines).toBeLessThan(out.summary.examplesWritten + 1);
  });
});

describe('reasoning left out or out of place', () => {
  it.each(conversational.map((f) => f.id))('%s leaves reasoning out by default', async (format) => {
    const out = await runExport({ format: format as never }, reasoningAnnotations, []);
    for (const text of REASONING_TEXTS) expect(out.train).not.toContain(text.slice(0, 20));
    expect(out.summary.reasoningLines).toBe(0);
    expect(out.summary.warnings).toEqual([]);
  });

  it.each(noPlace.map((f) => f.id))('%s has no place for it: same lines, and a warning', async (format) => {
    for (const mode of ['inline', 'field'] as const) {
      const out = await run(format, mode);
      expect(out.train).toBe((await run(format, 'none')).train);
      expect(out.summary.warnings.join('\n')).toContain(`${format} has no place for reasoning`);
    }
  });

  it('counts the lines that carry it: an approved answer and the variant pair, not the correction or the plain answer', async () => {
    const sft = await run('trl-sft', 'field');
    expect(parseJsonl(sft.train)).toHaveLength(4);
    expect(sft.summary.reasoningLines).toBe(2);
    const pairs = await run('trl-dpo', 'field');
    const rows = parseJsonl(pairs.train) as {
      chosen: { content: string; reasoning_content?: string }[];
      rejected: { reasoning_content?: string }[];
    }[];
    const corrected = rows.find((row) => row.chosen[0]?.content === 'The green light.');
    expect(corrected?.chosen[0]?.reasoning_content).toBeUndefined();
    expect(corrected?.rejected[0]?.reasoning_content).toBe('Online is usually shown by a light... red, I think.');
    expect(pairs.summary.reasoningLines).toBe(2);
  });

  it('raw writes reasoning as stored whatever the mode, and counts it', async () => {
    for (const mode of ['none', 'field', 'inline'] as const) {
      const out = await runExport({ format: 'raw', reasoning: mode }, reasoningAnnotations, []);
      expect(parseJsonl(out.train).map((row) => row.reasoning)).toEqual(reasoningAnnotations.map((a) => a.reasoning));
      expect(out.summary.reasoningLines).toBe(4);
      expect(out.summary.warnings).toEqual([]);
      expect(validateExport('raw', out.train)).toEqual([]);
    }
  });

  it('warns when reasoning was asked for and no response had any', async () => {
    const plain = reasoningAnnotations.map(({ reasoning: _, ...rest }) => rest);
    const out = await runExport({ format: 'trl-sft', reasoning: 'field' }, plain, []);
    expect(out.summary.warnings.join('\n')).toContain('no exported response had captured reasoning');
  });

  it('redacts reasoning like every other text', async () => {
    const leaky = reasoningAnnotations.map((a) =>
      a.reasoning ? { ...a, reasoning: `${a.reasoning} Mail ops@acme.example.` } : a,
    );
    const out = await runExport({ format: 'trl-sft', reasoning: 'inline', redactPii: true }, leaky, []);
    expect(out.train).not.toContain('ops@acme.example');
    expect(out.train).toContain('[EMAIL]');
  });

  it('takes reasoningField only with reasoning=field, and only the two names', async () => {
    await expect(runExport({ format: 'trl-sft', reasoningField: 'thinking' })).rejects.toThrow('give reasoning=field');
    await expect(
      runExport({ format: 'trl-sft', reasoning: 'field', reasoningField: 'thoughts' as never }),
    ).rejects.toThrow(REASONING_FIELDS.join(' or '));
    await expect(runExport({ format: 'trl-sft', reasoning: 'yes' as never })).rejects.toThrow('none, field, inline');
  });

  it('has a golden file for every case above and no other', () => {
    const expected = cases.map(({ format, mode }) => `${format}.${mode}.jsonl`).sort();
    expect(readdirSync(goldenDir).sort()).toEqual(expected);
  });
});
