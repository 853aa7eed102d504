import { hashId } from '../../../shared/export/hash.ts';
import type { Message, Metadata } from '../../../shared/index.ts';
import type { ExportEntry, ExportInput } from './export-input.ts';
import { htmlToMarkdown } from './html-to-markdown.ts';
import { ImportError } from './import-error.ts';
import {
  addCount,
  asArray,
  asRecord,
  asString,
  type ImportedConversation,
  type ImportedRating,
  type ImportedResponse,
  isRecord,
  paragraphs,
  type SourceEvent,
} from './records.ts';
import { entryElements, fingerprint, type ReadOptions, totalOf } from './source-files.ts';

/** Prompts closer together than this (and with the same Gem) are one conversation. */
export const GEMINI_CONVERSATION_GAP_MS = 30 * 60 * 1000;
const GEMINI_URL = 'https://gemini.google.com/app';

interface Activity {
  raw: Record<string, unknown>;
  time: number;
  iso: string;
  kind: 'prompt' | 'feedback';
  prompt: string;
  drafts: string[];
  gem: string | null;
  attachments: string[];
  thumb: 'up' | 'down' | null;
}

/** The Takeout file(s) of Gemini activity: `…/Gemini Apps/My Activity.json` (or the file given). */
function activityEntries(input: ExportInput): ExportEntry[] {
  if (input.kind === 'file') return input.entries;
  const json = input.entries.filter((entry) => /\.json$/i.test(entry.name) && /gemini|bard/i.test(entry.name));
  if (json.length > 0) return json;
  if (input.entries.some((entry) => /gemini|bard/i.test(entry.name) && /\.html$/i.test(entry.name))) {
    throw new ImportError(
      input.label,
      'this Takeout holds Gemini activity as HTML only; export "My Activity" again with the JSON format',
    );
  }
  throw new ImportError(input.label, 'no Gemini Apps activity (My Activity.json) in this Takeout');
}

function parseActivity(raw: unknown, skipped: Record<string, number>): Activity | null {
  if (!isRecord(raw)) {
    addCount(skipped, 'activity entry that is not an object');
    return null;
  }
  const products = [asString(raw.header), ...asArray(raw.products).map(asString)].join(' ');
  if (!/gemini|bard/i.test(products)) {
    addCount(skipped, 'activity of another Google product');
    return null;
  }
  const time = Date.parse(asString(raw.time) ?? '');
  if (Number.isNaN(time)) {
    addCount(skipped, 'activity without a time');
    return null;
  }
  const title = (asString(raw.title) ?? '').trim();
  const subtitles = asArray(raw.subtitles).map(asRecord);
  const gem = subtitles
    .map((item) => /^(.+?) was used in this chat/i.exec(asString(item.name) ?? '')?.[1])
    .find(Boolean);
  const attachments = [
    ...subtitles.map((item) => /^-\s+(.+)$/.exec(asString(item.name) ?? '')?.[1]?.trim()).filter(Boolean),
    ...asArray(raw.attachedFiles).map((file) => asString(file) ?? asString(asRecord(file).name)),
  ].filter((name): name is string => typeof name === 'string' && name !== '');
  if (attachments.length === 0 && asString(raw.imageFile)) attachments.push(raw.imageFile as string);
  const base = { raw, time, iso: new Date(time).toISOString(), gem: gem ?? null, attachments };
  const prompted = /^Prompted\s+([\s\S]*)$/i.exec(title);
  if (prompted) {
    const drafts = asArray(raw.safeHtmlItem)
      .map((item) => asString(asRecord(item).html) ?? '')
      .filter((html) => html.trim() !== '');
    return { ...base, kind: 'prompt', prompt: prompted[1] ?? '', drafts, thumb: null };
  }
  if (/^Gave feedback/i.test(title)) {
    const thumb = /good|positive|helpful|👍/i.test(title) ? 'up' : /bad|negative|👎/i.test(title) ? 'down' : null;
    if (thumb) return { ...base, kind: 'feedback', prompt: '', drafts: [], thumb };
  }
  const verb = /^\S+/.exec(title)?.[0] ?? 'untitled';
  addCount(skipped, `Gemini activity that is not a prompt ("${verb} …")`);
  return null;
}

/**
 * Reads Google Takeout's Gemini Apps activity. Takeout has no conversation id: entries are grouped
 * into conversations by time, as they come in the file (docs/history-import.md, "Gemini").
 */
export async function* readGeminiTakeout(input: ExportInput, options: ReadOptions): AsyncGenerator<SourceEvent> {
  const skipped: Record<string, number> = {};
  const entries = activityEntries(input);
  yield totalOf(entries);
  for (const entry of entries) {
    yield { kind: 'file', name: entry.name };
    let group: Activity[] = [];
    let gem: string | null | undefined;
    for await (const raw of entryElements(input, entry, '$', options)) {
      const activity = parseActivity(raw, skipped);
      if (!activity) continue;
      const last = group.at(-1);
      const near = last !== undefined && Math.abs(activity.time - last.time) <= GEMINI_CONVERSATION_GAP_MS;
      const sameGem = activity.kind !== 'prompt' || gem === undefined || activity.gem === gem;
      if (group.length > 0 && !(near && sameGem)) {
        const conversation = conversationOf(group, skipped);
        if (conversation) yield { kind: 'conversation', conversation };
        group = [];
        gem = undefined;
      }
      group.push(activity);
      if (activity.kind === 'prompt') gem = activity.gem;
    }
    const conversation = conversationOf(group, skipped);
    if (conversation) yield { kind: 'conversation', conversation };
  }
  for (const [reason, count] of Object.entries(skipped)) yield { kind: 'skipped', reason, count };
}

function promptText(activity: Activity): string {
  return paragraphs([
    activity.prompt,
    ...activity.attachments.map((name) =>
      /\.(png|jpe?g|gif|webp|heic)$/i.test(name) ? `[image: ${name}]` : `[file: ${name}]`,
    ),
  ]);
}

function conversationOf(group: Activity[], skipped: Record<string, number>): ImportedConversation | null {
  const ordered = [...group].sort((a, b) => a.time - b.time);
  const first = ordered.find((activity) => activity.kind === 'prompt');
  if (!first) {
    addCount(skipped, 'feedback without a prompt before it', ordered.length);
    return null;
  }
  const conversationId = `takeout-${hashId(`${first.iso}\n${first.prompt}`)}`;
  const context: Message[] = [];
  const responses: ImportedResponse[] = [];
  let latest: ImportedResponse | undefined;
  for (const activity of ordered) {
    if (activity.kind === 'feedback') {
      if (latest) latest.rating = rating(activity);
      else addCount(skipped, 'feedback without a prompt before it');
      continue;
    }
    const base = `takeout-${hashId(`${activity.iso}\n${activity.prompt}`)}`;
    const prompt: Message = { role: 'user', content: promptText(activity) };
    const before = [...context, prompt];
    const drafts = activity.drafts.map(htmlToMarkdown).filter((text) => text !== '');
    if (drafts.length === 0) {
      addCount(skipped, 'prompt without an answer');
      latest = undefined;
    }
    const metadata: Metadata = activity.gem ? { 'gemini.gem': activity.gem.slice(0, 200) } : {};
    drafts.forEach((response, index) => {
      const item: ImportedResponse = {
        conversationId,
        messageId: drafts.length > 1 ? `${base}-${index + 1}` : base,
        url: GEMINI_URL,
        model: null,
        modelSource: 'unknown',
        context: before,
        response,
        variant:
          drafts.length > 1
            ? { index: index + 1, count: drafts.length, group: `g-${hashId(`${conversationId}:${base}`)}` }
            : null,
        createdAt: activity.iso,
        metadata: { ...metadata },
      };
      responses.push(item);
      if (index === 0) latest = item;
    });
    context.push(prompt);
    if (drafts[0] !== undefined) context.push({ role: 'assistant', content: drafts[0] });
  }
  return {
    site: 'gemini',
    conversationId,
    fingerprint: fingerprint(ordered.map((activity) => activity.raw)),
    updatedAt: ordered.at(-1)?.iso ?? null,
    responses,
    comparisons: [],
    skipped: {},
  };
}

function rating(activity: Activity): ImportedRating {
  return { thumb: activity.thumb, score: null, tags: [], comment: '', createdAt: activity.iso };
}
