import { describe, expect, it } from 'vitest';
import { SNAPSHOT_SCRIPT, snapshotTab } from '../../extension/src/entrypoints/background/snapshot-tab.ts';
import type { TabHealth } from '../../extension/src/utils/page-health.ts';

const health: TabHealth = {
  site: 'chatgpt',
  conversationId: 'c-1',
  turns: 0,
  assistantTurns: 0,
  withControls: 0,
  withoutAnchor: 0,
  streaming: 0,
  problem: { kind: 'no-turns', message: 'ChatGPT: Margin finds no messages -- on this page.' },
  receivedAt: '2026-09-01T10:00:00.000Z',
};
const now = () => new Date('2026-09-02T08:30:00.000Z');
const injected = { html: '<!doctype html>\n<!-- body -->\n<html></html>\n', elements: 12, turns: 0, truncated: false };

describe('snapshotTab (background side of "Report a broken page")', () => {
  it('injects the snapshot script into the top frame only, and heads the file with what Margin knew', async () => {
    const calls: unknown[] = [];
    const result = await snapshotTab(7, {
      scripting: {
        executeScript: async (injection) => {
          calls.push(injection);
          return [{ result: injected }];
        },
      },
      health,
      version: '1.2.3',
      now,
    });
    expect(calls).toEqual([{ target: { tabId: 7, frameIds: [0] }, files: [SNAPSHOT_SCRIPT] }]);
    expect(result).toEqual({
      ok: true,
      fileName: 'margin-page-snapshot-chatgpt-2026-09-02.html',
      html: expect.stringMatching(/^<!doctype html>\n<!-- Margin 1\.2\.3, 2026-09-02T08:30:00\.000Z; site: chatgpt; /),
      elements: 12,
      truncated: false,
    });
    if (!result.ok) throw new Error('expected a snapshot');
    // The header is one comment: a "--" in the health message cannot end it early.
    expect(result.html.split('\n')[1]).toMatch(
      /health check: no-turns: ChatGPT: Margin finds no messages - - on this page\..* -->$/,
    );
    expect(result.html.match(/-->/g)).toHaveLength(2);
  });

  it('says why when the page cannot be read, instead of saving an empty file', async () => {
    const refused = await snapshotTab(7, {
      scripting: {
        executeScript: async () => {
          throw new Error('Cannot access contents of the page');
        },
      },
      health,
      version: '1',
      now,
    });
    expect(refused).toEqual({
      ok: false,
      error: 'Margin could not read this page: Cannot access contents of the page',
    });
    const empty = await snapshotTab(7, {
      scripting: { executeScript: async () => [{ result: null }] },
      health: null,
      version: '1',
      now,
    });
    expect(empty).toEqual({ ok: false, error: 'Margin could not read this page: the snapshot came back empty.' });
  });
});
