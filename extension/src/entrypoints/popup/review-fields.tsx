import type { FieldErrors, FormDraft } from '../../../../shared/review-draft.ts';
import { fieldLabel, type ReviewForm, type ReviewFormField } from '../../../../shared/review-form.ts';

function hint(field: ReviewFormField): string | null {
  if (field.type === 'number' || field.type === 'integer') {
    const low = field.minimum ?? field.exclusiveMinimum;
    const high = field.maximum ?? field.exclusiveMaximum;
    const kind = field.type === 'integer' ? 'A whole number' : 'A number';
    if (low !== undefined && high !== undefined) return `${kind} from ${low} to ${high}.`;
    if (low !== undefined) return `${kind}, at least ${low}.`;
    if (high !== undefined) return `${kind}, at most ${high}.`;
  }
  if (field.type === 'string' && !field.enum && field.maxLength !== undefined)
    return `At most ${field.maxLength} characters.`;
  return null;
}

interface Props {
  form: ReviewForm;
  draft: FormDraft;
  errors: FieldErrors;
  disabled: boolean;
  onChange(name: string, value: string | boolean): void;
}

/**
 * The inputs a review's form asks for, generated from its JSON-Schema subset: a choice for an enum, a
 * switch for a boolean, a bounded number input for numbers, a text input otherwise. Errors come from
 * the same zod schema the companion applies (shared/review-draft.ts).
 */
export function ReviewFields({ form, draft, errors, disabled, onChange }: Props) {
  const required = new Set(form.required);
  return (
    <div class="review-fields">
      {Object.entries(form.properties).map(([name, field]) => {
        const id = `review-field-${name}`;
        const label = fieldLabel(name, field);
        const error = errors[name];
        const help = [field.description, hint(field)].filter(Boolean).join(' ');
        const common = {
          id,
          disabled,
          'aria-invalid': error ? true : undefined,
          'aria-describedby':
            [help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined,
          'aria-required': required.has(name) || undefined,
        };
        const value = draft[name];
        let control: preact.JSX.Element;
        if (field.type === 'boolean') {
          control = (
            <input
              {...common}
              type="checkbox"
              role="switch"
              aria-checked={value === true}
              checked={value === true}
              onChange={(event) => onChange(name, event.currentTarget.checked)}
            />
          );
        } else if (field.enum) {
          control = (
            <select
              {...common}
              value={String(value ?? '')}
              onChange={(event) => onChange(name, event.currentTarget.value)}
            >
              <option value="">{required.has(name) ? 'Choose…' : '—'}</option>
              {field.enum.map((option) => (
                <option key={String(option)} value={String(option)}>
                  {String(option)}
                </option>
              ))}
            </select>
          );
        } else if (field.type === 'string') {
          control = (
            <input
              {...common}
              type="text"
              value={String(value ?? '')}
              maxLength={field.maxLength}
              onInput={(event) => onChange(name, event.currentTarget.value)}
            />
          );
        } else {
          control = (
            <input
              {...common}
              type="number"
              step={field.type === 'integer' ? 1 : 'any'}
              min={field.minimum ?? field.exclusiveMinimum}
              max={field.maximum ?? field.exclusiveMaximum}
              value={String(value ?? '')}
              onInput={(event) => onChange(name, event.currentTarget.value)}
            />
          );
        }
        return (
          <div class={`review-field${error ? ' invalid' : ''}`} key={name} data-field={name}>
            <label for={id}>
              {label}
              {required.has(name) ? ' *' : ''}
            </label>
            {control}
            {help && (
              <p class="hint" id={`${id}-help`}>
                {help}
              </p>
            )}
            {error && (
              <p class="error" id={`${id}-error`}>
                {error}
              </p>
            )}
          </div>
        );
      })}
    </div>
  );
}
