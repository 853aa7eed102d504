import type { CDPSession, Page, Request } from 'playwright-core';
import type { ChromiumSession } from '../../support/chromium.ts';

export type RequestSource = 'service worker' | 'extension page' | 'content script';

export interface ExtensionRequest {
  source: RequestSource;
  url: string;
}

interface StackTrace {
  callFrames: { url: string }[];
  parent?: StackTrace;
}

function stackUrls(stack: StackTrace | undefined): string[] {
  const urls: string[] = [];
  for (let at = stack; at; at = at.parent) urls.push(...at.callFrames.map((frame) => frame.url));
  return urls;
}

/**
 * Every network request the extension makes, wherever it runs: its service worker and its own pages
 * (Playwright reports both), and its content scripts inside chat pages, whose requests the page
 * reports as its own: DevTools' initiator stack tells them apart (a frame of the extension's script).
 * Loads of the extension's own files (chrome-extension://) are not network and are left out.
 */
export function recordExtensionRequests(session: ChromiumSession) {
  const origin = `chrome-extension://${session.extensionId}/`;
  const requests: ExtensionRequest[] = [];
  const sessions: CDPSession[] = [];
  const record = (source: RequestSource, url: string) => {
    if (!url.startsWith(origin)) requests.push({ source, url });
  };

  session.context.on('request', (request: Request) => {
    const worker = request.serviceWorker();
    if (worker) {
      if (worker.url().startsWith(origin)) record('service worker', request.url());
      return;
    }
    if (request.frame().page().url().startsWith(origin)) record('extension page', request.url());
  });

  return {
    requests,
    /**
     * Watches a chat page for requests its content scripts start; call before the page navigates,
     * so nothing starts unseen. Returns the page's DevTools session.
     */
    async watchChatPage(page: Page): Promise<CDPSession> {
      const cdp = await session.context.newCDPSession(page);
      sessions.push(cdp);
      cdp.on('Network.requestWillBeSent', (event) => {
        const initiator = event.initiator as { url?: string; stack?: StackTrace };
        const urls = [...stackUrls(initiator.stack), initiator.url ?? ''];
        if (urls.some((url) => url.startsWith(origin))) record('content script', event.request.url);
      });
      await cdp.send('Network.enable');
      return cdp;
    },
    /** Requests to anywhere but `allowedOrigin`. */
    foreign(allowedOrigin: string): ExtensionRequest[] {
      return requests.filter((request) => new URL(request.url).origin !== allowedOrigin);
    },
    async dispose(): Promise<void> {
      await Promise.all(sessions.map((cdp) => cdp.detach().catch(() => undefined)));
    },
  };
}

/**
 * Runs `expression` in the content script's world of `page` (its isolated world), as if the content
 * script's own file ran it: the sourceURL names one (ChatGPT's), so its requests carry the same initiator.
 */
export async function evaluateAsContentScript(cdp: CDPSession, extensionId: string, expression: string): Promise<void> {
  const contexts: { id: number; origin: string; auxData?: { type?: string } }[] = [];
  cdp.on('Runtime.executionContextCreated', (event) => contexts.push(event.context));
  await cdp.send('Runtime.enable');
  const world = contexts.find(
    (context) => context.auxData?.type === 'isolated' && context.origin === `chrome-extension://${extensionId}`,
  );
  if (!world) throw new Error(`no content script world of ${extensionId} in this page`);
  await cdp.send('Runtime.evaluate', {
    contextId: world.id,
    expression: `${expression}\n//# sourceURL=chrome-extension://${extensionId}/content-scripts/chatgpt.js`,
    awaitPromise: true,
  });
}
