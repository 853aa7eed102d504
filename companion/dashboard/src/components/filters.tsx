import type { ComponentChildren } from 'preact';
import { ANNOTATION_FILTER_KEYS, type FacetCount } from '../../../../shared/dashboard.ts';
import type { Query } from '../api.ts';
import { useFacets } from '../facets.ts';
import { fieldLabel } from '../field-labels.ts';
import { DraftInput } from './draft-input.tsx';

/** The export's filters (and the search) as the API's query: the route's parameters of those names. */
export function filterQuery(params: URLSearchParams, extra: readonly string[] = []): Query {
  const query: Query = {};
  for (const key of [...ANNOTATION_FILTER_KEYS, ...extra]) {
    const value = params.get(key);
    if (value !== null && value !== '') query[key] = value;
  }
  return query;
}

interface Props {
  params: URLSearchParams;
  onChange(params: URLSearchParams): void;
  /** Show the full-text search box (the annotations page). */
  search?: boolean;
  /** Fields the companion refused (they are marked for the person to fix). */
  invalid?: ReadonlySet<string>;
  children?: ComponentChildren;
}

function Choice(props: {
  name: string;
  value: string;
  options: FacetCount[];
  any: string;
  invalid: boolean;
  onChange(name: string, value: string): void;
}) {
  const known = props.options.some((option) => option.value === props.value);
  return (
    <label>
      {fieldLabel(props.name)}
      <select
        name={props.name}
        value={props.value}
        aria-invalid={props.invalid || undefined}
        onChange={(event) => props.onChange(props.name, event.currentTarget.value)}
      >
        <option value="">{props.any}</option>
        {/* A value from the address bar that no annotation has (yet) stays selectable. */}
        {!known && props.value !== '' && <option value={props.value}>{props.value}</option>}
        {props.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.value} ({option.count})
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * The same filters as `margin export` (site, model, annotator, tag, exclude tag, created since and
 * until, score range, has comment, has correction), kept in the route so they survive a reload.
 */
export function Filters({ params, onChange, search, invalid, children }: Props) {
  const facets = useFacets();
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(name);
    else next.set(name, value);
    onChange(next);
  };
  const value = (name: string) => params.get(name) ?? '';
  const bad = (name: string) => invalid?.has(name) ?? false;
  const choice = (name: 'site' | 'model' | 'annotator' | 'tag' | 'excludeTag', options: FacetCount[], any: string) => (
    <Choice name={name} value={value(name)} options={options} any={any} invalid={bad(name)} onChange={set} />
  );
  const yesNo = (name: string) => (
    <label>
      {fieldLabel(name)}
      <select
        name={name}
        value={value(name)}
        aria-invalid={bad(name) || undefined}
        onChange={(event) => set(name, event.currentTarget.value)}
      >
        <option value="">either</option>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    </label>
  );
  const input = (name: string, type: 'date' | 'number') => (
    <label class={type === 'number' ? 'narrow' : undefined} for={`filter-${name}`}>
      {fieldLabel(name)}
      <DraftInput
        id={`filter-${name}`}
        type={type}
        name={name}
        {...(type === 'number' ? { min: 0, max: 100 } : {})}
        value={value(name)}
        aria-invalid={bad(name) || undefined}
        onCommit={(committed) => set(name, committed)}
      />
    </label>
  );
  const clear = () => {
    const next = new URLSearchParams(params);
    for (const key of [...ANNOTATION_FILTER_KEYS, 'q']) next.delete(key);
    onChange(next);
  };
  return (
    <form class="filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
      {search && (
        <label class="search">
          Search
          <input
            type="search"
            name="q"
            placeholder="Words in response, comment or correction"
            value={value('q')}
            onInput={(event) => set('q', event.currentTarget.value)}
          />
        </label>
      )}
      {choice('site', facets.sites, 'all')}
      {choice('model', facets.models, 'all')}
      {choice('annotator', facets.annotators, 'all')}
      {choice('tag', facets.tags, 'any')}
      {choice('excludeTag', facets.tags, 'none')}
      {input('since', 'date')}
      {input('until', 'date')}
      {input('minScore', 'number')}
      {input('maxScore', 'number')}
      {yesNo('hasComment')}
      {yesNo('hasCorrection')}
      <button type="button" class="link" onClick={clear}>
        Clear filters
      </button>
      {children}
    </form>
  );
}
