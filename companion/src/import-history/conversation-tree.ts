import { hashId } from '../../../shared/export/hash.ts';
import type { Message, Metadata, ModelSource, Variant } from '../../../shared/index.ts';
import { addCount } from './records.ts';

/**
 * How a node takes part in a conversation: a `prompt` (a person's turn), a `part` of a response (an
 * assistant or tool message), a visible `context` message (a system message before the first prompt),
 * or `skip` (a structural root, a hidden message): passed through.
 */
export type NodeKind = 'prompt' | 'part' | 'context' | 'skip';

export interface TreeNode<T> {
  id: string;
  /** Null (or an id not in the tree) for a root. */
  parentId: string | null;
  /** The node's children in the order the export lists them, when it lists them. */
  childIds?: readonly string[];
  /** Sort key among siblings the export does not order (creation time). */
  order: number;
  value: T;
}

/** A response as a source renders it from its parts. */
export interface RenderedResponse {
  /** The id the live capture keys the response on (usually its last assistant message's). */
  messageId: string;
  response: string;
  reasoning?: string;
  model: string | null;
  modelSource: ModelSource;
  createdAt: string;
  metadata: Metadata;
}

/** Where a response is: its conversation, its turn index on its branch, the turns before it. */
export interface ResponsePlace {
  conversationId: string;
  position: number;
  context: readonly Message[];
}

export interface TreeReader<T> {
  kind(value: T): NodeKind;
  /** A prompt as a context message, and the id its page element carries (null when it has none). */
  prompt(value: T, nodeId: string): { message: Message; nativeId: string | null } | null;
  /** A visible message before the first prompt (custom instructions), or null. */
  contextMessage?(value: T): Message | null;
  /** Renders one response from its parts, or says why it is left out. */
  response(parts: readonly T[], place: ResponsePlace): RenderedResponse | { skip: string };
}

export interface WalkedResponse extends RenderedResponse {
  context: Message[];
  variant: Variant | null;
}

interface Frame<T> {
  id: string;
  context: Message[];
  prompt: { nodeId: string; nativeId: string | null; position: number } | null;
  parts: T[];
}

/** Children of each node: the export's own order where it gives one, else creation order. */
function childrenOf<T>(nodes: ReadonlyMap<string, TreeNode<T>>): {
  children: Map<string, string[]>;
  roots: string[];
} {
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  const bySiblingOrder = (parent: TreeNode<T> | undefined) => (a: string, b: string) => {
    const listed = parent?.childIds ?? [];
    const ia = listed.indexOf(a);
    const ib = listed.indexOf(b);
    if (ia !== -1 && ib !== -1) return ia - ib;
    if (ia !== ib) return ia === -1 ? 1 : -1;
    const na = nodes.get(a) as TreeNode<T>;
    const nb = nodes.get(b) as TreeNode<T>;
    return na.order - nb.order || (a < b ? -1 : a > b ? 1 : 0);
  };
  for (const node of nodes.values()) {
    const parent = node.parentId === null ? undefined : nodes.get(node.parentId);
    if (!parent || parent.id === node.id) roots.push(node.id);
    else {
      const list = children.get(parent.id);
      if (list) list.push(node.id);
      else children.set(parent.id, [node.id]);
    }
  }
  for (const [parentId, list] of children) list.sort(bySiblingOrder(nodes.get(parentId)));
  roots.sort(bySiblingOrder(undefined));
  return { children, roots };
}

/**
 * Every response of a conversation tree, each with the path from the root to its prompt as context.
 * Sibling responses of one prompt (regenerations, side-by-side pairs) become variants of one group,
 * whose id is the one the live capture computes: `g-` + hash of `conversationId:promptMessageId`
 * (the prompt's turn index when the page has no message id).
 */
export function walkTree<T>(
  list: readonly TreeNode<T>[],
  conversationId: string,
  reader: TreeReader<T>,
  skipped: Record<string, number>,
): WalkedResponse[] {
  const nodes = new Map(list.map((node) => [node.id, node]));
  const { children, roots } = childrenOf(nodes);
  const responses: WalkedResponse[] = [];
  const byPrompt = new Map<string, { group: string; members: WalkedResponse[] }>();
  const seen = new Set<string>();
  const stack: Frame<T>[] = [...roots].reverse().map((id) => ({ id, context: [], prompt: null, parts: [] }));

  const emit = (frame: Frame<T>, parts: T[]): Message[] => {
    if (!frame.prompt) {
      addCount(skipped, 'response before any prompt');
      return frame.context;
    }
    const rendered = reader.response(parts, { conversationId, position: frame.context.length, context: frame.context });
    if ('skip' in rendered) {
      addCount(skipped, rendered.skip);
      return frame.context;
    }
    const walked: WalkedResponse = { ...rendered, context: frame.context, variant: null };
    responses.push(walked);
    const { nodeId, nativeId, position } = frame.prompt;
    const entry = byPrompt.get(nodeId) ?? {
      group: `g-${hashId(`${conversationId}:${nativeId ?? position}`)}`,
      members: [],
    };
    entry.members.push(walked);
    byPrompt.set(nodeId, entry);
    return [...frame.context, { role: 'assistant', content: rendered.response }];
  };

  while (stack.length > 0) {
    const frame = stack.pop() as Frame<T>;
    if (seen.has(frame.id)) continue; // a cycle in a damaged export: each node once
    seen.add(frame.id);
    const node = nodes.get(frame.id) as TreeNode<T>;
    const kids = (children.get(frame.id) ?? []).filter((id) => !seen.has(id));
    let kind = reader.kind(node.value);
    if (kind === 'context' && (frame.prompt !== null || frame.parts.length > 0)) kind = 'skip';

    if (kind === 'prompt') {
      const prompt = reader.prompt(node.value, node.id);
      if (prompt) {
        const before = frame.parts.length > 0 ? emit(frame, frame.parts) : frame.context;
        const context = [...before, prompt.message];
        const next = { nodeId: node.id, nativeId: prompt.nativeId, position: context.length - 1 };
        for (const id of [...kids].reverse()) stack.push({ id, context, prompt: next, parts: [] });
        continue;
      }
      kind = 'skip';
    }
    if (kind === 'context') {
      const message = reader.contextMessage?.(node.value) ?? null;
      const context = message ? [...frame.context, message] : frame.context;
      for (const id of [...kids].reverse()) stack.push({ id, context, prompt: null, parts: [] });
      continue;
    }
    // A part of a response, or a node passed through.
    const parts = kind === 'part' ? [...frame.parts, node.value] : frame.parts;
    const promptKids = kids.filter((id) => reader.kind((nodes.get(id) as TreeNode<T>).value) === 'prompt');
    const otherKids = kids.filter((id) => !promptKids.includes(id));
    const ends = parts.length > 0 && (promptKids.length > 0 || otherKids.length === 0);
    const after = ends ? emit({ ...frame, parts }, parts) : frame.context;
    for (const id of [...otherKids].reverse()) stack.push({ ...frame, id, parts });
    for (const id of [...promptKids].reverse()) stack.push({ id, context: after, prompt: null, parts: [] });
  }

  for (const { group, members } of byPrompt.values()) {
    if (members.length < 2) continue;
    members.forEach((member, index) => {
      member.variant = { index: index + 1, count: members.length, group };
    });
  }
  return responses;
}
