import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  buildLine,
  type ExportFormatDefinition,
  explainExport,
  exportFormatDefinitions,
} from '../../../shared/export/index.ts';
import { EXPORT_FORMAT_KIND, EXPORT_FORMATS, exportFormatSchema, exportOptionsSchema } from '../../../shared/index.ts';
import { rowValidators } from './validators.ts';

const formatsDir = fileURLToPath(new URL('../../../shared/export/formats/', import.meta.url));
const goldenDir = fileURLToPath(new URL('./golden/', import.meta.url));
const exportDoc = fileURLToPath(new URL('../../../docs/export.md', import.meta.url));

const formatFiles = readdirSync(formatsDir)
  .filter((name) => name.endsWith('.ts') && name !== 'index.ts' && !name.startsWith('define-'))
  .map((name) => name.replace(/\.ts$/, ''));
const ids = exportFormatDefinitions.map((format) => format.id);

describe('export format registry', () => {
  it('lists every format file exactly once, each file declaring the format named like it', async () => {
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...formatFiles].sort());
    for (const file of formatFiles) {
      const module = (await import(`${formatsDir}${file}.ts`)) as { default: ExportFormatDefinition };
      expect(module.default.id, `${file}.ts`).toBe(file);
      expect(exportFormatDefinitions, `${file}.ts is registered`).toContain(module.default);
    }
  });

  it('is where the option schema, the format list and the kind table come from', () => {
    expect(exportFormatSchema.options).toEqual(ids);
    expect([...EXPORT_FORMATS]).toEqual(ids);
    expect(EXPORT_FORMAT_KIND).toEqual(Object.fromEntries(exportFormatDefinitions.map((f) => [f.id, f.kind])));
  });

  it('has golden files for every format and none for a format it lacks', () => {
    const golden = readdirSync(goldenDir)
      .filter((name) => name.endsWith('.jsonl'))
      .sort();
    expect(golden).toEqual(ids.flatMap((id) => [`${id}.jsonl`, `${id}.meta.jsonl`]).sort());
  });

  it("has a validator of its consumer's rules for every format", () => {
    expect(Object.keys(rowValidators).sort()).toEqual([...ids].sort());
  });

  it('is explained format by format by `--explain`, each in the rules of its kind', () => {
    const text = explainExport(exportOptionsSchema.parse({ format: 'raw' }));
    const rulesOf = { sft: /^Supervised \((.*)\):/m, pair: /^Preference pairs \((.*)\),/m, kto: /^KTO \((.*)\):/m };
    for (const format of exportFormatDefinitions) {
      expect(format.explain.trim(), format.id).not.toBe('');
      expect(text).toContain(`  ${format.id.padEnd(22)} [${format.kind}] ${format.explain}\n`);
      if (format.kind !== 'raw') expect(text.match(rulesOf[format.kind])?.[1]?.split(', ')).toContain(format.id);
    }
  });

  it('is described in docs/export.md, one table row per format with its kind', () => {
    const rows = [...readFileSync(exportDoc, 'utf8').matchAll(/^\| `([a-z0-9-]+)` +\| (\S+) +\|/gm)];
    const kindLabel = { sft: 'SFT', pair: 'pair', kto: 'KTO', raw: '—' };
    expect(rows.map((row) => [row[1], row[2]])).toEqual(exportFormatDefinitions.map((f) => [f.id, kindLabel[f.kind]]));
  });

  it('refuses to build a line of one kind with a format of another', () => {
    const prompt = { system: null, turns: [{ role: 'user' as const, content: 'q' }] };
    const sft = { kind: 'sft' as const, prompt, target: 'a' };
    expect(() => buildLine('trl-dpo', sft)).toThrow('trl-dpo is not a supervised format');
    expect(buildLine('trl-sft', sft)).toEqual({
      value: {
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      },
    });
  });
});
