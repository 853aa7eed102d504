/**
 * The columns of a Parquet format, described without a Parquet library (shared/ imports only zod):
 * the companion turns this into the writer's schema, and the tests check files against it.
 * Strings are UTF-8; `int64` values are JSON numbers in the row and INT64 in the file.
 */
export type ParquetField =
  | { readonly type: 'string'; readonly optional?: true }
  | { readonly type: 'int64' }
  | { readonly type: 'list'; readonly element: ParquetField }
  | { readonly type: 'struct'; readonly fields: ParquetSchema };

/** Column name → field, in file order. */
export type ParquetSchema = Readonly<Record<string, ParquetField>>;

/** A chat message as a Parquet struct: role, content and, when asked for, the reasoning field. */
export function messageStruct(reasoningField: string | null): ParquetField {
  const fields: Record<string, ParquetField> = { role: { type: 'string' }, content: { type: 'string' } };
  if (reasoningField !== null) fields[reasoningField] = { type: 'string', optional: true };
  return { type: 'struct', fields };
}
