import { useState } from 'preact/hooks';
import { z } from 'zod';
import { ANNOTATION_FILTER_KEYS } from '../../../../shared/dashboard.ts';

/**
 * Named sets of filters (search, filters and sort), kept in this browser's localStorage: they are
 * choices, not data, and outlive the tab (the token does not: it is in sessionStorage).
 */
const STORAGE_KEY = 'margin.savedFilters';
const SAVED_KEYS = [...ANNOTATION_FILTER_KEYS, 'q', 'sort', 'order'];

const savedFiltersSchema = z.array(z.strictObject({ name: z.string().min(1).max(80), query: z.string().max(4_000) }));
export type SavedFilter = z.infer<typeof savedFiltersSchema>[number];

export function loadSavedFilters(): SavedFilter[] {
  try {
    const parsed = savedFiltersSchema.safeParse(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]'));
    return parsed.success ? parsed.data : [];
  } catch {
    return []; // not JSON: start again rather than fail the page
  }
}

function store(list: SavedFilter[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(list));
}

/** The part of the address a saved filter keeps, in a stable order so equal choices compare equal. */
export function filterString(params: URLSearchParams): string {
  const kept = new URLSearchParams();
  for (const key of SAVED_KEYS) {
    const value = params.get(key);
    if (value !== null && value !== '') kept.set(key, value);
  }
  return kept.toString();
}

interface Props {
  params: URLSearchParams;
  /** Replaces the filters with a saved set (other parts of the address are kept by the caller). */
  apply(params: URLSearchParams): void;
}

/** Save the current filters under a name; apply or delete a saved set. */
export function SavedFilters({ params, apply }: Props) {
  const [list, setList] = useState(loadSavedFilters);
  const [name, setName] = useState('');
  const current = filterString(params);
  const active = list.find((saved) => saved.query === current);

  const save = (event: Event) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '' || current === '') return;
    const next = [...list.filter((saved) => saved.name !== trimmed), { name: trimmed, query: current }].sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    store(next);
    setList(next);
    setName('');
  };
  const remove = (saved: SavedFilter) => {
    const next = list.filter((item) => item.name !== saved.name);
    store(next);
    setList(next);
  };

  if (list.length === 0 && current === '') return null;
  return (
    <fieldset class="saved-filters" aria-label="Saved filters">
      {list.length > 0 && (
        <label>
          Saved filters{' '}
          <select
            name="savedFilter"
            value={active?.name ?? ''}
            onChange={(event) => {
              const chosen = list.find((saved) => saved.name === event.currentTarget.value);
              if (chosen) apply(new URLSearchParams(chosen.query));
            }}
          >
            <option value="">{active ? '' : '—'}</option>
            {list.map((saved) => (
              <option key={saved.name} value={saved.name}>
                {saved.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {active && (
        <button type="button" class="link danger" onClick={() => remove(active)}>
          Delete “{active.name}”
        </button>
      )}
      {!active && current !== '' && (
        <form class="save-filter" onSubmit={save}>
          <input
            type="text"
            name="savedFilterName"
            aria-label="Name for these filters"
            placeholder="Name these filters"
            maxLength={80}
            value={name}
            onInput={(event) => setName(event.currentTarget.value)}
          />
          <button type="submit" disabled={name.trim() === ''}>
            Save filters
          </button>
        </form>
      )}
    </fieldset>
  );
}

export { SAVED_KEYS };
