import { hashId } from '../../../shared/export/hash.ts';
import type { Message } from '../../../shared/index.ts';
import {
  type ChatGptContext,
  type ChatGptNode,
  chatGptKind,
  renderChatGptResponse,
  renderPrompt,
} from './chatgpt-content.ts';
import { type ComparisonEntry, type FeedbackEntry, parseComparison, parseFeedback } from './chatgpt-feedback.ts';
import { type RenderedResponse, type TreeNode, walkTree } from './conversation-tree.ts';
import type { ExportInput } from './export-input.ts';
import { ImportError } from './import-error.ts';
import {
  addCount,
  asRecord,
  asString,
  type ImportedComparison,
  type ImportedConversation,
  type ImportedResponse,
  isoTime,
  isRecord,
  type SourceEvent,
} from './records.ts';
import {
  byShardNumber,
  entryElements,
  findEntries,
  fingerprint,
  listOrObject,
  type ReadOptions,
  totalOf,
  unwrapped,
} from './source-files.ts';

const SHARD = /(^|\/)conversations(-\d+)?\.json$/i;
const FEEDBACK = /(^|\/)message_feedback\.json$/i;
const COMPARISONS = /(^|\/)model_comparisons?\.json$/i;
const ASSET_NAMES = /(^|\/)conversation_asset_file_names\.json$/i;
const EPOCH = '1970-01-01T00:00:00.000Z';

const messageKey = (conversationId: string, messageId: string) => `${conversationId}\u0000${messageId}`;

interface ChatGptState {
  assetNames: Map<string, string>;
  /** Feedback not matched to a response yet, by conversation and message id. */
  feedback: Map<string, FeedbackEntry>;
  comparisons: Map<string, ComparisonEntry[]>;
}

/** Reads a ChatGPT data export (docs/history-import.md, "ChatGPT"): one conversation at a time. */
export async function* readChatGptExport(input: ExportInput, options: ReadOptions): AsyncGenerator<SourceEvent> {
  const state: ChatGptState = { assetNames: new Map(), feedback: new Map(), comparisons: new Map() };
  const skipped: Record<string, number> = {};
  // One JSON file given by name (a conversation saved by another tool) is read whatever it is called.
  const named = findEntries(input, SHARD).sort(byShardNumber);
  const shards = named.length === 0 && input.kind === 'file' ? input.entries : named;
  if (shards.length === 0) {
    throw new ImportError(input.label, 'no conversations.json (or conversations-000.json, …) in this ChatGPT export');
  }
  yield totalOf([...shards, ...[FEEDBACK, COMPARISONS, ASSET_NAMES].flatMap((pattern) => findEntries(input, pattern))]);
  for (const entry of findEntries(input, FEEDBACK)) {
    yield { kind: 'file', name: entry.name };
    for await (const raw of entryElements(input, entry, '$.feedback.*', options)) {
      const parsed = parseFeedback(raw);
      if ('skip' in parsed) addCount(skipped, parsed.skip);
      else state.feedback.set(messageKey(parsed.conversationId, parsed.messageId), parsed);
    }
  }
  for (const entry of findEntries(input, COMPARISONS)) {
    yield { kind: 'file', name: entry.name };
    for await (const raw of entryElements(input, entry, '$.comparisons.*', options)) {
      const parsed = parseComparison(raw);
      if ('skip' in parsed) addCount(skipped, parsed.skip);
      else
        state.comparisons.set(parsed.conversationId, [...(state.comparisons.get(parsed.conversationId) ?? []), parsed]);
    }
  }
  for (const entry of findEntries(input, ASSET_NAMES)) {
    yield { kind: 'file', name: entry.name };
    for await (const names of entryElements(input, entry, '$', options)) {
      for (const [file, name] of Object.entries(asRecord(names))) {
        if (typeof name !== 'string') continue;
        state.assetNames.set(file, name);
        state.assetNames.set(file.replace(/\.[a-z0-9]+$/i, ''), name);
      }
    }
  }
  for (const shard of shards) {
    yield { kind: 'file', name: shard.name };
    for await (const element of entryElements(input, shard, listOrObject('conversations'), options)) {
      for (const raw of unwrapped(element, 'conversations')) {
        const converted = convertChatGptConversation(raw, state);
        if ('skip' in converted) yield { kind: 'skipped', reason: converted.skip, count: 1 };
        else yield { kind: 'conversation', conversation: converted };
      }
    }
  }
  addCount(skipped, 'feedback for a message not in the export', state.feedback.size);
  for (const [conversationId, entries] of state.comparisons) {
    const conversation = conversationFromComparisons(conversationId, entries, state);
    if (conversation) yield { kind: 'conversation', conversation };
  }
  for (const [reason, count] of Object.entries(skipped)) yield { kind: 'skipped', reason, count };
}

const chatGptUrl = (conversationId: string) => `https://chatgpt.com/c/${encodeURIComponent(conversationId)}`;

function readerFor(context: ChatGptContext) {
  return {
    kind: chatGptKind,
    prompt: (node: ChatGptNode) => {
      const message = node.message ?? {};
      return {
        message: { role: 'user' as const, content: renderPrompt(message, context) },
        nativeId: asString(message.id) ?? node.id,
      };
    },
    response: (parts: readonly ChatGptNode[]) => renderChatGptResponse(parts, context),
  };
}

/** One conversation of `conversations.json`, with its feedback and comparison picks. */
export function convertChatGptConversation(raw: unknown, state: ChatGptState): ImportedConversation | { skip: string } {
  if (!isRecord(raw)) return { skip: 'conversation that is not an object' };
  const conversationId = asString(raw.conversation_id) ?? asString(raw.id);
  if (!conversationId) return { skip: 'conversation without an id' };
  if (!isRecord(raw.mapping)) return { skip: 'conversation without mapping' };
  const skipped: Record<string, number> = {};
  const context: ChatGptContext = {
    assetNames: state.assetNames,
    defaultModel: asString(raw.default_model_slug) ?? asString(raw.model_slug) ?? null,
    fallbackTime: isoTime(raw.update_time) ?? isoTime(raw.create_time) ?? EPOCH,
    skipped,
  };
  const nodes: TreeNode<ChatGptNode>[] = [];
  for (const [key, value] of Object.entries(raw.mapping)) {
    const node = asRecord(value);
    const id = asString(node.id) ?? key;
    const message = isRecord(node.message) ? node.message : null;
    const children = Array.isArray(node.children)
      ? node.children.filter((child) => typeof child === 'string')
      : undefined;
    nodes.push({
      id,
      parentId: asString(node.parent) ?? null,
      ...(children ? { childIds: children } : {}),
      order: Number(message?.create_time ?? 0) || 0,
      value: { id, message },
    });
  }
  const url = chatGptUrl(conversationId);
  const responses: ImportedResponse[] = walkTree(nodes, conversationId, readerFor(context), skipped).map((walked) => ({
    ...walked,
    conversationId,
    url,
  }));
  const byMessage = new Map(responses.map((response) => [response.messageId, response]));
  const feedback: FeedbackEntry[] = [];
  for (const response of responses) {
    const key = messageKey(conversationId, response.messageId);
    const found = state.feedback.get(key);
    if (!found) continue;
    response.rating = found.rating;
    feedback.push(found);
    state.feedback.delete(key);
  }
  const picks = state.comparisons.get(conversationId) ?? [];
  state.comparisons.delete(conversationId);
  const comparisons = picks.map((pick) => comparisonOf(pick, conversationId, byMessage, responses, context));
  return {
    site: 'chatgpt',
    conversationId,
    fingerprint: fingerprint(raw, feedback, picks),
    updatedAt: isoTime(raw.update_time) ?? isoTime(raw.create_time),
    responses,
    comparisons,
    skipped,
  };
}

/** A comparison's side: the response in the conversation, else one built from the pick itself. */
function sideOf(
  turn: Record<string, unknown>[],
  before: Record<string, unknown>[],
  conversationId: string,
  byMessage: Map<string, ImportedResponse>,
  responses: ImportedResponse[],
  context: ChatGptContext,
): string {
  const nodes = turn.map((message) => ({ id: asString(message.id) ?? '', message }));
  const rendered: RenderedResponse | { skip: string } = renderChatGptResponse(nodes, context);
  const messageId = 'skip' in rendered ? (asString(turn.at(-1)?.id) ?? 'missing') : rendered.messageId;
  if (byMessage.has(messageId) || 'skip' in rendered) return messageId;
  const history: Message[] = [];
  let prompt = '';
  for (const message of before) {
    const who = asString(asRecord(message.author).role);
    if (who === 'user') {
      prompt = asString(message.id) ?? prompt;
      history.push({ role: 'user', content: renderPrompt(message, context) });
    } else if (who === 'assistant') {
      const answer = renderChatGptResponse([{ id: asString(message.id) ?? '', message }], context);
      if (!('skip' in answer)) history.push({ role: 'assistant', content: answer.response });
    }
  }
  const response: ImportedResponse = {
    ...rendered,
    conversationId,
    url: chatGptUrl(conversationId),
    context: history,
    variant: { index: 1, count: 2, group: `g-${hashId(`${conversationId}:${prompt || history.length - 1}`)}` },
  };
  byMessage.set(messageId, response);
  responses.push(response);
  return messageId;
}

function comparisonOf(
  pick: ComparisonEntry,
  conversationId: string,
  byMessage: Map<string, ImportedResponse>,
  responses: ImportedResponse[],
  context: ChatGptContext,
): ImportedComparison {
  const a = sideOf(pick.original, pick.before, conversationId, byMessage, responses, context);
  const b = sideOf(pick.regenerated, pick.before, conversationId, byMessage, responses, context);
  const built = byMessage.get(b);
  // Two sides built from the pick: the new one is the second variant.
  if (built?.variant?.index === 1 && byMessage.get(a)?.variant?.group === built.variant.group && a !== b) {
    built.variant = { ...built.variant, index: 2 };
  }
  return {
    a,
    b,
    winner: pick.winner,
    createdAt: pick.createdAt ?? byMessage.get(b)?.createdAt ?? context.fallbackTime,
    sourceId: pick.sourceId,
  };
}

/** Picks whose conversation is not in the export: their sides are all there is of it. */
function conversationFromComparisons(
  conversationId: string,
  picks: ComparisonEntry[],
  state: ChatGptState,
): ImportedConversation | null {
  const skipped: Record<string, number> = {};
  const context: ChatGptContext = { assetNames: state.assetNames, defaultModel: null, fallbackTime: EPOCH, skipped };
  const responses: ImportedResponse[] = [];
  const byMessage = new Map<string, ImportedResponse>();
  const comparisons = picks.map((pick) => comparisonOf(pick, conversationId, byMessage, responses, context));
  if (responses.length === 0) return null;
  return {
    site: 'chatgpt',
    conversationId,
    fingerprint: fingerprint(picks),
    updatedAt: null,
    responses,
    comparisons,
    skipped,
  };
}
