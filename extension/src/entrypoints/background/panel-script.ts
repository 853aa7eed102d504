import { PANEL_SCRIPT } from '../../annotate/panel-bridge.ts';

/** The part of `browser.scripting` this needs. */
export interface PanelScripting {
  executeScript(injection: {
    target: { tabId: number; frameIds: number[] };
    files: [typeof PANEL_SCRIPT];
  }): Promise<unknown>;
}

/** Who asked: a content script's tab and frame, as the messaging layer gives them. */
export interface PanelSender {
  tab?: { id?: number };
  frameId?: number;
}

/**
 * Injects the controls' panels (entrypoints/annotate-panels.ts) into the content script world of the
 * frame that asked, the way "Report a broken page" injects its snapshot script: no file the page could
 * load or probe for (nothing web-accessible), and only into a frame where Margin already runs.
 */
export async function injectPanelScript(sender: PanelSender, scripting: PanelScripting): Promise<void> {
  const tabId = sender.tab?.id;
  if (tabId === undefined) throw new Error('only a content script in a tab can ask for the panels');
  await scripting.executeScript({ target: { tabId, frameIds: [sender.frameId ?? 0] }, files: [PANEL_SCRIPT] });
}
