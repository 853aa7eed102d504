import type { ByteWriter, ParquetWriter, SchemaElement } from 'hyparquet-writer';
import type { ParquetField, ParquetSchema } from '../../../shared/export/index.ts';

/** A row group is written when either bound is reached: memory stays near this much row text. */
const ROW_GROUP_ROWS = 10_000;
const ROW_GROUP_CHARS = 32 << 20;

/** The writer's schema (a flat, depth-first list of elements) for a shared column description. */
export function parquetSchemaElements(schema: ParquetSchema): SchemaElement[] {
  const elements: SchemaElement[] = [{ name: 'root', num_children: Object.keys(schema).length }];
  const add = (name: string, field: ParquetField, repetition: 'REQUIRED' | 'OPTIONAL') => {
    switch (field.type) {
      case 'string':
        elements.push({
          name,
          type: 'BYTE_ARRAY',
          converted_type: 'UTF8',
          repetition_type: field.optional ? 'OPTIONAL' : repetition,
        });
        return;
      case 'int64':
        elements.push({ name, type: 'INT64', repetition_type: repetition });
        return;
      case 'list':
        // The standard three-level LIST: <name> (LIST) > list (repeated) > element.
        elements.push({ name, repetition_type: repetition, converted_type: 'LIST', num_children: 1 });
        elements.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
        add('element', field.element, 'REQUIRED');
        return;
      case 'struct':
        elements.push({ name, repetition_type: repetition, num_children: Object.keys(field.fields).length });
        for (const [child, childField] of Object.entries(field.fields)) add(child, childField, 'REQUIRED');
        return;
    }
  };
  for (const [name, field] of Object.entries(schema)) add(name, field, 'REQUIRED');
  return elements;
}

/**
 * hyparquet-writer 0.17 gives an empty thrift list no struct element type, so a file with no row
 * groups declares `row_groups` as a list of something else. Readers built on Apache Arrow's Rust
 * crate (parquet-wasm, Polars, DataFusion) check the type and reject the file ("Expected list
 * element type of Struct"). In FileMetaData the bytes are `16 00` (num_rows: i64 0) then `19 0t`
 * (row_groups: a list of 0 elements of type t): mark the list as one of structs (`0C`), which it is.
 */
function fixEmptyRowGroups(footerBlock: Uint8Array): Uint8Array {
  const at: number[] = [];
  for (let i = 0; i + 3 < footerBlock.length; i++) {
    if (
      footerBlock[i] === 0x16 &&
      footerBlock[i + 1] === 0x00 &&
      footerBlock[i + 2] === 0x19 &&
      (footerBlock[i + 3] ?? 0xff) <= 0x03
    )
      at.push(i + 3);
  }
  if (at.length !== 1) throw new Error('unexpected Parquet footer for an empty file: not written');
  const fixed = footerBlock.slice();
  fixed[at[0] as number] = 0x0c;
  return fixed;
}

/** A row's value for one field, as the writer takes it (INT64 as bigint, absent optionals as null). */
function columnValue(value: unknown, field: ParquetField, where: string): unknown {
  switch (field.type) {
    case 'string':
      if (typeof value === 'string') return value;
      if (field.optional && (value === undefined || value === null)) return null;
      throw new Error(`${where} must be text for Parquet`);
    case 'int64':
      if (!Number.isSafeInteger(value)) throw new Error(`${where} must be a whole number for Parquet`);
      return BigInt(value as number);
    case 'list':
      if (!Array.isArray(value)) throw new Error(`${where} must be a list for Parquet`);
      return value.map((item, i) => columnValue(item, field.element, `${where}[${i}]`));
    case 'struct': {
      if (typeof value !== 'object' || value === null) throw new Error(`${where} must be an object for Parquet`);
      // A key holding undefined is no key at all in the line's JSON text, so not an extra field either.
      const extra = Object.keys(value).filter(
        (key) => !(key in field.fields) && (value as Record<string, unknown>)[key] !== undefined,
      );
      if (extra.length > 0) throw new Error(`${where} has fields the Parquet schema lacks: ${extra.join(', ')}`);
      return Object.fromEntries(
        Object.entries(field.fields).map(([key, child]) => [
          key,
          columnValue((value as Record<string, unknown>)[key], child, `${where}.${key}`),
        ]),
      );
    }
  }
}

/**
 * Writes export rows (the engine's JSON lines) as one Parquet file, a row group at a time, handing
 * each finished block of bytes to `sink`: a file or an HTTP response. Only the current row group is
 * held in memory, plus a few bytes of metadata per row group for the footer.
 */
export class ParquetRows {
  private output: { writer: ParquetWriter; bytes: ByteWriter } | null = null;
  /** Rows already converted to the writer's values: the parsed line is dropped as soon as it is added. */
  private rows: Record<string, unknown>[] = [];
  private chars = 0;
  private groups = 0;
  private written = 0;
  private finishing = false;

  constructor(
    private readonly schema: ParquetSchema,
    private readonly sink: (bytes: Uint8Array) => void | Promise<void>,
    private readonly limits = { rows: ROW_GROUP_ROWS, chars: ROW_GROUP_CHARS },
  ) {}

  /** The writer, loaded on first use: commands that write no Parquet do not pay for loading it. */
  private async open(): Promise<ParquetWriter> {
    if (this.output) return this.output.writer;
    const { ByteWriter, ParquetWriter } = await import('hyparquet-writer');
    const bytes = new ByteWriter();
    // The writer calls flush after each row group and finish at the end: hand the bytes on and reuse the buffer.
    const flush = () => {
      const block = new Uint8Array(bytes.buffer, 0, bytes.index).slice();
      bytes.index = 0;
      return this.sink(this.finishing && this.groups === 0 ? fixEmptyRowGroups(block) : block);
    };
    Object.assign(bytes, { flush, finish: flush });
    const writer = new ParquetWriter({
      writer: bytes,
      schema: parquetSchemaElements(this.schema),
      createdBy: 'margin',
    });
    this.output = { writer, bytes };
    return writer;
  }

  /**
   * Adds one row (a JSON line, or `value`, the line before it was serialized: the export engine hands
   * both, and parsing the text again was a fifth of a Parquet export's time); writes a row group when
   * enough have gathered.
   */
  async add(line: string, value: unknown = JSON.parse(line)): Promise<void> {
    const whole: ParquetField = { type: 'struct', fields: this.schema };
    this.rows.push(columnValue(value, whole, `row ${this.written + this.rows.length + 1}`) as Record<string, unknown>);
    this.chars += line.length;
    if (this.rows.length >= this.limits.rows || this.chars >= this.limits.chars) await this.writeGroup();
  }

  /** Writes what is left and the footer. A file with no rows is still a valid Parquet file with the schema. */
  async finish(): Promise<void> {
    await this.writeGroup();
    const writer = await this.open();
    this.finishing = true;
    await writer.finish();
  }

  private async writeGroup(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    this.chars = 0;
    const columnData = Object.keys(this.schema).map((name) => ({ name, data: rows.map((row) => row[name]) }));
    await (await this.open()).write({ columnData, rowGroupSize: rows.length });
    this.groups += 1;
    this.written += rows.length;
  }
}
