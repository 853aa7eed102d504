import { describe, expect, it } from 'vitest';
import { ParquetRows } from '../../companion/src/dataset/parquet-rows.ts';
import { collectExport, exportDataset, exportParquetSchema } from '../../shared/export/index.ts';
import { type Annotation, type ExportOptionsInput, exportOptionsSchema } from '../../shared/index.ts';
import { annotations, comparisons } from '../shared/export/fixture.ts';
import { reasoningAnnotations } from '../shared/export/reasoning-fixture.ts';
import { validateExport } from '../shared/export/validators.ts';
import { readParquetFile, withNulls } from '../support/parquet-reader.ts';

/** The engine's rows for `input` (JSON lines of the train part), and the Parquet file of them. */
async function exportBoth(input: ExportOptionsInput, data: Annotation[] = annotations, rowGroupRows = 4) {
  const options = exportOptionsSchema.parse(input);
  const files = await collectExport(exportDataset(data, comparisons, options));
  const lines = files.train.lines.split('\n').filter(Boolean);
  const schema = exportParquetSchema(options);
  if (!schema) throw new Error(`${options.format} is not a Parquet format`);
  const chunks: Uint8Array[] = [];
  const writer = new ParquetRows(schema, (bytes) => void chunks.push(bytes), { rows: rowGroupRows, chars: 1 << 30 });
  for (const line of lines) await writer.add(line);
  await writer.finish();
  return { schema, lines, bytes: Buffer.concat(chunks) };
}

const CASES: { input: ExportOptionsInput; data?: Annotation[] }[] = [
  { input: { format: 'verl-rl' } },
  { input: { format: 'verl-sft' } },
  { input: { format: 'verl-rl', split: 0.5 } },
  { input: { format: 'verl-sft', redactPii: true, systemPrompt: 'Be brief.' } },
  { input: { format: 'verl-sft', reasoning: 'field' }, data: reasoningAnnotations },
  { input: { format: 'verl-sft', reasoning: 'field', reasoningField: 'thinking' }, data: reasoningAnnotations },
  { input: { format: 'verl-sft', reasoning: 'inline' }, data: reasoningAnnotations },
];

describe('Parquet files read back with an independent reader (parquet-wasm, Apache Arrow)', () => {
  it.each(CASES)('$input.format $input has the declared schema and every row', async ({ input, data }) => {
    const { schema, lines, bytes } = await exportBoth(input, data);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    const file = await readParquetFile(bytes);
    expect(file.schema).toEqual(schema);
    expect(file.rows).toHaveLength(lines.length);
    file.rows.forEach((row, i) => {
      expect(row, `row ${i + 1}`).toEqual(withNulls(JSON.parse(lines[i] ?? '{}'), schema));
    });
    // Written a row group at a time (4 rows each here), so memory holds one group, not the file.
    expect(file.rowGroups.reduce((a, b) => a + b, 0)).toBe(lines.length);
    expect(file.rowGroups.every((rows) => rows <= 4)).toBe(true);
    if (lines.length > 4) expect(file.rowGroups.length).toBeGreaterThan(1);
    expect(
      validateExport(exportOptionsSchema.parse(input).format, file.rows.map((r) => `${JSON.stringify(r)}\n`).join('')),
    ).toEqual([]);
  });

  it('carries reasoning as a column only when --reasoning field asks for it', async () => {
    const field = await readParquetFile(
      (await exportBoth({ format: 'verl-sft', reasoning: 'field' }, reasoningAnnotations)).bytes,
    );
    const messages = field.rows.flatMap((row) => row.messages as { role: string; reasoning_content: string | null }[]);
    expect(messages.filter((m) => m.reasoning_content !== null).every((m) => m.role === 'assistant')).toBe(true);
    expect(messages.filter((m) => m.reasoning_content !== null)).toHaveLength(2);
    const none = await readParquetFile((await exportBoth({ format: 'verl-sft' }, reasoningAnnotations)).bytes);
    expect(none.schema.messages).toEqual({
      type: 'list',
      element: { type: 'struct', fields: { role: { type: 'string' }, content: { type: 'string' } } },
    });
  });

  it('writes a valid file with the schema and no rows when nothing is exported', async () => {
    const { bytes, schema } = await exportBoth({ format: 'verl-rl', site: ['no-such-site'] });
    const file = await readParquetFile(bytes);
    expect(file.rows).toEqual([]);
    expect(file.schema).toEqual(schema);
  });

  it.each(CASES)(
    'builds the same file from the values the engine hands as from its lines parsed: %j',
    async ({ input, data }) => {
      const options = exportOptionsSchema.parse(input);
      const schema = exportParquetSchema(options);
      if (!schema) throw new Error(`${options.format} is not a Parquet format`);
      const fromLines: Uint8Array[] = [];
      const fromValues: Uint8Array[] = [];
      const limits = { rows: 4, chars: 1 << 30 };
      const byLine = new ParquetRows(schema, (bytes) => void fromLines.push(bytes), limits);
      const byValue = new ParquetRows(schema, (bytes) => void fromValues.push(bytes), limits);
      let rows = 0;
      for await (const record of exportDataset(data ?? annotations, comparisons, options).records) {
        if (record.split !== 'train') continue;
        expect(record.value).toBeDefined();
        await byLine.add(record.line);
        await byValue.add(record.line, record.value);
        rows += 1;
      }
      await byLine.finish();
      await byValue.finish();
      expect(rows).toBeGreaterThan(0);
      expect(Buffer.concat(fromValues)).toEqual(Buffer.concat(fromLines));
    },
  );

  it('takes a key holding undefined in a value as absent, as its JSON text has it', async () => {
    const schema = exportParquetSchema(exportOptionsSchema.parse({ format: 'verl-sft' }));
    if (!schema) throw new Error('verl-sft has columns');
    const chunks: Uint8Array[] = [];
    const writer = new ParquetRows(schema, (bytes) => void chunks.push(bytes), { rows: 1, chars: 1 << 30 });
    const line = '{"messages":[{"role":"user","content":"hi"}]}';
    await writer.add(line, { messages: [{ role: 'user', content: 'hi', thinking: undefined }], extra: undefined });
    await writer.finish();
    expect(chunks.length).toBeGreaterThan(0);
  });

  it('refuses a row the schema cannot hold, naming the row and field', async () => {
    const schema = exportParquetSchema(exportOptionsSchema.parse({ format: 'verl-sft' }));
    if (!schema) throw new Error('verl-sft has columns');
    const writer = new ParquetRows(schema, () => {}, { rows: 1, chars: 1 << 30 });
    await expect(writer.add('{"messages":[{"role":"user","content":1}]}')).rejects.toThrow(
      'row 1.messages[0].content must be text',
    );
    const other = new ParquetRows(schema, () => {}, { rows: 1, chars: 1 << 30 });
    await expect(other.add('{"messages":[],"extra":1}')).rejects.toThrow('fields the Parquet schema lacks: extra');
    // The row number counts from the start of the file, not of the current row group.
    const third = new ParquetRows(schema, () => {}, { rows: 2, chars: 1 << 30 });
    for (let i = 0; i < 4; i++) await third.add('{"messages":[{"role":"user","content":"hi"}]}');
    await expect(third.add('{"messages":[{"role":"user","content":1}]}')).rejects.toThrow(
      'row 5.messages[0].content must be text',
    );
  });
});
