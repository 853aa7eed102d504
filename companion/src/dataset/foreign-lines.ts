import { annotationSchema } from '../../../shared/index.ts';

/** Keys that name a dataset line's shape, and the formats that write it (docs/export.md). */
const DATASET_SHAPES: { keys: string[]; name: string }[] = [
  { keys: ['input', 'preferred_output'], name: 'an OpenAI preference (openai-dpo) line' },
  { keys: ['messages'], name: 'a chat dataset line ("messages": openai-sft, trl-sft)' },
  { keys: ['conversations'], name: 'a ShareGPT line ("conversations")' },
  { keys: ['prompt', 'chosen', 'rejected'], name: 'a preference pair (trl-dpo, trl-reward)' },
  { keys: ['prompt', 'completion'], name: 'a prompt/completion line (trl-prompt-completion, trl-kto)' },
  { keys: ['instruction', 'output'], name: 'an Alpaca line ("instruction", "output")' },
  { keys: ['chosen', 'rejected'], name: 'an HH-RLHF pair ("chosen", "rejected")' },
  { keys: ['contents'], name: 'a Gemini tuning line ("contents")' },
];

const ANNOTATION_KEYS = Object.keys(annotationSchema.shape);

/**
 * When a line is valid JSON but plainly not an annotation, one sentence saying what it looks like,
 * instead of a list of every missing field; null when it looks like an annotation with mistakes (then
 * the field-by-field problems are the useful answer).
 */
export function describeForeignRecord(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return `this is ${Array.isArray(raw) ? 'an array' : `a ${raw === null ? 'null' : typeof raw}`}, not a Margin annotation (one JSON object per line)`;
  }
  const keys = Object.keys(raw);
  const annotationKeys = keys.filter((key) => ANNOTATION_KEYS.includes(key));
  // Most of an annotation's fields are there: report its problems field by field.
  if (annotationKeys.length >= ANNOTATION_KEYS.length / 2) return null;
  const shape = DATASET_SHAPES.find((candidate) => candidate.keys.every((key) => key in raw));
  if (shape) {
    return (
      `this looks like a dataset line, not a Margin annotation: ${shape.name}. ` +
      '"margin import" reads annotations as Margin stores them (a backup, or "margin export --format raw")'
    );
  }
  const shown = keys.slice(0, 6).join(', ') + (keys.length > 6 ? ', …' : '');
  return (
    `not a Margin annotation: it has ${keys.length === 0 ? 'no fields' : `the fields ${shown}`}; an annotation has ` +
    'id, key, site, context, response, thumb, score… (as "margin export --format raw" writes them)'
  );
}
