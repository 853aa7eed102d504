import type { ApiIssue } from './api-error.ts';
import { type FormAnswers, formToZod, type ReviewForm } from './review-form.ts';

/**
 * A review form as a person is filling it in, and how it becomes answers. Pure, so every place that
 * renders a review form (the extension's popup, the dashboard's inbox) judges a draft exactly as the
 * companion will: with `formToZod`.
 */

/** What the inputs hold: text for text, number and choice inputs, a boolean for switches. */
export type FormDraft = Record<string, string | boolean>;

/** Field name → the problem with it; `''` is the form as a whole. */
export type FieldErrors = Record<string, string>;

/** Defaults filled in; a switch without a default starts off, everything else empty. */
export function initialDraft(form: ReviewForm | null): FormDraft {
  const draft: FormDraft = {};
  for (const [name, field] of Object.entries(form?.properties ?? {})) {
    if (field.type === 'boolean') draft[name] = field.default ?? false;
    else draft[name] = field.default === undefined ? '' : String(field.default);
  }
  return draft;
}

/**
 * The answers a draft stands for: numbers (and numeric choices) parsed, empty optional fields left
 * out so the form's defaults apply. An empty required free-text field stays "" and is judged by the
 * field's own rules; an empty required number or choice is reported missing.
 */
export function draftToAnswers(
  form: ReviewForm | null,
  draft: FormDraft,
  options: { partial?: boolean } = {},
): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  const required = new Set(form?.required ?? []);
  for (const [name, field] of Object.entries(form?.properties ?? {})) {
    const value = draft[name];
    if (field.type === 'boolean') {
      answers[name] = value === true;
      continue;
    }
    const text = typeof value === 'string' ? value : '';
    const omitWhenEmpty = options.partial || field.type !== 'string' || !required.has(name) || field.enum !== undefined;
    if (text.trim() === '' && omitWhenEmpty) continue;
    answers[name] = field.type === 'string' ? text : Number(text.trim());
  }
  return answers;
}

/** Checks a draft with the companion's own schema: the typed answers, or one error per field. */
export function validateDraft(
  form: ReviewForm | null,
  draft: FormDraft,
  options: { partial?: boolean } = {},
): { ok: true; answers: FormAnswers } | { ok: false; errors: FieldErrors } {
  const result = formToZod(form, options).safeParse(draftToAnswers(form, draft, options));
  if (result.success) return { ok: true, answers: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const name = issue.path.length > 0 ? String(issue.path[0]) : '';
    errors[name] ??= issue.message;
  }
  return { ok: false, errors };
}

/** The companion's `input.<field>` issues (a 400 `invalid_input`) as field errors. */
export function issuesToErrors(issues: readonly ApiIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const name = issue.path.startsWith('input.') ? (issue.path.slice('input.'.length).split('.')[0] ?? '') : '';
    errors[name] ??= issue.message;
  }
  return errors;
}
