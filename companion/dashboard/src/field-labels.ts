import type { ApiIssue } from '../../../shared/api-error.ts';

/**
 * What each query field is called on screen. The forms use these labels and errors are worded with
 * them, so a person reads "Min score must not exceed Max score", not the API's `minScore`.
 */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  q: 'Search',
  format: 'Format',
  site: 'Site',
  model: 'Model',
  annotator: 'Annotator',
  tag: 'Tag',
  excludeTag: 'Without tag',
  since: 'Since',
  until: 'Before',
  minScore: 'Min score',
  maxScore: 'Max score',
  hasComment: 'Comment',
  hasCorrection: 'Correction',
  dedup: 'Drop duplicate lines',
  redactPii: 'Redact emails, phones, API keys',
  skipPartial: 'Skip partial captures',
  split: 'Train fraction',
  part: 'File',
  sftMinScore: 'SFT min score',
  pairMinGap: 'Pair min gap',
  ktoDesirableMin: 'KTO desirable ≥',
  ktoUndesirableMax: 'KTO undesirable ≤',
  systemPrompt: 'System prompt',
  reasoning: 'Reasoning',
  reasoningField: 'Reasoning field',
  lines: 'Preview lines',
  sidecar: 'Sidecar',
};

export function fieldLabel(name: string): string {
  return FIELD_LABELS[name] ?? name;
}

// Only the camelCase names are replaced inside messages: plain words such as "format" or "split" may
// be just words there. Longest first, so no name is half-replaced by a shorter one it contains.
const NAMES = Object.keys(FIELD_LABELS)
  .filter((name) => /[A-Z]/.test(name))
  .sort((a, b) => b.length - a.length);
const NAME_PATTERN = new RegExp(`\\b(${NAMES.join('|')})\\b`, 'g');

/** A field problem in the words of the form: its label first, other field names replaced by their labels too. */
export function issueText(issue: ApiIssue): string {
  const label = fieldLabel(issue.path);
  const own = issue.message.startsWith(`${issue.path} `);
  const message = (own ? issue.message.slice(issue.path.length + 1) : issue.message).replace(NAME_PATTERN, (name) =>
    fieldLabel(name),
  );
  if (issue.path === '(root)' || issue.path === '') return message;
  return own ? `${label} ${message}` : `${label}: ${message}`;
}
