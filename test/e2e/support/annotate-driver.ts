import type { BrowserContext, CDPSession, Page, Worker } from 'playwright-core';
import type { Annotation, Comparison } from '../../../shared/index.ts';
import { readThrough } from './read-through.ts';

/**
 * Drives the controls inside their CLOSED shadow roots the way a person (or a screen reader) finds
 * them: by role and accessible name from the accessibility tree (CDP `Accessibility.queryAXTree`),
 * then a real mouse click at the element's position or keyboard input into the focused element.
 * Reading text for assertions goes through DevTools' DOM view, which sees closed roots; the page cannot.
 */
export class ControlsDriver {
  private constructor(
    readonly page: Page,
    private readonly cdp: CDPSession,
    private readonly hostTag: string,
  ) {}

  /** `hostTag`: the controls beside each response, or another of our hosts (e.g. `margin-selection`). */
  static async attach(context: BrowserContext, page: Page, hostTag = 'margin-annotator'): Promise<ControlsDriver> {
    const cdp = await context.newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('Accessibility.enable');
    return new ControlsDriver(page, cdp, hostTag);
  }

  /** Node ids of every controls host, in document order. */
  private async hostNodeIds(): Promise<number[]> {
    const { root } = await this.cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeIds } = await this.cdp.send('DOM.querySelectorAll', {
      nodeId: root.nodeId,
      selector: this.hostTag,
    });
    return nodeIds;
  }

  async hostCount(): Promise<number> {
    return (await this.hostNodeIds()).length;
  }

  /**
   * The element with this role and name in host #n. Controls render only near the viewport, so like a
   * person it first scrolls the response's controls into view, then waits (briefly) for them.
   */
  private async find(host: number, role: string, name: string) {
    const nodeIds = await this.hostNodeIds();
    const nodeId = nodeIds[host];
    if (nodeId === undefined) throw new Error(`no controls host #${host} (there are ${nodeIds.length})`);
    const deadline = Date.now() + 3_000;
    for (let attempt = 0; ; attempt++) {
      const { nodes } = await this.cdp.send('Accessibility.queryAXTree', {
        nodeId,
        role,
        ...(name === '' ? {} : { accessibleName: name }),
      });
      const node = nodes.find((candidate) => (name === '' || !candidate.ignored) && candidate.backendDOMNodeId);
      if (node?.backendDOMNodeId) return node;
      if (Date.now() > deadline) throw new Error(`no ${role} named "${name}" in controls host #${host}`);
      if (attempt === 0) await this.cdp.send('DOM.scrollIntoViewIfNeeded', { nodeId });
      await this.page.waitForTimeout(25);
    }
  }

  async click(host: number, role: string, name: string): Promise<void> {
    const node = await this.find(host, role, name);
    const backendNodeId = node.backendDOMNodeId as number;
    await this.cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId });
    const { model } = await this.cdp.send('DOM.getBoxModel', { backendNodeId });
    const [x1, y1, , , x3, y3] = model.content as [number, number, number, number, number, number];
    await this.page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
  }

  /** Focuses a field by role and name, optionally clears it, and types like a keyboard would. */
  async type(host: number, role: string, name: string, text: string, { replace = true } = {}): Promise<void> {
    const node = await this.find(host, role, name);
    await this.cdp.send('DOM.focus', { backendNodeId: node.backendDOMNodeId as number });
    if (replace) {
      await this.page.keyboard.press('ControlOrMeta+A');
      await this.page.keyboard.press('Delete');
    }
    await this.page.keyboard.insertText(text);
  }

  async press(host: number, role: string, name: string, key: string): Promise<void> {
    const node = await this.find(host, role, name);
    await this.cdp.send('DOM.focus', { backendNodeId: node.backendDOMNodeId as number });
    await this.page.keyboard.press(key);
  }

  /** The centre of an element in host #n, in page coordinates, after scrolling it into view. */
  async center(host: number, role: string, name: string): Promise<{ x: number; y: number }> {
    const node = await this.find(host, role, name);
    const backendNodeId = node.backendDOMNodeId as number;
    await this.cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId });
    const { model } = await this.cdp.send('DOM.getBoxModel', { backendNodeId });
    const [x1, y1, , , x3, y3] = model.content as [number, number, number, number, number, number];
    return { x: (x1 + x3) / 2, y: (y1 + y3) / 2 };
  }

  /**
   * Calls `functionDeclaration` with `this` bound to an element inside host #n, in the PAGE's main
   * world (DevTools hands out a reference the page's own scripts could never get), e.g. to observe it.
   */
  async callOn(host: number, role: string, name: string, functionDeclaration: string): Promise<unknown> {
    const node = await this.find(host, role, name);
    const { object } = await this.cdp.send('DOM.resolveNode', { backendNodeId: node.backendDOMNodeId as number });
    const { result, exceptionDetails } = await this.cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId as string,
      functionDeclaration,
      returnByValue: true,
    });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value;
  }

  /** The accessibility properties a person would hear: pressed, expanded, value. */
  async state(host: number, role: string, name: string): Promise<{ pressed?: string; value?: string }> {
    const node = await this.find(host, role, name);
    const pressed = node.properties?.find((property) => property.name === 'pressed')?.value.value;
    return { pressed: pressed === undefined ? undefined : String(pressed), value: node.value?.value as string };
  }

  /** A field's current value, read through DevTools (the page cannot see it). */
  async fieldValue(host: number, role: string, name: string): Promise<string> {
    return this.readProperty(host, role, name, 'value');
  }

  async statusText(host: number): Promise<string> {
    return this.readProperty(host, 'status', '', 'textContent');
  }

  private async readProperty(host: number, role: string, name: string, property: string): Promise<string> {
    const node = await this.find(host, role, name);
    const { object } = await this.cdp.send('DOM.resolveNode', { backendNodeId: node.backendDOMNodeId as number });
    const { result } = await this.cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId as string,
      functionDeclaration: `function () { return String(this[${JSON.stringify(property)}] ?? ''); }`,
      returnByValue: true,
    });
    return result.value as string;
  }

  /** Whether the page shows a dialog with this accessible name (ours live in closed roots). */
  async dialogNamed(name: string): Promise<boolean> {
    const { root } = await this.cdp.send('DOM.getDocument', { depth: 0 });
    const { nodes } = await this.cdp.send('Accessibility.queryAXTree', {
      nodeId: root.nodeId,
      role: 'dialog',
      accessibleName: name,
    });
    return nodes.some((node) => !node.ignored);
  }

  /** All text inside host #n's closed shadow root (DevTools sees it; the page cannot). */
  async hostText(host: number): Promise<string> {
    const shadow = await this.shadowRootOf(host);
    const { object } = await this.cdp.send('DOM.resolveNode', { nodeId: shadow });
    const { result } = await this.cdp.send('Runtime.callFunctionOn', {
      objectId: object.objectId as string,
      functionDeclaration: "function () { return this.querySelector('.root')?.textContent ?? ''; }",
      returnByValue: true,
    });
    return result.value as string;
  }

  /** Host #n's shadow root; like `find`, scrolls an unrendered host into view and waits for its controls. */
  private async shadowRootOf(host: number): Promise<number> {
    const deadline = Date.now() + 3_000;
    for (let attempt = 0; ; attempt++) {
      const { root } = await this.cdp.send('DOM.getDocument', { depth: -1, pierce: true });
      const hosts: { nodeId: number; shadowRoots?: { nodeId: number }[] }[] = [];
      const walk = (node: typeof root) => {
        if (node.nodeName === this.hostTag.toUpperCase()) hosts.push(node);
        for (const child of node.children ?? []) walk(child);
      };
      walk(root);
      const found = hosts[host];
      const shadow = found?.shadowRoots?.[0];
      if (shadow) return shadow.nodeId;
      if (!found || Date.now() > deadline) throw new Error(`no shadow root in host #${host}`);
      if (attempt === 0) await this.cdp.send('DOM.scrollIntoViewIfNeeded', { nodeId: found.nodeId });
      await this.page.waitForTimeout(25);
    }
  }

  /** Attribute of the element inside host #n's shadow root matching `selector` (e.g. the theme). */
  async shadowAttribute(host: number, selector: string, attribute: string): Promise<string | null> {
    const shadow = await this.shadowRootOf(host);
    const { nodeId } = await this.cdp.send('DOM.querySelector', { nodeId: shadow, selector });
    if (!nodeId) return null;
    const { attributes } = await this.cdp.send('DOM.getAttributes', { nodeId });
    const index = attributes.indexOf(attribute);
    return index >= 0 ? (attributes[index + 1] ?? null) : null;
  }

  async waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeout = 10_000): Promise<T> {
    const deadline = Date.now() + timeout;
    let last: T | undefined;
    while (Date.now() < deadline) {
      try {
        last = await read();
        if (accept(last)) return last;
      } catch {
        // Not there yet (host not mounted, panel not open): keep polling.
      }
      await this.page.waitForTimeout(50);
    }
    throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
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

/** Every annotation in the extension's IndexedDB, read inside the service worker (extension origin). */
export async function readStoredAnnotations(serviceWorker: Worker): Promise<Annotation[]> {
  return readStore<Annotation>(serviceWorker, 'annotations');
}

/** Every comparison in the extension's IndexedDB. */
export async function readStoredComparisons(serviceWorker: Worker): Promise<Comparison[]> {
  return readStore<Comparison>(serviceWorker, 'comparisons');
}

/**
 * Every row of one object store of the extension's IndexedDB. Runs inside the extension's origin: its
 * service worker or one of its pages (both have `evaluate`), never the chat page.
 */
export async function readStore<T>(context: Pick<Worker, 'evaluate'>, store: string): Promise<T[]> {
  return (await context.evaluate(readObjectStoreInExtension, store)) as T[];
}

/** Serialized into the extension's context by `evaluate`, so it uses nothing from this module. */
function readObjectStoreInExtension(name: string): Promise<unknown[]> {
  return new Promise<unknown[]>((resolve, reject) => {
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
  });
}
