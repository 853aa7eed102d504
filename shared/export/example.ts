import type { Message } from '../message.ts';
import type { Provenance } from './sidecar.ts';

/** A context with its leading system prompt lifted out: what every format builds on. */
export interface Prompt {
  system: string | null;
  turns: Message[];
}

/** A supervised example: the prompt, and the approved or corrected target. */
export interface SftExample {
  kind: 'sft';
  prompt: Prompt;
  /**
   * The trained response. Earlier assistant turns in `prompt.turns` are context only: each is the
   * target of its own annotation's line, so a turn is trained at most once per export.
   */
  target: string;
  /** The target's captured reasoning, set only under `--reasoning field` for formats with a field. */
  targetReasoning?: string;
}
/** A preference pair over the same prompt. */
export interface PairExample {
  kind: 'pair';
  prompt: Prompt;
  chosen: string;
  rejected: string;
  /** Score gap / 100 when both sides have scores. */
  margin: number | null;
  /** Each side's captured reasoning, set only under `--reasoning field` for formats with a field. */
  chosenReasoning?: string;
  rejectedReasoning?: string;
}
/** One labelled completion (KTO). */
export interface KtoExample {
  kind: 'kto';
  prompt: Prompt;
  completion: string;
  label: boolean;
  /** The completion's captured reasoning, set only under `--reasoning field` for formats with a field. */
  completionReasoning?: string;
}
export type Example = SftExample | PairExample | KtoExample;

/** An example together with the annotations (and comparison) it came from. */
export interface Candidate extends Provenance {
  example: Example;
}

/** Where the pairing modules hand their results: a pair to write, or a reason (counted) for none. */
export interface CandidateSink {
  skip(reason: string, count?: number): void;
  emit(candidate: Candidate): void;
}
