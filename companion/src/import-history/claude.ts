import type { Metadata } from '../../../shared/index.ts';
import { type RenderedResponse, type ResponsePlace, type TreeNode, walkTree } from './conversation-tree.ts';
import type { ExportInput } from './export-input.ts';
import { ImportError } from './import-error.ts';
import {
  addCount,
  asArray,
  asRecord,
  asString,
  countIn,
  fence,
  type ImportedConversation,
  isoTime,
  isRecord,
  paragraphs,
  type SourceEvent,
} from './records.ts';
import {
  entryElements,
  findEntries,
  fingerprint,
  listOrObject,
  type ReadOptions,
  totalOf,
  unwrapped,
} from './source-files.ts';
import { synthesizedMessageId } from './synthesized-id.ts';

const CONVERSATIONS = /(^|\/)conversations\.json$/i;
/** What Claude writes as the parent of a conversation's first messages. */
const ROOT_PARENT = /^0{8}-0{4}-[0-9a-f]0{3}-[0-9a-f]0{3}-0{12}$/i;
const IMAGE_FILE = /\.(png|jpe?g|gif|webp|heic|bmp|svg)$/i;
const EPOCH = '1970-01-01T00:00:00.000Z';

type ClaudeMessage = Record<string, unknown>;

/** Reads Claude's `conversations.json` (docs/history-import.md, "Claude"). */
export async function* readClaudeExport(input: ExportInput, options: ReadOptions): AsyncGenerator<SourceEvent> {
  const named = findEntries(input, CONVERSATIONS);
  const entries = named.length === 0 && input.kind === 'file' ? input.entries : named;
  if (entries.length === 0) throw new ImportError(input.label, 'no conversations.json in this Claude export');
  yield totalOf(entries);
  for (const entry of entries) {
    yield { kind: 'file', name: entry.name };
    for await (const element of entryElements(input, entry, listOrObject('conversations'), options)) {
      for (const raw of unwrapped(element, 'conversations')) {
        const converted = convertClaudeConversation(raw);
        if ('skip' in converted) yield { kind: 'skipped', reason: converted.skip, count: 1 };
        else yield { kind: 'conversation', conversation: converted };
      }
    }
  }
}

const blocksOf = (message: ClaudeMessage) => asArray(message.content).filter(isRecord);

/** The text blocks of a message (the `text` field in older exports). */
function plainText(message: ClaudeMessage): string {
  const texts = blocksOf(message)
    .filter((block) => block.type === 'text')
    .map((block) => asString(block.text) ?? '');
  const joined = paragraphs(texts);
  return joined !== '' ? joined : (asString(message.text) ?? '').trim();
}

function renderPrompt(message: ClaudeMessage): string {
  const out = [plainText(message)];
  for (const attachment of asArray(message.attachments).map(asRecord)) {
    const name = asString(attachment.file_name)?.trim();
    // A long paste arrives as an attachment without a name: its text is what the person wrote.
    if (!name) out.push(asString(attachment.extracted_content) ?? '');
    else out.push(`[file: ${name}]`);
  }
  for (const file of [...asArray(message.files), ...asArray(message.files_v2)].map(asRecord)) {
    const name = asString(file.file_name) ?? asString(file.file_uuid) ?? 'file';
    out.push(IMAGE_FILE.test(name) || file.file_kind === 'image' ? `[image: ${name}]` : `[file: ${name}]`);
  }
  return paragraphs(out);
}

function renderResponse(
  messages: readonly ClaudeMessage[],
  place: ResponsePlace,
  model: string | null,
  skipped: Record<string, number>,
): RenderedResponse | { skip: string } {
  const blocks: string[] = [];
  const texts: string[] = [];
  const reasoning: string[] = [];
  const metadata: Metadata = {};
  for (const message of messages) {
    const content = blocksOf(message);
    if (content.length === 0 && asString(message.text)) {
      blocks.push(message.text as string);
      texts.push(message.text as string);
    }
    let shownCall = false;
    for (const block of content) {
      const type = asString(block.type) ?? '';
      const input = asRecord(block.input);
      if (type === 'text') {
        blocks.push(asString(block.text) ?? '');
        texts.push(asString(block.text) ?? '');
      } else if (type === 'thinking') reasoning.push(asString(block.thinking) ?? '');
      else if (type === 'tool_use') {
        shownCall = false;
        if (block.name === 'artifacts' || asString(input.title)) {
          blocks.push(`[artifact: ${asString(input.title) ?? asString(input.id) ?? 'artifact'}]`);
          countIn(metadata, 'capture.artifacts');
        } else if (typeof input.code === 'string') {
          blocks.push(fence(input.code, asString(input.language) ?? 'javascript'));
          shownCall = true;
        } else countIn(metadata, 'claude.toolCalls');
      } else if (type === 'tool_result') {
        countIn(metadata, 'capture.toolOutputs');
        const output = paragraphs(asArray(block.content).map((part) => asString(asRecord(part).text) ?? ''));
        if (shownCall && output) blocks.push(fence(output, 'output'));
      } else if (type !== 'token_budget' && type !== 'redacted_thinking') {
        addCount(skipped, `unknown content block "${type || 'none'}"`);
      }
    }
  }
  const response = paragraphs(blocks);
  if (response === '') return { skip: 'response without text' };
  const last = messages.at(-1) ?? {};
  const thinking = paragraphs(reasoning);
  const uuid = asString(last.uuid);
  if (uuid) metadata['claude.messageUuid'] = uuid;
  return {
    messageId: synthesizedMessageId(place.conversationId, place.position, paragraphs(texts) || response),
    response,
    ...(thinking ? { reasoning: thinking } : {}),
    model,
    modelSource: model ? 'model-picker' : 'unknown',
    createdAt: isoTime(last.created_at) ?? isoTime(last.updated_at) ?? EPOCH,
    metadata,
  };
}

/** One conversation of Claude's export: a linear thread, or a tree when messages name their parent. */
export function convertClaudeConversation(raw: unknown): ImportedConversation | { skip: string } {
  if (!isRecord(raw)) return { skip: 'conversation that is not an object' };
  const conversationId = asString(raw.uuid) ?? asString(raw.id);
  if (!conversationId) return { skip: 'conversation without an id' };
  const messages = asArray(raw.chat_messages ?? raw.messages).filter(isRecord);
  if (messages.length === 0) return { skip: 'conversation without messages' };
  const skipped: Record<string, number> = {};
  const tree = messages.some((message) => 'parent_message_uuid' in message);
  const ids = messages.map((message, index) => asString(message.uuid) ?? `${conversationId}#${index}`);
  const nodes: TreeNode<ClaudeMessage>[] = messages.map((message, index) => {
    const parent = tree ? asString(message.parent_message_uuid) : ids[index - 1];
    return {
      id: ids[index] as string,
      parentId: parent && !ROOT_PARENT.test(parent) ? parent : null,
      order: Date.parse(asString(message.created_at) ?? '') || index,
      value: message,
    };
  });
  const model = asString(raw.model) ?? null;
  const responses = walkTree(
    nodes,
    conversationId,
    {
      kind: (message) => (message.sender === 'human' ? 'prompt' : message.sender === 'assistant' ? 'part' : 'skip'),
      prompt: (message) => ({ message: { role: 'user', content: renderPrompt(message) }, nativeId: null }),
      response: (parts, place) => renderResponse(parts, place, model, skipped),
    },
    skipped,
  ).map((walked) => ({
    ...walked,
    conversationId,
    url: `https://claude.ai/chat/${encodeURIComponent(conversationId)}`,
  }));
  return {
    site: 'claude',
    conversationId,
    fingerprint: fingerprint(raw),
    updatedAt: isoTime(raw.updated_at) ?? isoTime(raw.created_at),
    responses,
    comparisons: [],
    skipped,
  };
}
