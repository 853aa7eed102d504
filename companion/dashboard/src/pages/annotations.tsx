import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { API } from '../../../../shared/api/index.ts';
import type { AnnotationRow } from '../../../../shared/dashboard.ts';
import { api, errorText, isAbort } from '../api.ts';
import { AnnotationDetail } from '../components/annotation-detail.tsx';
import { Filters, filterQuery } from '../components/filters.tsx';
import { type Column, VirtualTable } from '../components/virtual-table.tsx';
import { formatCount, formatDate, thumbLabel } from '../format.ts';
import type { PageProps } from '../page.ts';
import { navigate, routeHref } from '../router.ts';

const PAGE_ROWS = 100;
const ROW_HEIGHT = 36;
/** Typing in the search box waits this long for the next key; every other filter applies at once. */
const SEARCH_DELAY_MS = 150;

const COLUMNS: Column<AnnotationRow>[] = [
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
  {
    id: 'response',
    title: 'Response',
    width: 'minmax(10rem, 1.4fr)',
    render: (row) => <span class="excerpt muted">{row.responseExcerpt}</span>,
  },
  { id: 'annotator', title: 'Annotator', width: '7rem', sort: 'annotator', render: (row) => row.annotator },
];

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
  return (
    <div class={`annotations${selected ? ' with-detail' : ''}`}>
      <Filters params={params} onChange={(next) => withParams(next)} search />
      <p class="status" data-total={loaded?.total} data-query={loaded?.key} aria-live="polite">
        {loaded === null ? 'Loading…' : `${formatCount(loaded.total)} annotation${loaded.total === 1 ? '' : 's'}`}
        {loaded !== null && loaded.pendingIndex > 0 && (
          <span class="muted"> · indexing {formatCount(loaded.pendingIndex)} recent changes…</span>
        )}
      </p>
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
            columns={COLUMNS}
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
