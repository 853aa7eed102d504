import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { API } from '../../../../shared/api/index.ts';
import type { AnnotationRow } from '../../../../shared/dashboard.ts';
import { api, errorText, isAbort } from '../api.ts';
import { AnnotationDetail } from '../components/annotation-detail.tsx';
import { BulkActions, type BulkResult } from '../components/bulk-actions.tsx';
import { Filters, filterQuery } from '../components/filters.tsx';
import { SAVED_KEYS, SavedFilters } from '../components/saved-filters.tsx';
import { type Column, VirtualTable } from '../components/virtual-table.tsx';
import { formatCount, formatDate, thumbLabel } from '../format.ts';
import type { PageProps } from '../page.ts';
import { navigate, routeHref } from '../router.ts';

const PAGE_ROWS = 100;
const ROW_HEIGHT = 36;
/** Typing in the search box waits this long for the next key; every other filter applies at once. */
const SEARCH_DELAY_MS = 150;

const DATA_COLUMNS: Column<AnnotationRow>[] = [
  { id: 'date', title: 'Date', width: '9.5rem', sort: 'created', render: (row) => formatDate(row.createdAt) },
  { id: 'site', title: 'Site', width: '6rem', sort: 'site', render: (row) => row.site },
  { id: 'model', title: 'Model', width: 'minmax(6rem, 0.6fr)', sort: 'model', render: (row) => row.model ?? '—' },
  {
    id: 'thumb',
    title: 'Thumb',
    width: '5rem',
    sort: 'thumb',
    render: (row) => <span class={`thumb-${row.thumb ?? 'none'}`}>{thumbLabel(row.thumb)}</span>,
  },
  { id: 'score', title: 'Score', width: '4.5rem', sort: 'score', render: (row) => row.score ?? '' },
  {
    id: 'tags',
    title: 'Tags',
    width: 'minmax(6rem, 0.6fr)',
    render: (row) =>
      row.tags.map((tag) => (
        <span class="tag" key={tag}>
          {tag}
        </span>
      )),
  },
  {
    id: 'prompt',
    title: 'Prompt',
    width: 'minmax(10rem, 1.2fr)',
    render: (row) => (
      <span class="excerpt" title={row.prompt}>
        {row.prompt}
      </span>
    ),
  },
  {
    id: 'response',
    title: 'Response',
    width: 'minmax(10rem, 1.4fr)',
    render: (row) => <span class="excerpt muted">{row.responseExcerpt}</span>,
  },
  {
    id: 'comment',
    title: 'Comment',
    width: 'minmax(8rem, 1fr)',
    render: (row) => (
      <span class="excerpt">
        {row.hasCorrection && (
          <span class="badge" title="Has a correction">
            ✎
          </span>
        )}
        {row.commentExcerpt}
      </span>
    ),
  },
  { id: 'annotator', title: 'Annotator', width: '7rem', sort: 'annotator', render: (row) => row.annotator },
];

interface Selection {
  rows: ReadonlyMap<string, AnnotationRow>;
  allLoaded: 'none' | 'some' | 'all';
  toggle(row: AnnotationRow, index: number, range: boolean): void;
  toggleAll(): void;
}

/** The selection box column, then the data. */
function columns(selection: Selection): Column<AnnotationRow>[] {
  return [
    {
      id: 'select',
      title: 'Select',
      width: '2.4rem',
      header: (
        <input
          type="checkbox"
          aria-label="Select every loaded row"
          checked={selection.allLoaded === 'all'}
          indeterminate={selection.allLoaded === 'some'}
          onChange={selection.toggleAll}
        />
      ),
      render: (row) => (
        <input
          type="checkbox"
          aria-label="Select"
          checked={selection.rows.has(row.id)}
          // The row opens on click; the box only selects. Shift-click selects the range from the last box.
          onClick={(event) => {
            event.stopPropagation();
            const index = Number(event.currentTarget.closest('tr')?.getAttribute('aria-rowindex') ?? 2) - 2;
            selection.toggle(row, index, event.shiftKey);
          }}
        />
      ),
    },
    ...DATA_COLUMNS,
  ];
}

interface Loaded {
  key: string;
  total: number;
  pages: Map<number, AnnotationRow[]>;
  pendingIndex: number;
}

/** Every annotation in a virtualized table, searched, filtered and sorted on the companion. */
export function AnnotationsPage({ route }: PageProps) {
  const { params } = route;
  const selected = route.rest[0];
  const sort = params.get('sort') ?? 'created';
  const order = params.get('order') === 'asc' ? 'asc' : 'desc';
  const query = { ...filterQuery(params, ['q']), sort, order };
  const key = JSON.stringify(query);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const inFlight = useRef(new Map<number, AbortController>());
  const current = useRef({ key, revision });
  current.current = { key, revision };
  const lastSearch = useRef(params.get('q') ?? '');
  // Rows ticked for a bulk action (not `selected`, which is the row open in the detail).
  const [checked, setChecked] = useState<ReadonlyMap<string, AnnotationRow>>(new Map());
  const lastTicked = useRef<number | null>(null);
  const [bulkResult, setBulkResult] = useState<BulkResult | null>(null);

  const fetchPage = useCallback(
    (page: number, forKey: string, signal: AbortSignal) =>
      api(
        API.annotations.list,
        { query: { ...(JSON.parse(forKey) as Record<string, string>), offset: page * PAGE_ROWS, limit: PAGE_ROWS } },
        signal,
      ),
    [],
  );

  // A new query (or an edit): load its first page, then swap the table over in one render.
  useEffect(() => {
    for (const controller of inFlight.current.values()) controller.abort();
    inFlight.current.clear();
    const controller = new AbortController();
    const search = (JSON.parse(key) as { q?: string }).q ?? '';
    const delay = search !== lastSearch.current ? SEARCH_DELAY_MS : 0;
    lastSearch.current = search;
    const timer = setTimeout(() => {
      fetchPage(0, key, controller.signal).then(
        (response) => {
          setError(null);
          setLoaded({
            key,
            total: response.total,
            pages: new Map([[0, response.rows]]),
            pendingIndex: response.pendingIndex,
          });
        },
        (reason: unknown) => {
          if (!isAbort(reason)) setError(errorText(reason));
        },
      );
    }, delay);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, revision, fetchPage]);

  const onRange = useCallback(
    (start: number, end: number) => {
      if (loaded === null || loaded.key !== current.current.key) return;
      for (let page = Math.floor(start / PAGE_ROWS); page <= Math.floor(end / PAGE_ROWS); page++) {
        if (loaded.pages.has(page) || inFlight.current.has(page)) continue;
        const controller = new AbortController();
        inFlight.current.set(page, controller);
        const forKey = loaded.key;
        fetchPage(page, forKey, controller.signal).then(
          (response) => {
            inFlight.current.delete(page);
            setLoaded((previous) => {
              if (previous === null || previous.key !== forKey) return previous;
              const pages = new Map(previous.pages);
              pages.set(page, response.rows);
              return { ...previous, pages };
            });
          },
          (reason: unknown) => {
            inFlight.current.delete(page);
            if (!isAbort(reason)) setError(errorText(reason));
          },
        );
      }
    },
    [loaded, fetchPage],
  );

  useEffect(() => {
    if (loaded) performance.mark('margin:annotations-rendered', { detail: loaded.key });
  }, [loaded]);

  // Other filters: what was ticked is out of sight, so nothing stays ticked behind the person's back.
  useEffect(() => {
    setChecked(new Map());
    lastTicked.current = null;
  }, [key]);
  // Reloaded rows (after an edit) replace the ticked copies, so a bulk action uses the new revisions.
  useEffect(() => {
    if (loaded === null) return;
    const fresh = new Map([...loaded.pages.values()].flat().map((item) => [item.id, item]));
    setChecked((previous) =>
      previous.size === 0 ? previous : new Map([...previous].map(([id, item]) => [id, fresh.get(id) ?? item])),
    );
  }, [loaded]);

  // Esc closes the detail, unless the person is typing in it.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key !== 'Escape' || !selected || /^(INPUT|TEXTAREA|SELECT)$/.test(target?.tagName ?? '')) return;
      navigate(routeHref('annotations', [], params));
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [selected, params]);

  const withParams = (next: URLSearchParams, replace = true) =>
    navigate(routeHref('annotations', route.rest, next), { replace });
  const onSort = (column: string) => {
    const next = new URLSearchParams(params);
    const nextOrder = column === sort && order === 'desc' ? 'asc' : 'desc';
    next.set('sort', column);
    next.set('order', nextOrder);
    withParams(next);
  };
  const open = (row: AnnotationRow) => navigate(routeHref('annotations', [row.id], params));
  const close = () => navigate(routeHref('annotations', [], params));

  const row = (index: number) => loaded?.pages.get(Math.floor(index / PAGE_ROWS))?.[index % PAGE_ROWS];
  const loadedRows = loaded ? [...loaded.pages.values()].flat() : [];
  const tickedLoaded = loadedRows.filter((item) => checked.has(item.id)).length;
  const selection: Selection = {
    rows: checked,
    allLoaded: tickedLoaded === 0 ? 'none' : tickedLoaded === loadedRows.length ? 'all' : 'some',
    toggle(item, index, range) {
      const tick = !checked.has(item.id);
      const next = new Map(checked);
      const from = range && lastTicked.current !== null ? Math.min(lastTicked.current, index) : index;
      const to = range && lastTicked.current !== null ? Math.max(lastTicked.current, index) : index;
      for (let at = from; at <= to; at++) {
        const each = at === index ? item : row(at);
        if (each === undefined) continue;
        if (tick) next.set(each.id, each);
        else next.delete(each.id);
      }
      lastTicked.current = index;
      setChecked(next);
    },
    toggleAll() {
      setChecked(tickedLoaded === loadedRows.length ? new Map() : new Map(loadedRows.map((item) => [item.id, item])));
    },
  };
  const applySaved = (saved: URLSearchParams) => {
    const next = new URLSearchParams(params);
    for (const name of SAVED_KEYS) next.delete(name);
    for (const [name, value] of saved) next.set(name, value);
    withParams(next);
  };
  return (
    <div class={`annotations${selected ? ' with-detail' : ''}`}>
      <Filters params={params} onChange={(next) => withParams(next)} search />
      <div class="toolbar">
        <p class="status" data-total={loaded?.total} data-query={loaded?.key} aria-live="polite">
          {loaded === null ? 'Loading…' : `${formatCount(loaded.total)} annotation${loaded.total === 1 ? '' : 's'}`}
          {loaded !== null && loaded.pendingIndex > 0 && (
            <span class="muted"> · indexing {formatCount(loaded.pendingIndex)} recent changes…</span>
          )}
        </p>
        <SavedFilters params={params} apply={applySaved} />
      </div>
      {checked.size > 0 && (
        <BulkActions
          selected={[...checked.values()]}
          onClear={() => setChecked(new Map())}
          onDone={(result, failed) => {
            setBulkResult(result);
            setChecked(new Map([...checked].filter(([id]) => failed.has(id))));
            setRevision((value) => value + 1);
          }}
        />
      )}
      {bulkResult && (
        <p class={bulkResult.error ? 'error' : 'ok'} role="status" data-bulk-result>
          {bulkResult.text}{' '}
          <button type="button" class="link" onClick={() => setBulkResult(null)}>
            Dismiss
          </button>
        </p>
      )}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div class="split">
        {loaded !== null && (
          <VirtualTable
            key={loaded.key}
            label="Annotations"
            columns={columns(selection)}
            onToggle={(item, index) => selection.toggle(item, index, false)}
            total={loaded.total}
            rowHeight={ROW_HEIGHT}
            row={row}
            rowKey={(item) => item.id}
            onRange={onRange}
            onOpen={open}
            selected={selected}
            sort={sort}
            order={order}
            onSort={onSort}
          />
        )}
        {selected && (
          <AnnotationDetail
            key={selected}
            id={selected}
            onClose={close}
            onChanged={() => setRevision((value) => value + 1)}
          />
        )}
      </div>
    </div>
  );
}
