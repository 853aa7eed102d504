import type { Annotation } from '../annotation.ts';
import type { Example } from './example.ts';
import { inlineReasoning, type ReasoningMode, type ReasoningSupport, reasoningOf } from './reasoning.ts';

/**
 * The example with its answers' captured reasoning attached as `--reasoning` asks: inline in the
 * text, or on the example for the format to put in its field. Reasoning belongs to the response it
 * was captured with, so an answer gets it only when it is a source's response; a correction (written
 * by a person) never does. `carried` says whether the line carries any.
 */
export function attachReasoning(
  example: Example,
  sources: readonly Annotation[],
  mode: ReasoningMode,
  support: ReasoningSupport,
): { example: Example; carried: boolean } {
  if (mode === 'none' || support === 'none' || support === 'stored') return { example, carried: false };
  if (mode === 'field' && support !== 'field') return { example, carried: false };
  let carried = false;
  const reasoningFor = (text: string): string | undefined => {
    for (const source of sources) {
      const reasoning = source.response === text ? reasoningOf(source) : null;
      if (reasoning !== null) {
        carried = true;
        return reasoning;
      }
    }
    return undefined;
  };
  const inline = (text: string) => {
    const reasoning = reasoningFor(text);
    return reasoning === undefined ? text : inlineReasoning(reasoning, text);
  };
  if (mode === 'inline') {
    switch (example.kind) {
      case 'sft':
        return { example: { ...example, target: inline(example.target) }, carried };
      case 'pair':
        return {
          example: { ...example, chosen: inline(example.chosen), rejected: inline(example.rejected) },
          carried,
        };
      case 'kto':
        return { example: { ...example, completion: inline(example.completion) }, carried };
    }
  }
  switch (example.kind) {
    case 'sft':
      return { example: { ...example, targetReasoning: reasoningFor(example.target) }, carried };
    case 'pair':
      return {
        example: {
          ...example,
          chosenReasoning: reasoningFor(example.chosen),
          rejectedReasoning: reasoningFor(example.rejected),
        },
        carried,
      };
    case 'kto':
      return { example: { ...example, completionReasoning: reasoningFor(example.completion) }, carried };
  }
}
