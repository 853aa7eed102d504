import type { Page } from 'puppeteer-core';
import type { Annotation, Comparison } from '../../../shared/index.ts';
import { type BidiConnection, contextOf, type FirefoxSession } from '../../support/firefox.ts';
import { readThrough } from './read-through.ts';

interface RemoteNode {
  type: 'node';
  sharedId: string;
  value?: { shadowRoot?: RemoteNode | null };
}

interface EvaluateResult {
  type: 'success' | 'exception';
  result?: { type: string; value?: unknown };
  exceptionDetails?: { text: string };
}

/**
 * Drives the controls inside their CLOSED shadow roots in Firefox, over WebDriver BiDi, the way
 * ControlsDriver does in Chromium over CDP: BiDi hands out closed shadow roots to the test
 * (`serializationOptions.includeShadowTree: 'all'`), elements are found by role and accessible name
 * in the accessibility tree (`browsingContext.locateNodes`, `accessibility` locator, starting at the
 * shadow root), then clicked with a real mouse at their position or typed into with the keyboard.
 * The page itself never gets a reference to anything inside.
 */
export class FirefoxControls {
  constructor(
    readonly page: Page,
    private readonly connection: BidiConnection,
    private readonly hostTag = 'margin-annotator',
  ) {}

  private get context(): string {
    return contextOf(this.page);
  }

  /** Every host with its shadow root (null until its controls render near the viewport). */
  private async hosts(tag = this.hostTag): Promise<RemoteNode[]> {
    const { result } = (await this.connection.send('script.evaluate', {
      expression: `Array.from(document.querySelectorAll(${JSON.stringify(tag)}))`,
      target: { context: this.context },
      awaitPromise: false,
      serializationOptions: { includeShadowTree: 'all', maxDomDepth: 0 },
    })) as { result: EvaluateResult };
    if (result.type !== 'success') throw new Error(result.exceptionDetails?.text ?? 'evaluate failed');
    return (result.result?.value as RemoteNode[]) ?? [];
  }

  /** Calls `fn` with `this` bound to `node` in the page's main world; returns what it returns (JSON values). */
  private async call(node: RemoteNode, fn: string, args: unknown[] = []): Promise<unknown> {
    const { result } = (await this.connection.send('script.callFunction', {
      functionDeclaration: fn,
      this: { sharedId: node.sharedId },
      arguments: args.map((value) => ({ type: 'string', value: String(value) })),
      target: { context: this.context },
      awaitPromise: true,
    })) as { result: EvaluateResult };
    if (result.type !== 'success') throw new Error(result.exceptionDetails?.text ?? 'call failed');
    return deserialize(result.result);
  }

  async hostCount(): Promise<number> {
    return (await this.hosts()).length;
  }

  /** Host #n's shadow root; scrolls an unrendered host into view first, and waits for it. */
  private async shadowOf(host: number, tag = this.hostTag): Promise<RemoteNode> {
    const deadline = Date.now() + 5_000;
    for (let attempt = 0; ; attempt++) {
      const hosts = await this.hosts(tag);
      const found = hosts[host];
      const shadow = found?.value?.shadowRoot;
      if (found && shadow) return shadow;
      if (!found || Date.now() > deadline) throw new Error(`no shadow root in ${tag} #${host} (of ${hosts.length})`);
      if (attempt === 0) await this.call(found, 'function () { this.scrollIntoView({ block: "center" }); }');
      await sleep(25);
    }
  }

  /** The element with this role and accessible name in host #n (name '' = any name). */
  private async find(host: number, role: string, name: string, tag = this.hostTag): Promise<RemoteNode> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const shadow = await this.shadowOf(host, tag);
      const { result } = (await this.connection.send('browsingContext.locateNodes', {
        context: this.context,
        locator: { type: 'accessibility', value: name === '' ? { role } : { role, name } },
        startNodes: [{ sharedId: shadow.sharedId }],
      })) as { result: { nodes: RemoteNode[] } };
      const [node] = result.nodes;
      if (node) return node;
      if (Date.now() > deadline) throw new Error(`no ${role} named "${name}" in ${tag} #${host}`);
      await sleep(25);
    }
  }

  /** A real mouse click at the element's centre, after scrolling it into view. */
  async click(host: number, role: string, name: string): Promise<void> {
    const node = await this.find(host, role, name);
    const box = (await this.call(
      node,
      `function () {
        this.scrollIntoView({ block: 'center' });
        const r = this.getBoundingClientRect();
        return JSON.stringify({ x: r.x + r.width / 2, y: r.y + r.height / 2 });
      }`,
    )) as string;
    const { x, y } = JSON.parse(box) as { x: number; y: number };
    await this.page.mouse.click(x, y);
  }

  /** Focuses a field, clears it (unless told not to) and types like a keyboard. */
  async type(host: number, role: string, name: string, text: string, { replace = true } = {}): Promise<void> {
    const node = await this.find(host, role, name);
    await this.call(node, 'function () { this.focus(); }');
    if (replace) {
      await this.page.keyboard.down('Control');
      await this.page.keyboard.press('a');
      await this.page.keyboard.up('Control');
      await this.page.keyboard.press('Delete');
    }
    await this.page.keyboard.type(text);
  }

  async press(host: number, role: string, name: string, key: Parameters<Page['keyboard']['press']>[0]): Promise<void> {
    const node = await this.find(host, role, name);
    await this.call(node, 'function () { this.focus(); }');
    await this.page.keyboard.press(key);
  }

  async fieldValue(host: number, role: string, name: string): Promise<string> {
    return String(await this.call(await this.find(host, role, name), 'function () { return String(this.value); }'));
  }

  async statusText(host: number): Promise<string> {
    return String(await this.call(await this.find(host, 'status', ''), 'function () { return this.textContent; }'));
  }

  /** All text of host #n's controls. */
  async hostText(host: number): Promise<string> {
    const shadow = await this.shadowOf(host);
    return String(await this.call(shadow, "function () { return this.querySelector('.root')?.textContent ?? ''; }"));
  }

  /** Whether another of Margin's hosts (e.g. the cheat sheet's) shows a dialog with this name. */
  async dialogIn(tag: string, name: string): Promise<boolean> {
    try {
      await this.find(0, 'dialog', name, tag);
      return true;
    } catch {
      return false;
    }
  }

  async waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeout = 15_000): Promise<T> {
    const deadline = Date.now() + timeout;
    let last: T | undefined;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        last = await read();
        if (accept(last)) return last;
      } catch (error) {
        lastError = error;
      }
      await sleep(50);
    }
    throw new Error(
      `timed out waiting for ${what}; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${String(lastError)}` : ''}`,
    );
  }

  async waitForHosts(count: number): Promise<void> {
    await this.waitFor(
      async () => {
        const found = await this.hostCount();
        // Responses far below (or above) have no controls until they near the viewport.
        if (found < count) await readThrough(this.page);
        return found;
      },
      (value) => value === count,
      `${count} controls hosts`,
      // The content script starts at document_idle and asks the background for settings first: on
      // two cores at load 32 that took up to 14 s.
      60_000,
    );
  }

  async waitForStatus(host: number, pattern: RegExp): Promise<string> {
    return this.waitFor(
      () => this.statusText(host),
      (text) => pattern.test(text),
      `status ${pattern} on host #${host}`,
    );
  }
}

function deserialize(value: { type: string; value?: unknown } | undefined): unknown {
  if (!value) return undefined;
  if (value.type === 'undefined' || value.type === 'null') return null;
  return value.value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One object store of the extension's IndexedDB, read from one of its pages (the extension's origin;
 * Firefox's background is an event page the test cannot reach). The page stays open for later reads.
 */
export class ExtensionStore {
  private constructor(private readonly page: Page) {}

  static async open(session: FirefoxSession): Promise<ExtensionStore> {
    return new ExtensionStore(await session.openExtensionPage('popup.html'));
  }

  annotations(): Promise<Annotation[]> {
    return this.read<Annotation>('annotations');
  }

  comparisons(): Promise<Comparison[]> {
    return this.read<Comparison>('comparisons');
  }

  async read<T>(store: string): Promise<T[]> {
    return (await this.page.evaluate(
      (name) =>
        new Promise<unknown[]>((resolve, reject) => {
          const request = indexedDB.open('margin');
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const db = request.result;
            if (!db.objectStoreNames.contains(name)) {
              db.close();
              resolve([]);
              return;
            }
            const all = db.transaction(name).objectStore(name).getAll();
            all.onsuccess = () => {
              db.close();
              resolve(all.result);
            };
            all.onerror = () => reject(all.error);
          };
        }),
      store,
    )) as T[];
  }
}
