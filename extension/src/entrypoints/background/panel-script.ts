import { PANEL_SCRIPT } from '../../annotate/panel-bridge.ts';
import { CAPTURE_SCRIPT } from '../../capture/capture-bridge.ts';

/** The scripts a content script may ask for: only these, never a file it names. */
type OnDemandScript = typeof PANEL_SCRIPT | typeof CAPTURE_SCRIPT;

/** The part of `browser.scripting` this needs. */
export interface PanelScripting {
  executeScript(injection: {
    target: { tabId: number; frameIds: number[] };
    files: [OnDemandScript];
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
export function injectPanelScript(sender: PanelSender, scripting: PanelScripting): Promise<void> {
  return injectOnDemand(sender, scripting, PANEL_SCRIPT);
}

/** Injects the capture's reader (entrypoints/capture-reader.ts) the same way. */
export function injectCaptureScript(sender: PanelSender, scripting: PanelScripting): Promise<void> {
  return injectOnDemand(sender, scripting, CAPTURE_SCRIPT);
}

async function injectOnDemand(sender: PanelSender, scripting: PanelScripting, file: OnDemandScript): Promise<void> {
  const tabId = sender.tab?.id;
  if (tabId === undefined) throw new Error('only a content script in a tab can ask for Margin’s scripts');
  await scripting.executeScript({ target: { tabId, frameIds: [sender.frameId ?? 0] }, files: [file] });
}
