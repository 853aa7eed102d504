import type { Metadata } from '../../../shared/index.ts';
import type { NodeKind, RenderedResponse } from './conversation-tree.ts';
import { addCount, asArray, asRecord, asString, countIn, fence, isoTime, isRecord, paragraphs } from './records.ts';

/** A node of ChatGPT's `mapping`: its id and its message (null for the structural root). */
export interface ChatGptNode {
  id: string;
  message: Record<string, unknown> | null;
}

/** What rendering needs besides the messages. */
export interface ChatGptContext {
  /** `conversation_asset_file_names.json`: asset file → the name the person gave it. */
  assetNames: ReadonlyMap<string, string>;
  defaultModel: string | null;
  /** The conversation's own time, for a response whose messages carry none. */
  fallbackTime: string;
  /** The conversation's skip counts (unknown content types are counted there). */
  skipped: Record<string, number>;
}

const role = (message: Record<string, unknown>) => asString(asRecord(message.author).role);
const contentOf = (message: Record<string, unknown>) => asRecord(message.content);
const typeOf = (message: Record<string, unknown>) => asString(contentOf(message).content_type) ?? 'text';
const recipientOf = (message: Record<string, unknown>) => asString(message.recipient) ?? 'all';
const meta = (message: Record<string, unknown>) => asRecord(message.metadata);

/** Tools whose calls the page shows as code (the Python tool, "Analyzed"). */
const isPythonTool = (recipient: string) => recipient === 'python' || recipient.startsWith('python.');

/** How a message takes part in the tree (see conversation-tree.ts). */
export function chatGptKind(node: ChatGptNode): NodeKind {
  const message = node.message;
  if (!message) return 'skip';
  const who = role(message);
  if (who === 'user') {
    if (meta(message).is_visually_hidden_from_conversation === true) return 'skip';
    // Custom instructions travel as a hidden user/system message; the page never shows them.
    if (typeOf(message) === 'user_editable_context') return 'skip';
    return 'prompt';
  }
  if (who === 'assistant' || who === 'tool') return 'part';
  return 'skip';
}

/** Citation markers (`\uE200cite\uE202turn0search1\uE201`) become the link the page shows, or nothing. */
function cleanText(text: string, message: Record<string, unknown>): string {
  let clean = text;
  for (const reference of asArray(meta(message).content_references)) {
    const matched = asString(asRecord(reference).matched_text);
    // Only markers: a footnote reference may "match" a single space, which must stay.
    if (!matched || !/[\uE000-\uF8FF【]/.test(matched)) continue;
    clean = clean.split(matched).join(asString(asRecord(reference).alt) ?? '');
  }
  return clean.replace(/\uE200[^\uE201]*\uE201/g, '').replace(/[\uE200-\uE202]/g, '');
}

function fileIdOf(pointer: string): string {
  return pointer.replace(/^[a-z-]+:\/\//, '');
}

/** The name to show for an asset: the attachment's name, the export's asset name, the image's prompt, its id. */
function assetName(part: Record<string, unknown>, message: Record<string, unknown>, context: ChatGptContext): string {
  const id = fileIdOf(asString(part.asset_pointer) ?? '');
  for (const attachment of asArray(meta(message).attachments)) {
    const found = asRecord(attachment);
    if (found.id === id && asString(found.name)) return asString(found.name) as string;
  }
  const named = context.assetNames.get(id) ?? context.assetNames.get(`${id}.dat`);
  if (named) return named;
  const prompt = asString(asRecord(asRecord(part.metadata).dalle).prompt);
  if (prompt) return prompt.length > 120 ? `${prompt.slice(0, 119)}…` : prompt;
  return id || 'image';
}

/**
 * A message's `parts` as markdown: strings and transcriptions as text, images and files as the
 * placeholders the capture uses. `imagesOnly` keeps a tool's images and drops its words (a tool's
 * text is instructions to the model, not part of the answer).
 */
export function renderParts(
  message: Record<string, unknown>,
  context: ChatGptContext,
  metadata: Metadata,
  imagesOnly = false,
): string {
  const content = contentOf(message);
  const out: string[] = [];
  const parts = Array.isArray(content.parts) ? content.parts : typeof content.text === 'string' ? [content.text] : [];
  for (const part of parts) {
    if (typeof part === 'string') {
      if (!imagesOnly) out.push(cleanText(part, message));
      continue;
    }
    if (!isRecord(part)) continue;
    const type = asString(part.content_type) ?? '';
    if (type === 'image_asset_pointer') {
      out.push(`[image: ${assetName(part, message, context)}]`);
      countIn(metadata, 'capture.images');
    } else if (type === 'audio_transcription') {
      if (!imagesOnly && asString(part.text)) out.push(part.text as string);
    } else if (/audio|video/.test(type)) {
      // Voice: the transcription is the content; the recording is not kept.
    } else if (typeof part.asset_pointer === 'string') {
      out.push(`[file: ${assetName(part, message, context)}]`);
      countIn(metadata, 'capture.files');
    } else if (!imagesOnly && typeof part.text === 'string') {
      out.push(cleanText(part.text, message));
    } else if (!imagesOnly) {
      addCount(context.skipped, `unknown part type "${type || 'none'}"`);
    }
  }
  return paragraphs(out);
}

/** A prompt's text: its parts, then the files attached to it that its parts do not show. */
export function renderPrompt(message: Record<string, unknown>, context: ChatGptContext): string {
  const metadata: Metadata = {};
  const text = renderParts(message, context, metadata);
  const files = asArray(meta(message).attachments)
    .map(asRecord)
    .filter((file) => !/^image\//.test(asString(file.mime_type) ?? asString(file.mimeType) ?? ''))
    .map((file) => `[file: ${asString(file.name) ?? asString(file.id) ?? 'file'}]`);
  return paragraphs([text, ...files]);
}

function thoughtsText(content: Record<string, unknown>): string {
  if (typeof content.thoughts === 'string') return content.thoughts;
  return paragraphs(
    asArray(content.thoughts).map((thought) => {
      if (typeof thought === 'string') return thought;
      const { summary, content: body } = asRecord(thought);
      const heading = asString(summary)?.trim();
      const text = asString(body)?.trim() ?? '';
      return heading && text ? `**${heading}**\n\n${text}` : (heading ?? text);
    }),
  );
}

/** The name of the canvas document a `canmore` call creates or updates, when it says. */
function canvasName(text: string): string {
  try {
    const parsed = asRecord(JSON.parse(text));
    return asString(parsed.name) ?? asString(parsed.title) ?? 'canvas';
  } catch {
    return 'canvas';
  }
}

/**
 * One response from the messages of one turn: the answer's text, Python code and its output as
 * fenced blocks, images as placeholders; thoughts to `reasoning`; hidden tool traffic counted.
 */
export function renderChatGptResponse(
  nodes: readonly ChatGptNode[],
  context: ChatGptContext,
): RenderedResponse | { skip: string } {
  const blocks: string[] = [];
  const reasoning: string[] = [];
  const metadata: Metadata = {};
  let answer: ChatGptNode | undefined;
  let lastAssistant: ChatGptNode | undefined;
  for (const node of nodes) {
    const message = node.message;
    if (!message) continue;
    const type = typeOf(message);
    const recipient = recipientOf(message);
    const content = contentOf(message);
    if (role(message) === 'tool') {
      countIn(metadata, 'capture.toolOutputs');
      if (type === 'execution_output' && asString(content.text)?.trim())
        blocks.push(fence(content.text as string, 'output'));
      else if (type === 'multimodal_text') {
        const images = renderParts(message, context, metadata, true);
        if (images) blocks.push(images);
      }
      continue;
    }
    if (role(message) !== 'assistant') continue;
    lastAssistant = node;
    const channel = asString(message.channel);
    if (type === 'thoughts') reasoning.push(thoughtsText(content));
    else if (type === 'reasoning_recap') {
      const recap =
        asString(content.content) ?? paragraphs(asArray(content.parts).filter((p) => typeof p === 'string'));
      if (recap) metadata['chatgpt.reasoningRecap'] = recap.slice(0, 2000);
    } else if (type === 'text' || type === 'multimodal_text') {
      if (recipient !== 'all') countIn(metadata, 'chatgpt.toolCalls');
      else if (channel === 'analysis' || meta(message).is_thinking_preamble_message === true) {
        reasoning.push(renderParts(message, context, metadata));
      } else {
        const text = renderParts(message, context, metadata);
        if (text) {
          blocks.push(text);
          answer = node;
        }
      }
    } else if (type === 'code') {
      const code = asString(content.text) ?? '';
      if (isPythonTool(recipient) && code.trim()) {
        const language = asString(content.language);
        blocks.push(fence(code, language && language !== 'unknown' ? language : 'python'));
      } else if (recipient.startsWith('canmore.')) {
        blocks.push(`[artifact: ${canvasName(code)}]`);
        countIn(metadata, 'capture.artifacts');
      } else countIn(metadata, 'chatgpt.toolCalls');
    } else if (type !== 'model_editable_context' && type !== 'user_editable_context') {
      addCount(context.skipped, `unknown content type "${type}"`);
    }
  }
  const response = paragraphs(blocks);
  if (response === '') return { skip: nodes.some((node) => node.message) ? 'response without text' : 'empty response' };
  const keyed = answer ?? lastAssistant ?? (nodes.at(-1) as ChatGptNode);
  const keyedMessage = keyed.message ?? {};
  const slug =
    asString(meta(keyedMessage).model_slug) ??
    [...nodes]
      .reverse()
      .map((node) => asString(meta(node.message ?? {}).model_slug))
      .find(Boolean);
  const thinking = paragraphs(reasoning);
  return {
    messageId: asString(keyedMessage.id) ?? keyed.id,
    response,
    ...(thinking ? { reasoning: thinking } : {}),
    model: slug ?? context.defaultModel,
    modelSource: slug ? 'message' : context.defaultModel ? 'model-picker' : 'unknown',
    createdAt: isoTime(keyedMessage.create_time) ?? context.fallbackTime,
    metadata,
  };
}
