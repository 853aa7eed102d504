import { describe, expect, it, vi } from 'vitest';
import {
  ANNOTATE_SELECTION_MENU,
  OPEN_LATEST_COMMAND,
  onCommand,
  onMenuClicked,
  selectionMenuItem,
} from '../../extension/src/entrypoints/background/page-actions.ts';

describe('context menu and command', () => {
  it('hands "Annotate selection" to the content script of the tab and frame it was chosen in', async () => {
    const send = vi.fn(async () => ({ ok: true }));
    await onMenuClicked({ menuItemId: ANNOTATE_SELECTION_MENU, selectionText: 'Paris', frameId: 2 }, { id: 5 }, send);
    expect(send).toHaveBeenCalledWith('annotateSelection', { text: 'Paris' }, { tabId: 5, frameId: 2 });
    await onMenuClicked({ menuItemId: 'other' }, { id: 5 }, send);
    await onMenuClicked({ menuItemId: ANNOTATE_SELECTION_MENU }, undefined, send);
    expect(send).toHaveBeenCalledTimes(1);
    expect(selectionMenuItem(['https://chatgpt.com/*'])).toEqual({
      id: ANNOTATE_SELECTION_MENU,
      title: 'Annotate selection',
      contexts: ['selection'],
      documentUrlPatterns: ['https://chatgpt.com/*'],
    });
  });

  it('opens the latest response’s controls in the active tab on the command', async () => {
    const send = vi.fn(async () => ({ ok: true }));
    await onCommand(OPEN_LATEST_COMMAND, { id: 3 }, send);
    expect(send).toHaveBeenCalledWith('openLatestControls', undefined, { tabId: 3 });
    await onCommand('something-else', { id: 3 }, send);
    expect(send).toHaveBeenCalledTimes(1);
  });
});
