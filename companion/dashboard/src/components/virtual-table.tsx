import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type VirtualizerOptions,
} from '@tanstack/virtual-core';
import type { ComponentChild } from 'preact';
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';

export interface Column<T> {
  id: string;
  title: string;
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
}

type Options = VirtualizerOptions<HTMLDivElement, HTMLDivElement>;
/** The sticky header's height (style.css): the rows start this far down the scroller. */
const HEAD_HEIGHT = 34;

/**
 * A table that renders only the rows in view (TanStack Virtual), so 100,000 annotations cost the DOM
 * what 30 do.
 */
export function VirtualTable<T>(props: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  const options = (): Options => ({
    count: props.total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => props.rowHeight,
    scrollToFn: elementScroll,
    observeElementRect,
    observeElementOffset,
    overscan: 12,
    scrollMargin: HEAD_HEIGHT,
    onChange: () => rerender(undefined),
  });
  const [virtualizer] = useState(() => new Virtualizer(options()));
  virtualizer.setOptions(options());
  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  useLayoutEffect(() => virtualizer._willUpdate());

  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? -1;
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
                  scope="col"
                  aria-sort={sorted ? (props.order === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  {column.sort === undefined ? (
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
        <tbody style={{ height: `${virtualizer.getTotalSize()}px` }}>
          {items.map((item) => {
            const row = props.row(item.index);
            const key = row === undefined ? undefined : props.rowKey(row);
            return (
              <tr
                key={item.key}
                aria-rowindex={item.index + 2}
                class={key !== undefined && key === props.selected ? 'selected' : undefined}
                data-row-id={key}
                tabIndex={row === undefined ? -1 : 0}
                style={{
                  gridTemplateColumns: template,
                  height: `${item.size}px`,
                  transform: `translateY(${item.start - HEAD_HEIGHT}px)`,
                }}
                onClick={() => row !== undefined && props.onOpen(row)}
                onKeyDown={(event) => {
                  if (row !== undefined && event.key === 'Enter') props.onOpen(row);
                }}
              >
                {props.columns.map((column) =>
                  row === undefined ? (
                    <td key={column.id} class="placeholder" />
                  ) : (
                    <td key={column.id}>{column.render(row)}</td>
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
