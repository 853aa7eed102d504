import type { Annotation } from '../annotation.ts';

/** What PII redaction replaced, by kind. */
export interface RedactionCounts {
  email: number;
  phone: number;
  apiKey: number;
}

// Order matters: keys first (they may contain digit runs that look like phone numbers), then emails.
const API_KEY_PATTERNS = [
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/g, // OpenAI, Anthropic
  /\b(?:pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, // GitHub
  /\bgithub_pat_[A-Za-z0-9_]{30,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bAIza[0-9A-Za-z_-]{35}/g, // Google
  /\bhf_[A-Za-z0-9]{30,}\b/g, // Hugging Face
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, // JWT
];
// "api_key = 0123…", "Authorization: Bearer …": the value after a telling name.
const NAMED_SECRET = /\b((?:api[_-]?key|secret|token|password|bearer)["']?\s*[:=]?\s*["']?)([A-Za-z0-9_\-./+]{16,})/gi;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Digit groups separated by spaces, dots or dashes, optional +country and (area); 9 to 15 digits in all
// (fewer are dates, versions and prices far more often than phone numbers).
const PHONE = /(?<![\w+.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,5}){1,4}(?![\w-]|\.\d)/g;

export const REDACTED = { email: '[EMAIL]', phone: '[PHONE]', apiKey: '[API_KEY]' } as const;

/** Replaces emails, phone numbers and API-key-like strings, adding what it replaced to `counts`. */
export function redactPii(text: string, counts: RedactionCounts): string {
  let out = text;
  for (const pattern of API_KEY_PATTERNS) {
    out = out.replace(pattern, () => {
      counts.apiKey += 1;
      return REDACTED.apiKey;
    });
  }
  out = out.replace(NAMED_SECRET, (match, name: string, value: string) => {
    // A run of letters only is a word, not a secret.
    if (!/\d/.test(value) || value === REDACTED.apiKey) return match;
    counts.apiKey += 1;
    return `${name}${REDACTED.apiKey}`;
  });
  out = out.replace(EMAIL, () => {
    counts.email += 1;
    return REDACTED.email;
  });
  out = out.replace(PHONE, (match) => {
    const digits = match.replace(/\D/g, '').length;
    if (digits < 9 || digits > 15 || /^\d{4}-\d{2}-\d{2}/.test(match)) return match;
    counts.phone += 1;
    return REDACTED.phone;
  });
  return out;
}

/**
 * An annotation with every free text redacted (context, response, reasoning, correction, comment,
 * rubric text answers).
 */
export function redactAnnotation(annotation: Annotation, counts: RedactionCounts): Annotation {
  return {
    ...annotation,
    context: annotation.context.map((turn) => ({ ...turn, content: redactPii(turn.content, counts) })),
    response: redactPii(annotation.response, counts),
    ...(annotation.reasoning !== undefined && { reasoning: redactPii(annotation.reasoning, counts) }),
    correction: annotation.correction === null ? null : redactPii(annotation.correction, counts),
    comment: redactPii(annotation.comment, counts),
    ...(annotation.rubric && { rubric: redactRubric(annotation.rubric, counts) }),
  };
}

/** Text answers are free text like comments: redacted the same way. */
function redactRubric(rubric: NonNullable<Annotation['rubric']>, counts: RedactionCounts): Annotation['rubric'] {
  const answers = Object.fromEntries(
    Object.entries(rubric.answers).map(([id, value]) => [
      id,
      typeof value === 'string' ? redactPii(value, counts) : value,
    ]),
  );
  return { version: rubric.version, answers };
}
