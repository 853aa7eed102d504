import { type DataType, type Field, tableFromIPC } from 'apache-arrow';
import { ParquetFile, readParquet } from 'parquet-wasm';
import type { ParquetField, ParquetSchema } from '../../shared/export/index.ts';

/**
 * Reads a Parquet file with a reader independent of the writer: parquet-wasm (the Rust `parquet`
 * crate of Apache Arrow, compiled to WebAssembly), decoded with Apache Arrow's JavaScript library.
 * The writer, hyparquet-writer, shares its author and its schema code with hyparquet, so hyparquet
 * could agree with it on a mistake; arrow-rs would not.
 */
export interface ParquetContents {
  /** The file's columns, in the shared description's terms. */
  schema: ParquetSchema;
  /** Every row as plain JSON (INT64 as numbers, absent optionals as null). */
  rows: Record<string, unknown>[];
  rowGroups: number[];
}

function describe(type: DataType, nullable: boolean): ParquetField {
  const name = type.toString();
  if (name === 'Utf8' || name === 'LargeUtf8')
    return nullable ? { type: 'string', optional: true } : { type: 'string' };
  if (name === 'Int64') return { type: 'int64' };
  const children = (type as unknown as { children: Field[] }).children;
  if (name.startsWith('List<') || name.startsWith('LargeList<')) {
    const element = children[0];
    if (!element) throw new Error(`a list without an element type: ${name}`);
    return { type: 'list', element: describe(element.type, element.nullable) };
  }
  if (name.startsWith('Struct<')) {
    return { type: 'struct', fields: Object.fromEntries(children.map((c) => [c.name, describe(c.type, c.nullable)])) };
  }
  throw new Error(`a Parquet column of a type exports do not write: ${name}`);
}

export async function readParquetFile(bytes: Uint8Array): Promise<ParquetContents> {
  const table = tableFromIPC(readParquet(bytes).intoIPCStream());
  const schema = Object.fromEntries(
    table.schema.fields.map((field) => [field.name, describe(field.type, field.nullable)]),
  );
  const rows = table
    .toArray()
    .map(
      (row) =>
        JSON.parse(
          JSON.stringify(row.toJSON(), (_, value) => (typeof value === 'bigint' ? Number(value) : value)),
        ) as Record<string, unknown>,
    );
  const file = await ParquetFile.fromFile(new Blob([new Uint8Array(bytes)]));
  const rowGroups = file
    .metadata()
    .rowGroups()
    .map((group) => group.numRows());
  return { schema, rows, rowGroups };
}

/** A JSON row as Parquet gives it back: every field of the schema present, absent optionals null. */
function asParquetRow(value: unknown, field: ParquetField): unknown {
  if (field.type === 'list') return (value as unknown[]).map((item) => asParquetRow(item, field.element));
  if (field.type === 'struct') return withNulls(value as Record<string, unknown>, field.fields);
  return value === undefined ? null : value;
}
export function withNulls(row: Record<string, unknown>, schema: ParquetSchema): Record<string, unknown> {
  return Object.fromEntries(Object.entries(schema).map(([name, field]) => [name, asParquetRow(row[name], field)]));
}
