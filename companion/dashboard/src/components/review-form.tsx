import type { FieldErrors, FormDraft } from '../../../../shared/review-draft.ts';
import { fieldLabel, type ReviewForm, type ReviewFormField } from '../../../../shared/review-form.ts';
import './review-form.css';

function hint(field: ReviewFormField): string | null {
  if (field.type === 'number' || field.type === 'integer') {
    const low = field.minimum ?? field.exclusiveMinimum;
    const high = field.maximum ?? field.exclusiveMaximum;
    const kind = field.type === 'integer' ? 'A whole number' : 'A number';
    if (low !== undefined && high !== undefined) return `${kind} from ${low} to ${high}.`;
    if (low !== undefined) return `${kind}, at least ${low}.`;
    if (high !== undefined) return `${kind}, at most ${high}.`;
  }
  if (field.type === 'string' && !field.enum && field.maxLength !== undefined) {
    return `At most ${field.maxLength} characters.`;
  }
  return null;
}

interface FieldProps {
  name: string;
  field: ReviewFormField;
  required: boolean;
  value: string | boolean | undefined;
  error: string | undefined;
  disabled: boolean;
  onChange(value: string | boolean): void;
}

function Field({ name, field, required, value, error, disabled, onChange }: FieldProps) {
  const id = `review-field-${name}`;
  const describedBy = [field.description ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = {
    id,
    name,
    disabled,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    'aria-required': required || undefined,
  };
  const label = fieldLabel(name, field);
  const extra = hint(field);
  let control: preact.JSX.Element;
  if (field.type === 'boolean') {
    control = (
      <label class="review-switch">
        <input
          {...common}
          type="checkbox"
          role="switch"
          aria-checked={value === true}
          checked={value === true}
          onChange={(event) => onChange(event.currentTarget.checked)}
        />
        <span class="review-switch-track" aria-hidden="true" />
        <span>{label}</span>
      </label>
    );
  } else if (field.enum) {
    const options = field.enum.map(String);
    control = (
      <select {...common} value={String(value ?? '')} onChange={(event) => onChange(event.currentTarget.value)}>
        {(field.default === undefined || !required) && <option value="">{required ? 'Choose…' : '—'}</option>}
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (field.type === 'string') {
    const long = (field.maxLength ?? 0) > 200;
    const props = {
      ...common,
      value: String(value ?? ''),
      minLength: field.minLength,
      maxLength: field.maxLength,
      onInput: (event: { currentTarget: { value: string } }) => onChange(event.currentTarget.value),
    };
    control = long ? <textarea {...props} rows={4} /> : <input {...props} type="text" />;
  } else {
    control = (
      <input
        {...common}
        type="number"
        inputMode={field.type === 'integer' ? 'numeric' : 'decimal'}
        step={field.type === 'integer' ? 1 : 'any'}
        min={field.minimum ?? field.exclusiveMinimum}
        max={field.maximum ?? field.exclusiveMaximum}
        value={String(value ?? '')}
        onInput={(event) => onChange(event.currentTarget.value)}
      />
    );
  }
  return (
    <div class={`review-field${error ? ' invalid' : ''}`} data-field={name}>
      {field.type !== 'boolean' && (
        <label for={id}>
          {label}
          {required && (
            <span class="required" title="required">
              {' '}
              *
            </span>
          )}
        </label>
      )}
      {control}
      {(field.description || extra) && (
        <p class="help" id={`${id}-help`}>
          {[field.description, extra].filter(Boolean).join(' ')}
        </p>
      )}
      {error && (
        <p class="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * A review's form, generated from its JSON Schema subset: a choice for an enum, a switch for a
 * boolean, number inputs with the bounds, text inputs with the lengths. The parent keeps the draft and
 * checks it with `validateDraft` (the companion's own zod schema) before it submits.
 */
export function ReviewFormFields(props: {
  form: ReviewForm;
  draft: FormDraft;
  errors: FieldErrors;
  disabled?: boolean;
  onChange(draft: FormDraft): void;
}) {
  const required = new Set(props.form.required);
  return (
    <fieldset class="review-form" disabled={props.disabled}>
      {props.form.title && <legend>{props.form.title}</legend>}
      {props.form.description && <p class="help">{props.form.description}</p>}
      {Object.entries(props.form.properties).map(([name, field]) => (
        <Field
          key={name}
          name={name}
          field={field}
          required={required.has(name)}
          value={props.draft[name]}
          error={props.errors[name]}
          disabled={props.disabled ?? false}
          onChange={(value) => props.onChange({ ...props.draft, [name]: value })}
        />
      ))}
      {props.errors[''] && (
        <p class="error" role="alert">
          {props.errors['']}
        </p>
      )}
    </fieldset>
  );
}
