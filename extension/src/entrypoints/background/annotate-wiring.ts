import { browser } from '#imports';
import { allSiteMatches } from '../../sites/index.ts';
import { onMessage, sendMessage } from '../../utils/messaging.ts';
import { originPattern } from '../../utils/origin-pattern.ts';
import type { Settings } from '../../utils/settings.ts';
import type { createAnnotationHandlers } from './annotation-handlers.ts';
import { onCommand, onMenuClicked, type SendToTab, selectionMenuItem } from './page-actions.ts';
import { injectCaptureScript, injectPanelScript } from './panel-script.ts';
import { syncGenericScripts, syncSelfHostedScripts } from './self-hosted.ts';
import { snapshotTab } from './snapshot-tab.ts';
import { createTabHealth } from './tab-health.ts';

type Handlers = ReturnType<typeof createAnnotationHandlers>;

/**
 * Background side of annotating in place, beyond saving: compare mode, the content scripts' page
 * settings, per-tab health reports (popup and toolbar badge), the "Annotate selection" menu, the
 * command shortcut, and the content script on self-hosted origins.
 */
export function wireAnnotatePages(handlers: Handlers, readSettings: () => Promise<Settings>): void {
  const runtimeId = browser.runtime.id;
  const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;
  const fromExtensionPage = (sender: { id?: string; url?: string }) =>
    sender.id === runtimeId && sender.url !== undefined && new URL(sender.url).origin === extensionOrigin;

  onMessage('saveComparison', (message) => handlers.saveComparison(message.data, message.sender));
  onMessage('getConversationRating', (message) => handlers.getConversationRating(message.data, message.sender));
  onMessage('saveConversationRating', (message) => handlers.saveConversationRating(message.data, message.sender));
  onMessage('getPageSettings', (message) => handlers.getPageSettings(message.data, message.sender));
  onMessage('loadPanelKit', (message) => injectPanelScript(message.sender, browser.scripting));
  onMessage('loadCaptureReader', (message) => injectCaptureScript(message.sender, browser.scripting));

  const health = createTabHealth(browser.storage.session, browser.action, () => new Date());
  onMessage('reportHealth', async (message) => {
    const tabId = message.sender.tab?.id;
    if (tabId === undefined || message.sender.frameId !== 0) return;
    await health.report(tabId, await handlers.parseHealthReport(message.data, message.sender));
  });
  onMessage('getTabHealth', (message) => {
    if (!fromExtensionPage(message.sender)) throw new Error('only Margin’s own pages may read tab health');
    return health.get(message.data);
  });
  onMessage('snapshotTab', async (message) => {
    if (!fromExtensionPage(message.sender)) throw new Error('only Margin’s own pages may take a page snapshot');
    const version = browser.runtime.getManifest().version;
    const tabHealth = await health.get(message.data);
    return snapshotTab(message.data, {
      scripting: browser.scripting,
      health: tabHealth,
      version,
      now: () => new Date(),
    });
  });
  browser.tabs.onRemoved.addListener((tabId) => void health.forget(tabId));
  browser.tabs.onUpdated.addListener((tabId, change) => {
    // A new document is loading (on any site: its address may be hidden from us): the old report is
    // about a page that is gone. A supported page reports afresh once it has loaded.
    if (change.status === 'loading') void health.forget(tabId);
  });

  const send: SendToTab = (type, data, target) =>
    type === 'annotateSelection'
      ? sendMessage(type, data ?? { text: '' }, target)
      : sendMessage('openLatestControls', undefined, target);

  /** The menu shows on supported sites and on the origins the person added (self-hosted or generic). */
  async function refreshMenu(): Promise<void> {
    const { selfHostedOrigins, genericOrigins } = await readSettings();
    await browser.contextMenus.removeAll();
    const added = [...selfHostedOrigins, ...genericOrigins].map(originPattern);
    browser.contextMenus.create(selectionMenuItem([...allSiteMatches, ...new Set(added)]));
  }
  browser.contextMenus.onClicked.addListener((info, tab) => void onMenuClicked(info, tab, send).catch(() => {}));
  browser.commands.onCommand.addListener((command, tab) => void onCommand(command, tab, send).catch(() => {}));

  async function syncSelfHosted(): Promise<string[]> {
    const { selfHostedOrigins, genericOrigins } = await readSettings();
    const registered = await syncSelfHostedScripts(selfHostedOrigins, browser.scripting, browser.permissions);
    const generic = await syncGenericScripts(genericOrigins, browser.scripting, browser.permissions);
    await refreshMenu();
    return [...registered, ...generic];
  }
  onMessage('syncSelfHostedOrigins', async (message) => {
    if (!fromExtensionPage(message.sender)) throw new Error('only Margin’s options page may change origins');
    return { registered: await syncSelfHosted() };
  });
  browser.permissions.onAdded.addListener(() => void syncSelfHosted());
  browser.permissions.onRemoved.addListener(() => void syncSelfHosted());
  browser.runtime.onInstalled.addListener(() => void syncSelfHosted());
  browser.runtime.onStartup.addListener(() => void syncSelfHosted());
}
