import type { Metadata } from '../../../shared/index.ts';
import { cleanTags } from './chatgpt-feedback.ts';
import { type RenderedResponse, type TreeNode, walkTree } from './conversation-tree.ts';
import type { ExportInput } from './export-input.ts';
import {
  addCount,
  asArray,
  asRecord,
  asString,
  countIn,
  type ImportedConversation,
  type ImportedRating,
  isoTime,
  isRecord,
  paragraphs,
  type SourceEvent,
} from './records.ts';
import { entryElements, fingerprint, type ReadOptions, totalOf } from './source-files.ts';

/** LibreChat's documented default address; the export does not say where the server ran. */
export const LIBRECHAT_ORIGIN = 'http://localhost:3080';
const NO_PARENT = /^0{8}-0{4}-0{4}-0{4}-0{12}$/;
const EPOCH = '1970-01-01T00:00:00.000Z';

type LibreChatMessage = Record<string, unknown>;

/** Reads LibreChat conversation exports (JSON, docs/history-import.md, "LibreChat"): every JSON file given. */
export async function* readLibreChatExport(input: ExportInput, options: ReadOptions): AsyncGenerator<SourceEvent> {
  const entries = input.kind === 'file' ? input.entries : input.entries.filter((entry) => /\.json$/i.test(entry.name));
  yield totalOf(entries);
  for (const entry of entries) {
    yield { kind: 'file', name: entry.name };
    for await (const raw of entryElements(input, entry, '$', options)) {
      const converted = convertLibreChatConversation(raw);
      if ('skip' in converted) yield { kind: 'skipped', reason: converted.skip, count: 1 };
      else yield { kind: 'conversation', conversation: converted };
    }
  }
}

/** The messages of an export: the flat `messages` list, or the recursive `messagesTree` flattened. */
function messagesOf(raw: Record<string, unknown>): { messages: LibreChatMessage[]; children: Map<string, string[]> } {
  const messages: LibreChatMessage[] = [];
  const children = new Map<string, string[]>();
  const stack = [...asArray(raw.messagesTree ?? raw.messages).filter(isRecord)].reverse();
  while (stack.length > 0) {
    const message = stack.pop() as LibreChatMessage;
    messages.push(message);
    const kids = asArray(message.children).filter(isRecord);
    if (kids.length > 0) {
      children.set(
        asString(message.messageId) ?? '',
        kids.map((kid) => asString(kid.messageId) ?? ''),
      );
      stack.push(...[...kids].reverse());
    }
  }
  return { messages, children };
}

const textOf = (part: Record<string, unknown>) =>
  typeof part.text === 'string' ? part.text : (asString(asRecord(part.text).value) ?? '');

function filesText(message: LibreChatMessage): string[] {
  return asArray(message.files)
    .map(asRecord)
    .map((file) => {
      const name = asString(file.filename) ?? asString(file.file_id) ?? 'file';
      return /^image\//.test(asString(file.type) ?? '') ? `[image: ${name}]` : `[file: ${name}]`;
    });
}

function renderResponse(
  parts: readonly LibreChatMessage[],
  defaultModel: string | null,
  skipped: Record<string, number>,
): RenderedResponse | { skip: string } {
  const metadata: Metadata = {};
  const answers: string[] = [];
  const reasoning: string[] = [];
  for (const message of parts) {
    const content = asArray(message.content).filter(isRecord);
    if (content.length === 0) answers.push(asString(message.text) ?? '');
    for (const part of content) {
      const type = asString(part.type) ?? '';
      if (type === 'text') answers.push(textOf(part));
      else if (type === 'think') reasoning.push(asString(part.think) ?? '');
      else if (type === 'tool_call') {
        countIn(metadata, 'librechat.toolCalls');
        if (asRecord(part.tool_call).output !== undefined) countIn(metadata, 'capture.toolOutputs');
      } else if (type === 'image_file' || type === 'image_url') answers.push('[image: image]');
      else if (type !== 'error') addCount(skipped, `unknown content part "${type || 'none'}"`);
    }
    answers.push(...filesText(message));
  }
  const last = parts.at(-1) ?? {};
  if (last.error === true) return { skip: 'error message' };
  const response = paragraphs(answers);
  if (response === '') return { skip: 'response without text' };
  const model = asString(last.model) ?? defaultModel;
  const thinking = paragraphs(reasoning);
  if (last.unfinished === true) metadata['capture.partial'] = true;
  return {
    messageId: asString(last.messageId) ?? 'missing',
    response,
    ...(thinking ? { reasoning: thinking } : {}),
    model,
    modelSource: model ? 'message' : 'unknown',
    createdAt: isoTime(last.createdAt) ?? isoTime(last.updatedAt) ?? EPOCH,
    metadata,
  };
}

function ratingOf(feedback: unknown, createdAt: string): ImportedRating | undefined {
  if (!isRecord(feedback)) return undefined;
  const thumb = feedback.rating === 'thumbsUp' ? 'up' : feedback.rating === 'thumbsDown' ? 'down' : null;
  if (thumb === null) return undefined;
  return {
    thumb,
    score: null,
    tags: cleanTags(feedback.tag === undefined ? [] : [feedback.tag]),
    comment: (asString(feedback.text) ?? '').trim(),
    createdAt,
  };
}

function latest(messages: readonly LibreChatMessage[]): string | null {
  const times = messages.map((message) => isoTime(message.updatedAt) ?? isoTime(message.createdAt) ?? '');
  const last = times.sort().at(-1);
  return last ? last : null;
}

/** One exported LibreChat conversation (`{ conversationId, messages | messagesTree }`). */
export function convertLibreChatConversation(raw: unknown): ImportedConversation | { skip: string } {
  if (!isRecord(raw)) return { skip: 'conversation that is not an object' };
  const conversationId = asString(raw.conversationId);
  if (!conversationId) return { skip: 'conversation without an id' };
  const { messages, children } = messagesOf(raw);
  if (messages.length === 0) return { skip: 'conversation without messages' };
  const nodes: TreeNode<LibreChatMessage>[] = messages.map((message, index) => {
    const id = asString(message.messageId) ?? `${conversationId}#${index}`;
    const parent = asString(message.parentMessageId);
    const childIds = children.get(id);
    return {
      id,
      parentId: parent && !NO_PARENT.test(parent) ? parent : null,
      ...(childIds ? { childIds } : {}),
      order: Date.parse(asString(message.createdAt) ?? '') || index,
      value: message,
    };
  });
  const options = asRecord(raw.options);
  const defaultModel = asString(options.model) ?? null;
  const skipped: Record<string, number> = {};
  const byId = new Map(messages.map((message) => [message.messageId, message]));
  const url = `${LIBRECHAT_ORIGIN}/c/${encodeURIComponent(conversationId)}`;
  const responses = walkTree(
    nodes,
    conversationId,
    {
      kind: (message) => (message.isCreatedByUser === true ? 'prompt' : 'part'),
      prompt: (message, nodeId) => ({
        message: { role: 'user', content: paragraphs([asString(message.text) ?? '', ...filesText(message)]) },
        nativeId: asString(message.messageId) ?? nodeId,
      }),
      response: (parts) => renderResponse(parts, defaultModel, skipped),
    },
    skipped,
  ).map((walked) => {
    const rating = ratingOf(byId.get(walked.messageId)?.feedback, walked.createdAt);
    return { ...walked, conversationId, url, ...(rating ? { rating } : {}) };
  });
  return {
    site: 'librechat',
    conversationId,
    fingerprint: fingerprint(raw),
    updatedAt: latest(messages),
    responses,
    comparisons: [],
    skipped,
  };
}
