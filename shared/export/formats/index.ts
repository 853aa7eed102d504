import type { Example } from '../example.ts';
import alpaca from './alpaca.ts';
import bedrockSft from './bedrock-sft.ts';
import type { BuildContext, Built, ExportFormatDefinition, ExportKind } from './define-export-format.ts';
import hhRlhf from './hh-rlhf.ts';
import openaiDpo from './openai-dpo.ts';
import openaiRft from './openai-rft.ts';
import openaiSft from './openai-sft.ts';
import raw from './raw.ts';
import sharegpt from './sharegpt.ts';
import sharegptDpo from './sharegpt-dpo.ts';
import trlDpo from './trl-dpo.ts';
import trlKto from './trl-kto.ts';
import trlPromptCompletion from './trl-prompt-completion.ts';
import trlReward from './trl-reward.ts';
import trlSft from './trl-sft.ts';
import verlRl from './verl-rl.ts';
import verlSft from './verl-sft.ts';
import vertexPreference from './vertex-preference.ts';
import vertexSft from './vertex-sft.ts';

export type {
  BuildContext,
  Built,
  ExportFormatDefinition,
  ExportKind,
  LinePlace,
  ParquetContext,
} from './define-export-format.ts';
export { defineExportFormat, exportFileKind } from './define-export-format.ts';

/**
 * Every dataset format, in the order the CLI, the dashboard, the extension and `--explain` list them.
 * Adding one: a file here, one line in this list, a golden file and a validator (CONTRIBUTING.md).
 * The format enum of `exportOptionsSchema` and the kind table are derived from this list.
 */
export const exportFormatDefinitions = [
  openaiSft,
  openaiDpo,
  openaiRft,
  trlSft,
  trlPromptCompletion,
  trlDpo,
  trlKto,
  trlReward,
  sharegpt,
  sharegptDpo,
  alpaca,
  hhRlhf,
  vertexSft,
  vertexPreference,
  bedrockSft,
  verlSft,
  verlRl,
  raw,
] as const;

export type ExportFormatId = (typeof exportFormatDefinitions)[number]['id'];

type IdsOf<T extends readonly { id: string }[]> = { readonly [K in keyof T]: T[K]['id'] };
/** The ids in registry order, typed as a tuple so `z.enum` keeps every literal. */
// `map` keeps length and order but types its result as a plain array: the cast restores the tuple.
export const EXPORT_FORMAT_IDS = exportFormatDefinitions.map((format) => format.id) as readonly string[] as IdsOf<
  typeof exportFormatDefinitions
>;

const byId = new Map<string, ExportFormatDefinition>(exportFormatDefinitions.map((format) => [format.id, format]));

/** The definition of a format id. */
export function exportFormatDefinition(id: ExportFormatId): ExportFormatDefinition {
  const format = byId.get(id);
  if (!format) throw new Error(`${id} is not an export format`);
  return format;
}

const KIND_NAMES: Record<ExportKind, string> = { sft: 'supervised', pair: 'preference', kto: 'KTO', raw: 'raw' };

/** The JSON value of one line of `format`, or why the format cannot carry this example. */
export function buildLine(
  format: ExportFormatId,
  example: Example,
  context: BuildContext = { reasoningField: 'reasoning_content', sources: [] },
): Built {
  const definition = exportFormatDefinition(format);
  if (definition.kind !== example.kind) throw new Error(`${format} is not a ${KIND_NAMES[example.kind]} format`);
  return definition.build(example, context);
}
