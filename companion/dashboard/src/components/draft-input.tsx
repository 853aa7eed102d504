import { useEffect, useState } from 'preact/hooks';

interface Props {
  id: string;
  name: string;
  type: 'date' | 'number' | 'text';
  min?: number;
  max?: number;
  step?: number;
  placeholder?: string;
  'aria-invalid'?: boolean | undefined;
  /** The committed value (from the address). */
  value: string;
  /** Called on `change` (Enter, Tab, leaving the field, a date picked): the value to commit. */
  onCommit(value: string): void;
}

/**
 * An input whose text is the person's until they commit it. A plain controlled input is reset to the
 * committed value by any re-render (rows or facets arriving while they type), losing what was typed;
 * this one follows the committed value only when that changes (clear filters, a saved filter).
 */
export function DraftInput({ value, onCommit, type, ...rest }: Props) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <input
      {...rest}
      // Preact types an input's attributes by its `type`; one of three is still an input type.
      type={type as 'text'}
      value={draft}
      onInput={(event) => setDraft(event.currentTarget.value)}
      onChange={(event) => onCommit(event.currentTarget.value)}
    />
  );
}
