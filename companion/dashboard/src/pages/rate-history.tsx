import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
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

  const load = useCallback(async () => {
    try {
      setNext(await api(API.history.next, { query: JSON.parse(filterKey) as Record<string, string> }));
      setError(null);
    } catch (reason) {
      setError(errorText(reason));
    }
  }, [filterKey]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    api(API.history.facets, {}).then(setFacets, () => {});
  }, [done.length]);

  const act = async (work: () => Promise<void>) => {
    if (busy) return;
    setBusy(true);
    try {
      await work();
    } catch (reason) {
      setError(errorText(reason));
    } finally {
      setBusy(false);
    }
  };

  const rate = (rating: { thumb?: 'up' | 'down'; score?: number }) =>
    act(async () => {
      const item = next?.item;
      if (!item) return;
      const saved = await api(API.history.rate, {
        params: { id: item.id },
        body: { ...rating, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      });
      const what = rating.thumb ? (rating.thumb === 'up' ? 'thumbs up' : 'thumbs down') : `score ${rating.score}`;
      setDone((list) => [...list, { kind: 'rated', item, annotationId: saved.annotation.id, what }]);
      setStatus(`Saved: ${what}${comment.trim() ? ' with your comment' : ''}. ${DEFAULT_SHORTCUTS.previous} to undo.`);
      setComment('');
      invalidateFacets();
      await load();
    });

  const skip = () =>
    act(async () => {
      const item = next?.item;
      if (!item) return;
      await api(API.history.skip, { params: { id: item.id }, body: {} });
      setDone((list) => [...list, { kind: 'skipped', item }]);
      setStatus(`Skipped. ${DEFAULT_SHORTCUTS.previous} to undo.`);
      await load();
    });

  const undo = () =>
    act(async () => {
      const last = done.at(-1);
      if (!last) return;
      if (last.kind === 'rated') {
        await api(API.annotations.remove, { params: { id: last.annotationId }, query: { baseRevision: 1 } });
      } else await api(API.history.unskip, { params: { id: last.item.id } });
      setDone((list) => list.slice(0, -1));
      setNext((current) => ({ item: last.item, remaining: (current?.remaining ?? 0) + 1 }));
      setStatus(
        last.kind === 'rated' ? `Undone: the ${last.what} is deleted.` : 'Undone: back to the skipped response.',
      );
      invalidateFacets();
    });

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) {
        if (event.key === 'Escape') (event.target as HTMLElement).blur();
        return;
      }
      const action = KEYS.find(([key]) => key === event.key)?.[1];
      if (!action) return;
      const rating = RATINGS[action];
      if (rating) void rate(rating);
      else if (action === 'next') void skip();
      else if (action === 'previous') void undo();
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
          {rated > 0 ? ` · ${formatCount(rated)} rated here` : ''}
        </p>
      </header>
      <HistoryFilters values={filters} facets={facets} onChange={setFilters} />
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {status && (
        <p role="status" class="ok" data-testid="rate-status">
          {status}
        </p>
      )}
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
            <button type="button" onClick={() => void rate({ thumb: 'up' })} disabled={busy}>
              ▲ Good {key('thumbsUp')}
            </button>
            <button type="button" onClick={() => void rate({ thumb: 'down' })} disabled={busy}>
              ▼ Bad {key('thumbsDown')}
            </button>
            {[1, 2, 3, 4, 5].map((n) => (
              <button key={n} type="button" onClick={() => void rate({ score: (n - 1) * 25 })} disabled={busy}>
                {n} {key(`score${n}` as ShortcutAction)}
              </button>
            ))}
            <button type="button" onClick={() => void skip()} disabled={busy}>
              Skip {key('next')}
            </button>
            <button type="button" onClick={() => void undo()} disabled={busy || done.length === 0}>
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
