import { describe, expect, it } from 'vitest';
import { EDGE, GAP, placePanel } from '../../extension/src/annotate/panel-placement.ts';

const bar = (left: number, top: number) => ({ left, right: left + 300, top, bottom: top + 28 });

describe('placePanel', () => {
  it('opens below the bar when it fits there', () => {
    const at = placePanel(bar(100, 100), { width: 400, height: 200 }, { width: 1280, height: 800, bottom: 800 });
    expect(at).toMatchObject({ side: 'below', top: 128 + GAP, left: 100 });
  });

  it('shifts a wide panel left instead of running off the right edge (the Compare panel did)', () => {
    const at = placePanel(bar(600, 100), { width: 520, height: 200 }, { width: 760, height: 800, bottom: 800 });
    expect(at.left + 520).toBeLessThanOrEqual(760 - EDGE);
    expect(at.left).toBeGreaterThanOrEqual(EDGE);
  });

  it('flips above the bar when a fixed composer leaves no room below', () => {
    const at = placePanel(bar(100, 500), { width: 400, height: 250 }, { width: 1280, height: 800, bottom: 650 });
    expect(at.side).toBe('above');
    expect(at.top + 250).toBeLessThanOrEqual(500);
  });

  it('scrolls inside the roomier side when neither fits, staying inside the viewport', () => {
    const at = placePanel(bar(100, 300), { width: 400, height: 900 }, { width: 1280, height: 700, bottom: 700 });
    expect(at.top).toBeGreaterThanOrEqual(EDGE);
    expect(at.top + at.maxHeight).toBeLessThanOrEqual(700 - EDGE);
  });
});
