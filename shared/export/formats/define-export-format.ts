import type { Annotation } from '../../annotation.ts';
import type { ConversationRating } from '../../conversation-rating.ts';
import type { KtoExample, PairExample, SftExample } from '../example.ts';
import type { ParquetSchema } from '../parquet-schema.ts';
import type { ReasoningField, ReasoningSupport } from '../reasoning.ts';
import type { SplitName } from '../sidecar.ts';

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

/** What the engine hands `build` besides the example. */
export interface BuildContext {
  /** The field name `--reasoning field` asked for; the example's reasoning is set only in that mode. */
  readonly reasoningField: ReasoningField;
  /** The annotations behind the example, chosen side first (their rubric answers, …). */
  readonly sources: readonly Annotation[];
  /** The rating of the first source's conversation by its annotator, when there is one. */
  readonly conversationRating?: ConversationRating;
}

/** Where a written line landed: its split and its 0-based row number in that split's file. */
export interface LinePlace {
  readonly split: SplitName;
  readonly index: number;
}

/** The options a Parquet format's columns depend on. */
export interface ParquetContext {
  /** The reasoning field written on assistant messages, or null when reasoning is not a field. */
  readonly reasoningField: ReasoningField | null;
}

/**
 * One dataset format. The engine picks the examples by `kind` (docs/export.md, "Rules") and writes
 * `JSON.stringify(build(…).value)` as one line; everything else about a format lives here.
 */
export interface ExportFormatDefinition<Id extends string = string, Kind extends ExportKind = ExportKind> {
  /** The `--format` value; equals the file name in shared/export/formats/. */
  readonly id: Id;
  readonly kind: Kind;
  /** The shape of one line, as `margin export --explain` lists it after the format and kind. */
  readonly explain: string;
  /** How the format carries captured reasoning (`--reasoning`); see shared/export/reasoning.ts. */
  readonly reasoning: ReasoningSupport;
  /**
   * Parquet formats declare their columns: the companion writes their rows as Parquet (the same rows
   * the engine yields as JSON lines). JSONL formats leave it out.
   */
  parquet?(context: ParquetContext): ParquetSchema;
  /**
   * Fills in what only the written position knows (verl's `extra_info.split` and `index`). Dedup
   * and the sidecar's example id look at the row before this.
   */
  place?(value: unknown, at: LinePlace): unknown;
  /** The line for one example (for `raw`: one stored annotation), or why this format cannot carry it. */
  build(input: ExportKindInput[Kind], context: BuildContext): Built;
}

/** Declares a format: the id and kind keep their literal types, so the format list is typed from the registry. */
export function defineExportFormat<const Id extends string, const Kind extends ExportKind>(
  format: ExportFormatDefinition<Id, Kind>,
): ExportFormatDefinition<Id, Kind> {
  return format;
}

/** `jsonl` or `parquet`: the file a format's lines become. */
export function exportFileKind(format: Pick<ExportFormatDefinition, 'parquet'>): 'jsonl' | 'parquet' {
  return format.parquet ? 'parquet' : 'jsonl';
}
