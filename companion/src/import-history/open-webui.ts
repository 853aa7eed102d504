import type { Metadata } from '../../../shared/index.ts';
import { cleanTags } from './chatgpt-feedback.ts';
import { type RenderedResponse, type TreeNode, walkTree } from './conversation-tree.ts';
import type { ExportInput } from './export-input.ts';
import {
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

/** Open WebUI's documented default address; the export does not say where the server ran. */
export const OPEN_WEBUI_ORIGIN = 'http://localhost:3000';
const EPOCH = '1970-01-01T00:00:00.000Z';

type OpenWebUiMessage = Record<string, unknown>;

/** Reads Open WebUI chat exports (docs/history-import.md, "Open WebUI"): every JSON file given. */
export async function* readOpenWebUiExport(input: ExportInput, options: ReadOptions): AsyncGenerator<SourceEvent> {
  const entries = input.kind === 'file' ? input.entries : input.entries.filter((entry) => /\.json$/i.test(entry.name));
  yield totalOf(entries);
  for (const entry of entries) {
    yield { kind: 'file', name: entry.name };
    for await (const raw of entryElements(input, entry, '$', options)) {
      const converted = convertOpenWebUiChat(raw);
      if ('skip' in converted) yield { kind: 'skipped', reason: converted.skip, count: 1 };
      else yield { kind: 'conversation', conversation: converted };
    }
  }
}

const decodeEntities = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * Open WebUI keeps a reasoning model's thoughts and the tool calls inside the reply, as
 * `<details type="reasoning|tool_calls|code_interpreter" …>` blocks: thoughts go to `reasoning`, tool
 * blocks are counted, the rest is the answer.
 */
function splitContent(content: string, metadata: Metadata): { answer: string; reasoning: string } {
  const reasoning: string[] = [];
  const answer = content.replace(
    /<details\s+type="([\w-]+)"[^>]*>([\s\S]*?)<\/details>/g,
    (_, type: string, inner: string) => {
      if (type === 'reasoning') {
        const text = inner
          .replace(/<summary>[\s\S]*?<\/summary>/, '')
          .split('\n')
          .map((line) => line.replace(/^>\s?/, ''))
          .join('\n');
        reasoning.push(decodeEntities(text).trim());
      } else countIn(metadata, 'capture.toolOutputs');
      return '';
    },
  );
  return { answer: answer.trim(), reasoning: paragraphs(reasoning) };
}

function filesText(message: OpenWebUiMessage): string[] {
  return asArray(message.files)
    .map(asRecord)
    .map((file) => {
      const name = asString(file.name) ?? asString(asRecord(file.file).filename) ?? asString(file.id) ?? 'file';
      return file.type === 'image' || /^image\//.test(asString(file.content_type) ?? '')
        ? `[image: ${name}]`
        : `[file: ${name}]`;
    });
}

function ratingOf(annotation: unknown, createdAt: string): ImportedRating | undefined {
  if (!isRecord(annotation)) return undefined;
  const value = Number(annotation.rating);
  const thumb = value > 0 ? 'up' : value < 0 ? 'down' : null;
  const details = Number(asRecord(annotation.details).rating);
  const score = Number.isFinite(details) && details > 0 ? Math.min(100, Math.max(0, Math.round(details * 10))) : null;
  const tags = cleanTags([...asArray(annotation.tags), ...(asString(annotation.reason) ? [annotation.reason] : [])]);
  const comment = (asString(annotation.comment) ?? '').trim();
  if (thumb === null && score === null && tags.length === 0 && comment === '') return undefined;
  return { thumb, score, tags, comment, createdAt };
}

function renderResponse(
  parts: readonly OpenWebUiMessage[],
  defaultModel: string | null,
): RenderedResponse | { skip: string } {
  const metadata: Metadata = {};
  const answers: string[] = [];
  const reasoning: string[] = [];
  for (const message of parts) {
    const split = splitContent(asString(message.content) ?? '', metadata);
    answers.push(split.answer, ...filesText(message));
    reasoning.push(split.reasoning);
  }
  const response = paragraphs(answers);
  const last = parts.at(-1) ?? {};
  if (response === '') return { skip: last.error ? 'error message' : 'response without text' };
  const model = asString(last.model) ?? defaultModel;
  const thinking = paragraphs(reasoning);
  return {
    messageId: asString(last.id) ?? 'missing',
    response,
    ...(thinking ? { reasoning: thinking } : {}),
    model,
    modelSource: model ? 'message' : 'unknown',
    createdAt: isoTime(last.timestamp) ?? EPOCH,
    metadata,
  };
}

/** One chat as Open WebUI stores it (`{ id, chat: { history: { messages, currentId } } }`, or the older bare chat). */
export function convertOpenWebUiChat(raw: unknown): ImportedConversation | { skip: string } {
  if (!isRecord(raw)) return { skip: 'chat that is not an object' };
  const chat = isRecord(raw.chat) ? raw.chat : raw;
  const conversationId = asString(raw.id) || asString(chat.id);
  if (!conversationId) return { skip: 'chat without an id' };
  const history = asRecord(chat.history);
  let messages: OpenWebUiMessage[] = Object.values(asRecord(history.messages)).filter(isRecord);
  if (messages.length === 0) {
    // Only the shown thread, as a list: each message follows the one before it.
    const list = asArray(chat.messages).filter(isRecord);
    messages = list.map((message, index) => ({ ...message, parentId: asString(list[index - 1]?.id) ?? null }));
  }
  if (messages.length === 0) return { skip: 'chat without messages' };
  const nodes: TreeNode<OpenWebUiMessage>[] = messages.map((message, index) => {
    const childIds = asArray(message.childrenIds).filter((id): id is string => typeof id === 'string');
    return {
      id: asString(message.id) ?? `${conversationId}#${index}`,
      parentId: asString(message.parentId) ?? null,
      ...(childIds.length > 0 ? { childIds } : {}),
      order: Number(message.timestamp) || index,
      value: message,
    };
  });
  const defaultModel = asString(asArray(chat.models)[0]) ?? null;
  const skipped: Record<string, number> = {};
  const url = `${OPEN_WEBUI_ORIGIN}/c/${encodeURIComponent(conversationId)}`;
  const byId = new Map(messages.map((message) => [message.id, message]));
  const responses = walkTree(
    nodes,
    conversationId,
    {
      kind: (message) => (message.role === 'user' ? 'prompt' : message.role === 'assistant' ? 'part' : 'skip'),
      prompt: (message, nodeId) => ({
        message: { role: 'user', content: paragraphs([asString(message.content) ?? '', ...filesText(message)]) },
        nativeId: asString(message.id) ?? nodeId,
      }),
      response: (parts) => renderResponse(parts, defaultModel),
    },
    skipped,
  ).map((walked) => {
    const source = byId.get(walked.messageId);
    const rating = ratingOf(source?.annotation, walked.createdAt);
    return { ...walked, conversationId, url, ...(rating ? { rating } : {}) };
  });
  return {
    site: 'open-webui',
    conversationId,
    fingerprint: fingerprint(raw),
    updatedAt: isoTime(raw.updated_at) ?? isoTime(chat.timestamp),
    responses,
    comparisons: [],
    skipped,
  };
}
