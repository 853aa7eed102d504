/**
 * Watches the whole page for what can mount or finish a response, and can leave some subtrees out:
 * the text of responses still streaming. A response streams in thousands of mutations, one task each,
 * and every callback into a content script's world has a fixed cost (about 20 µs in Chromium,
 * measured with bench/extension.ts) however little it does. Leaving the streaming text out means
 * those mutations cost us nothing, while everything that can finish a response (its action bar
 * appearing next to the text, a stop button going away, an attribute) is still observed.
 *
 * Two observers: one for the adapter's attributes over the whole document (streaming text changes no
 * attributes), one for added and removed nodes. Leaving a subtree out of the second: every ancestor
 * of an excluded element is observed without `subtree`, and every other child of those ancestors with
 * `subtree`, which covers the whole document but the excluded elements' insides. Nodes later added to
 * an ancestor are covered as they arrive.
 */
export class PageObserver {
  private readonly attributes: MutationObserver;
  private readonly nodes: MutationObserver;
  private excluded: readonly Element[] = [];
  /** Ancestors of excluded elements (observed without `subtree`). */
  private path = new Set<Node>();

  constructor(
    private readonly root: Element,
    private readonly attributeFilter: string[],
    callback: (records: MutationRecord[]) => void,
  ) {
    this.attributes = new MutationObserver(callback);
    this.nodes = new MutationObserver((records) => {
      if (this.path.size > 0) this.coverAdded(records);
      callback(records);
    });
  }

  /** Observes the whole document. */
  observeAll(): void {
    this.attributes.disconnect();
    if (this.attributeFilter.length > 0) {
      this.attributes.observe(this.root, { attributes: true, attributeFilter: this.attributeFilter, subtree: true });
    }
    this.observeAllNodes();
  }

  /** Observes everything but the insides of `elements` (all of it when there are none). */
  exclude(elements: readonly Element[]): void {
    const connected = elements.filter((element) => element.isConnected && this.root.contains(element));
    if (sameElements(connected, this.excluded)) return;
    if (connected.length === 0) {
      this.observeAllNodes();
      return;
    }
    this.nodes.disconnect();
    this.excluded = connected;
    const skip = new Set<Node>(connected);
    const path = new Set<Node>();
    for (const element of connected) {
      for (let node = element.parentNode; node && !path.has(node); node = node.parentNode) {
        path.add(node);
        if (node === this.root) break;
      }
    }
    this.path = path;
    for (const node of path) {
      this.nodes.observe(node, SHALLOW);
      for (let child = (node as Element).firstElementChild; child; child = child.nextElementSibling) {
        if (!path.has(child) && !skip.has(child)) this.nodes.observe(child, DEEP);
      }
    }
  }

  disconnect(): void {
    this.attributes.disconnect();
    this.nodes.disconnect();
    this.excluded = [];
    this.path = new Set();
  }

  private observeAllNodes(): void {
    this.nodes.disconnect();
    this.excluded = [];
    this.path = new Set();
    this.nodes.observe(this.root, DEEP);
  }

  /** A node added under an ancestor on the path is not covered by any subtree registration yet. */
  private coverAdded(records: MutationRecord[]): void {
    for (const record of records) {
      if (!this.path.has(record.target)) continue;
      for (const node of Array.from(record.addedNodes)) {
        if (node.nodeType === 1 && !this.path.has(node)) this.nodes.observe(node, DEEP);
      }
    }
  }
}

const SHALLOW: MutationObserverInit = { childList: true };
const DEEP: MutationObserverInit = { childList: true, subtree: true };

function sameElements(a: readonly Element[], b: readonly Element[]): boolean {
  return a.length === b.length && a.every((element) => b.includes(element));
}
