import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_PX, rowWindow, scrollTopFor } from '../../companion/dashboard/src/components/row-window.ts';

const ROW = 36;

describe('the table window of rows in view', () => {
  it('renders the rows in view and the overscan, each at its place, for a small table', () => {
    const window = rowWindow({ total: 1_000, rowHeight: ROW, scrollTop: 3_600, viewHeight: 720, overscan: 12 });
    expect(window.bodyHeight).toBe(36_000);
    expect([window.first, window.last]).toEqual([100 - 12, 120 + 12]);
    expect(window.top(100)).toBe(3_600);
    expect(window.top(101)).toBe(3_636);
  });

  it('renders nothing for an empty table and stops at the last row', () => {
    const empty = rowWindow({ total: 0, rowHeight: ROW, scrollTop: 0, viewHeight: 720, overscan: 12 });
    expect(empty.last).toBeLessThan(empty.first);
    expect(empty.bodyHeight).toBe(0);
    const end = rowWindow({ total: 30, rowHeight: ROW, scrollTop: 0, viewHeight: 720, overscan: 12 });
    expect([end.first, end.last]).toEqual([0, 29]);
  });

  it('keeps a million rows under the browser height cap, with the first and the last reachable', () => {
    const total = 1_000_000;
    const viewHeight = 720;
    const top = rowWindow({ total, rowHeight: ROW, scrollTop: 0, viewHeight, overscan: 0 });
    expect(top.bodyHeight).toBe(MAX_BODY_PX);
    expect(top.first).toBe(0);
    expect(top.top(0)).toBe(0);
    const bottomScroll = MAX_BODY_PX - viewHeight;
    const bottom = rowWindow({ total, rowHeight: ROW, scrollTop: bottomScroll, viewHeight, overscan: 0 });
    expect(bottom.last).toBe(total - 1);
    // The last row ends where the body ends, so it is wholly in view.
    expect(bottom.top(total - 1) + ROW).toBeCloseTo(MAX_BODY_PX, 3);
  });

  it('brings any row into view with the least scroll, and leaves a row in view where it is', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 100, max: 2_000 }),
        (total, at, to, viewHeight) => {
          const geometry = { total, rowHeight: ROW, viewHeight };
          const body = rowWindow({ ...geometry, scrollTop: 0, overscan: 0 }).bodyHeight;
          const scrollTop = Math.floor(at * Math.max(0, body - viewHeight));
          const index = Math.min(total - 1, Math.floor(to * total));
          const next = scrollTopFor(index, { ...geometry, scrollTop }) ?? scrollTop;
          const window = rowWindow({ ...geometry, scrollTop: next, overscan: 0 });
          // In the rendered range, and inside the view (to a px of rounding when scaled).
          expect(index).toBeGreaterThanOrEqual(window.first);
          expect(index).toBeLessThanOrEqual(window.last);
          const rowTop = window.top(index) - next;
          expect(rowTop).toBeGreaterThanOrEqual(-1e-6);
          if (ROW <= viewHeight) expect(rowTop + ROW).toBeLessThanOrEqual(viewHeight + 1e-6);
        },
      ),
    );
  });
});
