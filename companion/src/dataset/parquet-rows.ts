import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
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
      const extra = Object.keys(value).filter((key) => !(key in field.fields));
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
  private readonly writer: ParquetWriter;
  private readonly bytes: ByteWriter;
  private rows: unknown[] = [];
  private chars = 0;

  constructor(
    private readonly schema: ParquetSchema,
    private readonly sink: (bytes: Uint8Array) => void | Promise<void>,
    private readonly limits = { rows: ROW_GROUP_ROWS, chars: ROW_GROUP_CHARS },
  ) {
    this.bytes = new ByteWriter();
    // The writer calls flush after each row group and finish at the end: hand the bytes on and reuse the buffer.
    const flush = () => {
      const block = new Uint8Array(this.bytes.buffer, 0, this.bytes.index).slice();
      this.bytes.index = 0;
      return this.sink(block);
    };
    Object.assign(this.bytes, { flush, finish: flush });
    this.writer = new ParquetWriter({ writer: this.bytes, schema: parquetSchemaElements(schema), createdBy: 'margin' });
  }

  /** Adds one row (a JSON line); writes a row group when enough have gathered. */
  async add(line: string): Promise<void> {
    this.rows.push(JSON.parse(line));
    this.chars += line.length;
    if (this.rows.length >= this.limits.rows || this.chars >= this.limits.chars) await this.writeGroup();
  }

  /** Writes what is left and the footer. A file with no rows is still a valid Parquet file with the schema. */
  async finish(): Promise<void> {
    await this.writeGroup();
    await this.writer.finish();
  }

  private async writeGroup(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    this.chars = 0;
    const whole: ParquetField = { type: 'struct', fields: this.schema };
    const values = rows.map((row, i) => columnValue(row, whole, `row ${i + 1}`) as Record<string, unknown>);
    const columnData = Object.keys(this.schema).map((name) => ({ name, data: values.map((row) => row[name]) }));
    await this.writer.write({ columnData, rowGroupSize: rows.length });
  }
}
