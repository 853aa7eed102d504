import type { ItemFacets } from '../../../../shared/history.ts';

/** The Rate view's filters, as they sit in the page's address (all strings; empty = no filter). */
export interface HistoryFilterValues {
  site: string;
  model: string;
  since: string;
  until: string;
  minTurns: string;
  maxTurns: string;
  hasCode: string;
}

export const FILTER_KEYS: (keyof HistoryFilterValues)[] = [
  'site',
  'model',
  'since',
  'until',
  'minTurns',
  'maxTurns',
  'hasCode',
];

export function filtersFrom(params: URLSearchParams): HistoryFilterValues {
  const value = (key: string) => params.get(key) ?? '';
  return {
    site: value('site'),
    model: value('model'),
    since: value('since'),
    until: value('until'),
    minTurns: value('minTurns'),
    maxTurns: value('maxTurns'),
    hasCode: value('hasCode'),
  };
}

/** Site, model, date range, conversation length and code: which unrated responses come next. */
export function HistoryFilters(props: {
  values: HistoryFilterValues;
  facets: ItemFacets | null;
  onChange: (values: HistoryFilterValues) => void;
}) {
  const { values, facets } = props;
  const set = (key: keyof HistoryFilterValues) => (event: Event) =>
    props.onChange({ ...values, [key]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  return (
    <form class="history-filters" aria-label="Which responses" onSubmit={(event) => event.preventDefault()}>
      <label>
        Site{' '}
        <select name="site" value={values.site} onChange={set('site')}>
          <option value="">all</option>
          {facets?.sites.map((facet) => (
            <option key={facet.value} value={facet.value}>
              {facet.value} ({facet.count})
            </option>
          ))}
        </select>
      </label>
      <label>
        Model{' '}
        <select name="model" value={values.model} onChange={set('model')}>
          <option value="">all</option>
          {facets?.models.map((facet) => (
            <option key={facet.value} value={facet.value}>
              {facet.value} ({facet.count})
            </option>
          ))}
        </select>
      </label>
      <label>
        From <input type="date" name="since" value={values.since} onChange={set('since')} />
      </label>
      <label>
        to <input type="date" name="until" value={values.until} onChange={set('until')} />
      </label>
      <label>
        Turns{' '}
        <input
          type="number"
          name="minTurns"
          min={1}
          placeholder="min"
          value={values.minTurns}
          onChange={set('minTurns')}
        />
        –
        <input
          type="number"
          name="maxTurns"
          min={1}
          placeholder="max"
          value={values.maxTurns}
          onChange={set('maxTurns')}
        />
      </label>
      <label>
        Code{' '}
        <select name="hasCode" value={values.hasCode} onChange={set('hasCode')}>
          <option value="">either</option>
          <option value="true">with code</option>
          <option value="false">without code</option>
        </select>
      </label>
    </form>
  );
}
