import type { Annotation } from '../../annotation.ts';
import type { KtoExample, PairExample, SftExample } from '../example.ts';

/** What a format is made of: supervised examples, preference pairs, labelled singles, or stored rows. */
export type ExportKind = 'sft' | 'pair' | 'kto' | 'raw';

/** What a format of each kind turns into a line. */
export interface ExportKindInput {
  sft: SftExample;
  pair: PairExample;
  kto: KtoExample;
  raw: Annotation;
}

/** A line's JSON value, or the reason this format cannot carry the example. */
export type Built = { value: unknown } | { skip: string };

/**
 * One dataset format. The engine picks the examples by `kind` (docs/export.md, "Rules") and writes
 * `JSON.stringify(build(…).value)` as one JSONL line; everything else about a format lives here.
 */
export interface ExportFormatDefinition<Id extends string = string, Kind extends ExportKind = ExportKind> {
  /** The `--format` value; equals the file name in shared/export/formats/. */
  readonly id: Id;
  readonly kind: Kind;
  /** The shape of one line, as `margin export --explain` lists it after the format and kind. */
  readonly explain: string;
  /** The line for one example (for `raw`: one stored annotation), or why this format cannot carry it. */
  build(input: ExportKindInput[Kind]): Built;
}

/** Declares a format: the id and kind keep their literal types, so the format list is typed from the registry. */
export function defineExportFormat<const Id extends string, const Kind extends ExportKind>(
  format: ExportFormatDefinition<Id, Kind>,
): ExportFormatDefinition<Id, Kind> {
  return format;
}
