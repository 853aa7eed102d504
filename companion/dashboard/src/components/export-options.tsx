import { REASONING_FIELDS, REASONING_MODES } from '../../../../shared/export/reasoning.ts';
import { fieldLabel } from '../field-labels.ts';
import { DraftInput } from './draft-input.tsx';

const OPTION_KEYS = [
  'dedup',
  'redactPii',
  'skipPartial',
  'split',
  'sftMinScore',
  'pairMinGap',
  'ktoDesirableMin',
  'ktoUndesirableMax',
  'systemPrompt',
  'reasoning',
  'reasoningField',
];

const REASONING_TEXT: Record<(typeof REASONING_MODES)[number], string> = {
  none: 'left out',
  field: 'as a field',
  inline: 'inline <think>',
};

interface Props {
  params: URLSearchParams;
  /** Fields the companion refused. */
  invalid: ReadonlySet<string>;
  /** Sets one field; `drop` names fields to clear in the same step. */
  set(name: string, value: string, drop?: readonly string[]): void;
}

/**
 * The export's rules and options (dedup, redaction, partial captures, split, reasoning, thresholds,
 * system prompt), as `margin export` has them.
 */
export function ExportOptionsForm({ params, invalid, set }: Props) {
  const value = (name: string) => params.get(name) ?? '';
  const split = value('split');
  const bad = (name: string) => invalid.has(name) || undefined;
  const number = (name: string, placeholder: string) => (
    <label class="narrow" for={`option-${name}`}>
      {fieldLabel(name)}
      <DraftInput
        id={`option-${name}`}
        type="number"
        name={name}
        min={0}
        max={100}
        placeholder={placeholder}
        value={value(name)}
        aria-invalid={bad(name)}
        onCommit={(committed) => set(name, committed)}
      />
    </label>
  );
  // Open when something in it differs from the defaults or needs fixing, so nothing that shapes the file is hidden.
  const anyChanged = OPTION_KEYS.some((name) => value(name) !== '');
  return (
    <details class="options" open={anyChanged || invalid.size > 0}>
      <summary>Rules and options</summary>
      <form class="filters" aria-label="Options" onSubmit={(event) => event.preventDefault()}>
        <label>
          <span>
            <input
              type="checkbox"
              name="dedup"
              checked={value('dedup') !== 'false'}
              onChange={(event) => set('dedup', event.currentTarget.checked ? '' : 'false')}
            />{' '}
            {fieldLabel('dedup')}
          </span>
        </label>
        <label>
          <span>
            <input
              type="checkbox"
              name="redactPii"
              checked={value('redactPii') === 'true'}
              onChange={(event) => set('redactPii', event.currentTarget.checked ? 'true' : '')}
            />{' '}
            {fieldLabel('redactPii')}
          </span>
        </label>
        <label>
          <span>
            <input
              type="checkbox"
              name="skipPartial"
              checked={value('skipPartial') === 'true'}
              onChange={(event) => set('skipPartial', event.currentTarget.checked ? 'true' : '')}
            />{' '}
            {fieldLabel('skipPartial')}
          </span>
        </label>
        <label class="narrow" for="option-split">
          {fieldLabel('split')}
          <DraftInput
            id="option-split"
            type="number"
            name="split"
            min={0.01}
            max={0.99}
            step={0.05}
            placeholder="no split"
            value={split}
            aria-invalid={bad('split')}
            onCommit={(committed) => set('split', committed)}
          />
        </label>
        {split !== '' && (
          <label>
            {fieldLabel('part')}
            <select
              name="part"
              value={value('part') || 'train'}
              onChange={(event) => set('part', event.currentTarget.value)}
            >
              <option value="train">train</option>
              <option value="validation">validation</option>
            </select>
          </label>
        )}
        <label>
          {fieldLabel('reasoning')}
          <select
            name="reasoning"
            value={value('reasoning')}
            aria-invalid={bad('reasoning')}
            // The field name goes with field mode only: the options refuse it otherwise.
            onChange={(event) => set('reasoning', event.currentTarget.value, ['reasoningField'])}
          >
            {REASONING_MODES.map((mode) => (
              <option key={mode} value={mode === 'none' ? '' : mode}>
                {REASONING_TEXT[mode]}
              </option>
            ))}
          </select>
        </label>
        {value('reasoning') === 'field' && (
          <label>
            {fieldLabel('reasoningField')}
            <select
              name="reasoningField"
              value={value('reasoningField')}
              aria-invalid={bad('reasoningField')}
              onChange={(event) => set('reasoningField', event.currentTarget.value)}
            >
              {REASONING_FIELDS.map((field) => (
                <option key={field} value={field === 'reasoning_content' ? '' : field}>
                  {field}
                </option>
              ))}
            </select>
          </label>
        )}
        {number('sftMinScore', '70')}
        {number('pairMinGap', '15')}
        {number('ktoDesirableMin', '70')}
        {number('ktoUndesirableMax', '40')}
        <label for="option-systemPrompt">
          {fieldLabel('systemPrompt')} (when the conversation has none)
          <DraftInput
            id="option-systemPrompt"
            type="text"
            name="systemPrompt"
            value={value('systemPrompt')}
            aria-invalid={bad('systemPrompt')}
            onCommit={(committed) => set('systemPrompt', committed)}
          />
        </label>
      </form>
    </details>
  );
}
