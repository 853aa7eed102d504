import type { ComponentChildren } from 'preact';
import { ANNOTATION_FILTER_KEYS, type FacetCount } from '../../../../shared/dashboard.ts';
import type { Query } from '../api.ts';
import { useFacets } from '../facets.ts';

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
  children?: ComponentChildren;
}

function Choice(props: {
  name: string;
  label: string;
  value: string;
  options: FacetCount[];
  any: string;
  onChange(name: string, value: string): void;
}) {
  const known = props.options.some((option) => option.value === props.value);
  return (
    <label>
      {props.label}
      <select
        name={props.name}
        value={props.value}
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
export function Filters({ params, onChange, search, children }: Props) {
  const facets = useFacets();
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(name);
    else next.set(name, value);
    onChange(next);
  };
  const value = (name: string) => params.get(name) ?? '';
  const yesNo = (name: string, label: string) => (
    <label>
      {label}
      <select name={name} value={value(name)} onChange={(event) => set(name, event.currentTarget.value)}>
        <option value="">either</option>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
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
      <Choice name="site" label="Site" value={value('site')} options={facets.sites} any="all" onChange={set} />
      <Choice name="model" label="Model" value={value('model')} options={facets.models} any="all" onChange={set} />
      <Choice
        name="annotator"
        label="Annotator"
        value={value('annotator')}
        options={facets.annotators}
        any="all"
        onChange={set}
      />
      <Choice name="tag" label="Tag" value={value('tag')} options={facets.tags} any="any" onChange={set} />
      <Choice
        name="excludeTag"
        label="Without tag"
        value={value('excludeTag')}
        options={facets.tags}
        any="none"
        onChange={set}
      />
      <label>
        Since
        <input
          type="date"
          name="since"
          value={value('since')}
          onChange={(event) => set('since', event.currentTarget.value)}
        />
      </label>
      <label>
        Before
        <input
          type="date"
          name="until"
          value={value('until')}
          onChange={(event) => set('until', event.currentTarget.value)}
        />
      </label>
      <label class="narrow">
        Score ≥
        <input
          type="number"
          name="minScore"
          min={0}
          max={100}
          value={value('minScore')}
          onChange={(event) => set('minScore', event.currentTarget.value)}
        />
      </label>
      <label class="narrow">
        Score ≤
        <input
          type="number"
          name="maxScore"
          min={0}
          max={100}
          value={value('maxScore')}
          onChange={(event) => set('maxScore', event.currentTarget.value)}
        />
      </label>
      {yesNo('hasComment', 'Comment')}
      {yesNo('hasCorrection', 'Correction')}
      <button type="button" class="link" onClick={clear}>
        Clear filters
      </button>
      {children}
    </form>
  );
}
