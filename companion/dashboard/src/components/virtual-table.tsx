import type { ComponentChild } from 'preact';
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import { rowWindow, scrollTopFor } from './row-window.ts';

export interface Column<T> {
  id: string;
  title: string;
  /** What the header cell shows instead of the title (a select-all box); the title stays its name. */
  header?: ComponentChild;
  /** A CSS grid track, e.g. `8rem` or `minmax(10rem, 1fr)`. */
  width: string;
  /** The API's sort key, when the column sorts. */
  sort?: string;
  render(row: T): ComponentChild;
}

interface Props<T> {
  columns: Column<T>[];
  /** Rows in all; only those in view (plus a few) are in the DOM. */
  total: number;
  rowHeight: number;
  /** A loaded row, or undefined while its page is on its way. */
  row(index: number): T | undefined;
  rowKey(row: T): string;
  /** Called with the indexes in view, so the owner can load their page. */
  onRange(start: number, end: number): void;
  onOpen(row: T): void;
  selected?: string | undefined;
  sort: string;
  order: 'asc' | 'desc';
  onSort(sort: string): void;
  label: string;
  /** `x` or space on the row with the cursor (multi-select). */
  onToggle?(row: T, index: number): void;
}

/** Keys that move the cursor: j/k anywhere but in a text field, arrows inside the table. */
const MOVES: Record<string, number> = { j: 1, k: -1, ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 };

/** Typing in a field, or a key with a modifier, is never a table command. */
function isTyping(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return true;
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  return target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
}

/** The sticky header's height (style.css): the rows start this far down the scroller. */
const HEAD_HEIGHT = 34;
const OVERSCAN = 12;

/**
 * A table that renders only the rows in view (row-window.ts), so a million annotations cost the DOM
 * and the first render what 30 do. Keyboard: j/k (anywhere but a text field) or the arrows move a cursor row, Home/End jump,
 * Enter opens, x or space toggles the row's selection.
 */
export function VirtualTable<T>(props: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  // The scroll position and the height in view, read again on every scroll and resize.
  const view = useRef({ scrollTop: 0, viewHeight: 0 });
  const measure = () => {
    const element = scrollRef.current;
    if (!element) return;
    const next = { scrollTop: element.scrollTop, viewHeight: Math.max(0, element.clientHeight - HEAD_HEIGHT) };
    if (next.scrollTop === view.current.scrollTop && next.viewHeight === view.current.viewHeight) return;
    view.current = next;
    rerender(undefined);
  };
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    measure();
    element.addEventListener('scroll', measure, { passive: true });
    const resized = new ResizeObserver(measure);
    resized.observe(element);
    return () => {
      element.removeEventListener('scroll', measure);
      resized.disconnect();
    };
  }, []);
  const geometry = { total: props.total, rowHeight: props.rowHeight, ...view.current };
  const rows = rowWindow({ ...geometry, overscan: OVERSCAN });

  // The keyboard cursor: one row index, the only row in the tab order (a roving tabindex).
  const [cursor, setCursor] = useState(0);
  const focusPending = useRef(false);
  const moveTo = (index: number) => {
    const next = Math.max(0, Math.min(props.total - 1, index));
    setCursor(next);
    focusPending.current = true;
    rerender(undefined); // the same row again still needs the focus
    const element = scrollRef.current;
    const top = scrollTopFor(next, geometry);
    if (element && top !== undefined) element.scrollTop = top;
  };
  // Once the row is rendered (after the scroll it may need), it takes the focus.
  useLayoutEffect(() => {
    if (!focusPending.current) return;
    const element = scrollRef.current?.querySelector<HTMLElement>(`tr[aria-rowindex="${cursor + 2}"]`);
    if (element) {
      element.focus({ preventScroll: true });
      focusPending.current = false;
    }
  });
  const latest = useRef({ cursor, props, moveTo });
  latest.current = { cursor, props, moveTo };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const { cursor: at, props: current, moveTo: move } = latest.current;
      if (isTyping(event) || current.total === 0) return;
      const inTable = scrollRef.current?.contains(event.target as Node) ?? false;
      const step = MOVES[event.key];
      if (step !== undefined && (inTable || event.key === 'j' || event.key === 'k')) {
        event.preventDefault();
        // The first j from elsewhere on the page lands on the cursor row itself.
        move(inTable || document.activeElement === scrollRef.current ? at + step : at);
        return;
      }
      if (!inTable) return;
      const row = current.row(at);
      if (event.key === 'Home' || event.key === 'End') {
        event.preventDefault();
        move(event.key === 'Home' ? 0 : current.total - 1);
      } else if (event.key === 'Enter' && row !== undefined) {
        event.preventDefault();
        current.onOpen(row);
      } else if ((event.key === 'x' || event.key === ' ') && row !== undefined && current.onToggle) {
        event.preventDefault();
        current.onToggle(row, at);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const { first, last } = rows;
  const items = Array.from({ length: Math.max(0, last - first + 1) }, (_, offset) => first + offset);
  const { onRange } = props;
  useEffect(() => {
    if (last >= first) onRange(first, last);
  }, [first, last, onRange]);

  const template = props.columns.map((column) => column.width).join(' ');
  // One scroller for header and rows, so they scroll sideways together; the header sticks on top.
  // Table elements laid out as grids: rows are positioned absolutely, which table layout cannot do.
  return (
    <div class="vtable" ref={scrollRef}>
      <table aria-label={props.label} aria-rowcount={props.total + 1}>
        <thead>
          <tr style={{ gridTemplateColumns: template }}>
            {props.columns.map((column) => {
              const sorted = column.sort !== undefined && column.sort === props.sort;
              return (
                <th
                  key={column.id}
                  data-column={column.id}
                  scope="col"
                  aria-sort={sorted ? (props.order === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  {column.header !== undefined ? (
                    column.header
                  ) : column.sort === undefined ? (
                    column.title
                  ) : (
                    <button type="button" class="sort" onClick={() => props.onSort(column.sort as string)}>
                      {column.title}
                      {sorted ? (props.order === 'asc' ? ' ▲' : ' ▼') : ''}
                    </button>
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody style={{ height: `${rows.bodyHeight}px` }}>
          {items.map((index) => {
            const row = props.row(index);
            const key = row === undefined ? undefined : props.rowKey(row);
            return (
              <tr
                key={index}
                aria-rowindex={index + 2}
                class={
                  [key !== undefined && key === props.selected ? 'selected' : '', index === cursor ? 'cursor' : '']
                    .filter(Boolean)
                    .join(' ') || undefined
                }
                data-row-id={key}
                tabIndex={index === cursor ? 0 : -1}
                style={{
                  gridTemplateColumns: template,
                  height: `${props.rowHeight}px`,
                  transform: `translateY(${rows.top(index)}px)`,
                }}
                onFocus={() => setCursor(index)}
                onClick={() => {
                  if (row === undefined) return;
                  setCursor(index);
                  props.onOpen(row);
                }}
              >
                {props.columns.map((column) =>
                  row === undefined ? (
                    <td key={column.id} data-column={column.id} class="placeholder" />
                  ) : (
                    <td key={column.id} data-column={column.id}>
                      {column.render(row)}
                    </td>
                  ),
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
