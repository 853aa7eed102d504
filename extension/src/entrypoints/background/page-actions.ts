/** The context-menu item of the fallback that always works: annotate the selected text. */
export const ANNOTATE_SELECTION_MENU = 'margin-annotate-selection';
/** The browser `commands` shortcut (manifest) that opens the controls of the latest response. */
export const OPEN_LATEST_COMMAND = 'open-latest-controls';

/** The menu item's properties: on selections, in pages of supported sites only. */
export function selectionMenuItem(documentUrlPatterns: string[]) {
  return {
    id: ANNOTATE_SELECTION_MENU,
    title: 'Annotate selection',
    contexts: ['selection'] as ['selection'],
    documentUrlPatterns,
  };
}

export interface MenuClick {
  menuItemId: string | number;
  selectionText?: string;
  frameId?: number;
}

/** Sends a request to the content script of one tab (and frame), answering what it answered. */
export type SendToTab = (
  type: 'annotateSelection' | 'openLatestControls',
  data: { text: string } | undefined,
  target: { tabId: number; frameId?: number },
) => Promise<unknown>;

/** "Annotate selection" chosen: the page's content script stores the selection and shows its controls. */
export async function onMenuClicked(info: MenuClick, tab: { id?: number } | undefined, send: SendToTab) {
  if (info.menuItemId !== ANNOTATE_SELECTION_MENU || tab?.id === undefined) return;
  await send('annotateSelection', { text: info.selectionText ?? '' }, { tabId: tab.id, frameId: info.frameId ?? 0 });
}

/** The command shortcut pressed: the active tab's content script focuses its latest response's controls. */
export async function onCommand(command: string, tab: { id?: number } | undefined, send: SendToTab) {
  if (command !== OPEN_LATEST_COMMAND || tab?.id === undefined) return;
  await send('openLatestControls', undefined, { tabId: tab.id });
}
