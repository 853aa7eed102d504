import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { API } from '../../../../shared/api/index.ts';
import type { ItemFacets, NextItem } from '../../../../shared/history.ts';
import type { Item } from '../../../../shared/item.ts';
import { DEFAULT_SHORTCUTS, SHORTCUT_LABELS, type ShortcutAction } from '../../../../shared/shortcuts.ts';
import { api, errorText } from '../api.ts';
import { FILTER_KEYS, filtersFrom, HistoryFilters, type HistoryFilterValues } from '../components/history-filters.tsx';
import { HistoryItem } from '../components/history-item.tsx';
import { invalidateFacets } from '../facets.ts';
import { formatCount } from '../format.ts';
import type { PageProps } from '../page.ts';
import { navigate, routeHref } from '../router.ts';
import './history.css';
import { Notices } from '../components/notices.tsx';

/** What a rating key stores: the same keys, and the same 0–100 scores, as the extension. */
const RATINGS: Partial<Record<ShortcutAction, { thumb?: 'up' | 'down'; score?: number }>> = {
  thumbsUp: { thumb: 'up' },
  thumbsDown: { thumb: 'down' },
  score1: { score: 0 },
  score2: { score: 25 },
  score3: { score: 50 },
  score4: { score: 75 },
  score5: { score: 100 },
};
const KEYS = Object.entries(DEFAULT_SHORTCUTS).map(([action, key]) => [key, action as ShortcutAction] as const);
const HELP_ACTIONS: ShortcutAction[] = [
  'thumbsUp',
  'thumbsDown',
  'score1',
  'score5',
  'comment',
  'next',
  'previous',
  'help',
];
const HELP_TEXT: Partial<Record<ShortcutAction, string>> = {
  next: 'Skip this response',
  previous: 'Undo the last rating or skip',
};

type Done = { kind: 'rated'; item: Item; annotationId: string; what: string } | { kind: 'skipped'; item: Item };

function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  if (!element) return false;
  if (element.isContentEditable) return true;
  const tag = element.localName;
  if (tag === 'textarea' || tag === 'select') return true;
  return tag === 'input' && !['button', 'submit', 'checkbox', 'radio'].includes((element as HTMLInputElement).type);
}

function query(values: HistoryFilterValues): Record<string, string> {
  return Object.fromEntries(FILTER_KEYS.filter((key) => values[key] !== '').map((key) => [key, values[key]]));
}

/** Rate your history: the imported responses nobody rated yet, one at a time, from the keyboard. */
export function RateHistoryPage({ route }: PageProps) {
  const filters = filtersFrom(route.params);
  const filterKey = JSON.stringify(query(filters));
  const [next, setNext] = useState<NextItem | null>(null);
  const [facets, setFacets] = useState<ItemFacets | null>(null);
  const [comment, setComment] = useState('');
  const [done, setDone] = useState<Done[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const [busy, setBusy] = useState(false);
  const commentBox = useRef<HTMLTextAreaElement>(null);

  // Keys can come faster than the companion answers ("+ - +" in a second): every action waits for the one before
  // it and then works on the response shown at that moment, so no key is dropped and none rates the wrong response.
  const queue = useRef<Promise<void>>(Promise.resolve());
  const current = useRef({ next, done, comment });
  current.current = { next, done, comment };

  const load = useCallback(async () => {
    try {
      const loaded = await api(API.history.next, { query: JSON.parse(filterKey) as Record<string, string> });
      current.current.next = loaded;
      setNext(loaded);
      setError(null);
    } catch (reason) {
      setError(errorText(reason));
    }
  }, [filterKey]);

  useEffect(() => {
    queue.current = queue.current.then(load);
  }, [load]);
  useEffect(() => {
    api(API.history.facets, {}).then(setFacets, () => {});
  }, [done.length]);

  const act = (work: () => Promise<void>) => {
    setBusy(true);
    const run = queue.current.then(async () => {
      try {
        await work();
      } catch (reason) {
        setError(errorText(reason));
      }
    });
    queue.current = run;
    void run.then(() => {
      if (queue.current === run) setBusy(false);
    });
  };
  const record = (entries: Done[]) => {
    current.current.done = entries;
    setDone(entries);
  };

  const rate = (rating: { thumb?: 'up' | 'down'; score?: number }) =>
    act(async () => {
      const { next: shown, done: list, comment: typed } = current.current;
      const item = shown?.item;
      if (!item) return;
      const note = typed.trim();
      const saved = await api(API.history.rate, {
        params: { id: item.id },
        body: { ...rating, ...(note ? { comment: note } : {}) },
      });
      const what = rating.thumb ? (rating.thumb === 'up' ? 'thumbs up' : 'thumbs down') : `score ${rating.score}`;
      record([...list, { kind: 'rated', item, annotationId: saved.annotation.id, what }]);
      setStatus(`Saved: ${what}${note ? ' with your comment' : ''}. ${DEFAULT_SHORTCUTS.previous} to undo.`);
      current.current.comment = '';
      setComment('');
      invalidateFacets();
      await load();
    });

  const skip = () =>
    act(async () => {
      const { next: shown, done: list } = current.current;
      const item = shown?.item;
      if (!item) return;
      await api(API.history.skip, { params: { id: item.id }, body: {} });
      record([...list, { kind: 'skipped', item }]);
      setStatus(`Skipped. ${DEFAULT_SHORTCUTS.previous} to undo.`);
      await load();
    });

  const undo = () =>
    act(async () => {
      const { next: shown, done: list } = current.current;
      const last = list.at(-1);
      if (!last) return;
      if (last.kind === 'rated') {
        await api(API.annotations.remove, { params: { id: last.annotationId }, query: { baseRevision: 1 } });
      } else await api(API.history.unskip, { params: { id: last.item.id } });
      record(list.slice(0, -1));
      const back = { item: last.item, remaining: (shown?.remaining ?? 0) + 1 };
      current.current.next = back;
      setNext(back);
      setStatus(
        last.kind === 'rated' ? `Undone: the ${last.what} is deleted.` : 'Undone: back to the skipped response.',
      );
      invalidateFacets();
    });

  // A layout effect: the listener holding this render's state is in place before the next key can arrive.
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) {
        if (event.key === 'Escape') (event.target as HTMLElement).blur();
        return;
      }
      const action = KEYS.find(([key]) => key === event.key)?.[1];
      if (!action) return;
      const rating = RATINGS[action];
      if (rating) rate(rating);
      else if (action === 'next') skip();
      else if (action === 'previous') undo();
      else if (action === 'comment') commentBox.current?.focus();
      else if (action === 'help') setHelp((open) => !open);
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const setFilters = (values: HistoryFilterValues) =>
    navigate(routeHref('rate-history', [], query(values)), { replace: true });
  const key = (action: ShortcutAction) => <kbd>{DEFAULT_SHORTCUTS[action]}</kbd>;
  const rated = done.filter((entry) => entry.kind === 'rated').length;

  return (
    <div class="rate-history">
      <header class="rate-header">
        <h2>Rate your history</h2>
        <p class="muted" data-testid="rate-remaining">
          {next ? `${formatCount(next.remaining)} waiting` : 'Loading…'}
          {busy ? ' · saving…' : ''}
          {rated > 0 ? ` · ${formatCount(rated)} rated here` : ''}
        </p>
      </header>
      <HistoryFilters values={filters} facets={facets} onChange={setFilters} />
      <Notices error={error} notice={status} testId="rate-status" />
      {next && !next.item && (
        <p class="empty">
          Nothing left to rate here.{' '}
          {facets && facets.unrated === 0 ? (
            <a href={routeHref('import')}>Import an export</a>
          ) : (
            'Change the filters to see the others.'
          )}
        </p>
      )}
      {next?.item && (
        <>
          <HistoryItem key={next.item.id} item={next.item} />
          <fieldset class="rate-controls">
            <legend class="visually-hidden">Rate this response</legend>
            <button type="button" onClick={() => rate({ thumb: 'up' })}>
              ▲ Good {key('thumbsUp')}
            </button>
            <button type="button" onClick={() => rate({ thumb: 'down' })}>
              ▼ Bad {key('thumbsDown')}
            </button>
            {[1, 2, 3, 4, 5].map((n) => (
              <button key={n} type="button" onClick={() => rate({ score: (n - 1) * 25 })}>
                {n} {key(`score${n}` as ShortcutAction)}
              </button>
            ))}
            <button type="button" onClick={() => skip()}>
              Skip {key('next')}
            </button>
            <button type="button" onClick={() => undo()} disabled={done.length === 0}>
              Undo {key('previous')}
            </button>
            <label class="rate-comment">
              <span>
                Comment {key('comment')} <span class="muted">(kept with the next rating)</span>
              </span>
              <textarea
                ref={commentBox}
                name="comment"
                rows={2}
                value={comment}
                onInput={(event) => setComment(event.currentTarget.value)}
              />
            </label>
          </fieldset>
        </>
      )}
      {help && (
        <dl class="cheat-sheet" aria-label="Keyboard shortcuts">
          {HELP_ACTIONS.map((action) => [
            <dt key={`${action}-key`}>{key(action)}</dt>,
            <dd key={action}>{HELP_TEXT[action] ?? SHORTCUT_LABELS[action]}</dd>,
          ])}
        </dl>
      )}
      <p class="muted">
        Press {key('help')} for the keys. Your ratings are annotations like the ones you make on chat pages: they sync
        to the extension and go into exports.
      </p>
    </div>
  );
}
