import { readChatGptExport } from './chatgpt.ts';
import { readClaudeExport } from './claude.ts';
import type { ExportEntry, ExportInput } from './export-input.ts';
import { readGeminiTakeout } from './gemini.ts';
import { ImportError } from './import-error.ts';
import { readLibreChatExport } from './librechat.ts';
import { readOpenWebUiExport } from './open-webui.ts';
import type { HistorySite, SourceEvent } from './records.ts';
import type { ReadOptions } from './source-files.ts';

/** The `--source` names (`openwebui` without a hyphen, as people type it). */
export const HISTORY_SOURCE_IDS = ['chatgpt', 'claude', 'gemini', 'openwebui', 'librechat'] as const;
export type HistorySourceId = (typeof HISTORY_SOURCE_IDS)[number];

export interface HistorySource {
  id: HistorySourceId;
  label: string;
  /** The extension's adapter id: the `site` of every record. */
  site: HistorySite;
  /** `metadata.source` of the annotations made from ratings in the file. */
  metadataSource: string;
  read(input: ExportInput, options: ReadOptions): AsyncGenerator<SourceEvent>;
}

export const HISTORY_SOURCES: Record<HistorySourceId, HistorySource> = {
  chatgpt: {
    id: 'chatgpt',
    label: 'ChatGPT',
    site: 'chatgpt',
    metadataSource: 'chatgpt-export',
    read: readChatGptExport,
  },
  claude: { id: 'claude', label: 'Claude', site: 'claude', metadataSource: 'claude-export', read: readClaudeExport },
  gemini: { id: 'gemini', label: 'Gemini', site: 'gemini', metadataSource: 'gemini-takeout', read: readGeminiTakeout },
  openwebui: {
    id: 'openwebui',
    label: 'Open WebUI',
    site: 'open-webui',
    metadataSource: 'open-webui-export',
    read: readOpenWebUiExport,
  },
  librechat: {
    id: 'librechat',
    label: 'LibreChat',
    site: 'librechat',
    metadataSource: 'librechat-export',
    read: readLibreChatExport,
  },
};

const NOT_AN_EXPORT =
  "not a chat export Margin knows: expected ChatGPT's conversations.json, Claude's conversations.json, " +
  "Gemini's My Activity.json (Google Takeout), or an Open WebUI or LibreChat chat export (JSON)";

/** The first bytes of an entry, as text: enough to see the keys of its first element. */
async function head(entry: ExportEntry, bytes = 256 * 1024): Promise<string> {
  const stream = await entry.open();
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length >= bytes) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, bytes).toString('utf8');
}

/** Which export a JSON file is, from the keys of its first element. */
export function sniffJson(text: string): HistorySourceId | null {
  const has = (key: string) => new RegExp(`"${key}"\\s*:`).test(text);
  if (has('mapping') && (has('current_node') || has('conversation_id') || has('default_model_slug'))) return 'chatgpt';
  if (has('chat_messages')) return 'claude';
  if (has('safeHtmlItem') || /"header"\s*:\s*"(Gemini Apps|Bard)"/.test(text) || has('activityControls'))
    return 'gemini';
  if (has('currentId') || (has('chat') && has('history')) || (has('childrenIds') && has('parentId')))
    return 'openwebui';
  if (has('conversationId') && (has('messagesTree') || has('parentMessageId') || has('isCreatedByUser')))
    return 'librechat';
  return null;
}

const CHATGPT_FILES =
  /(^|\/)(message_feedback|model_comparisons?|chat|export_manifest|conversation_asset_file_names|shared_conversations|user_settings|user)\.(json|html)$/i;

/** Recognizes the export from its file names, then from the first keys of its JSON. */
export async function detectSource(input: ExportInput): Promise<HistorySourceId> {
  const names = input.entries.map((entry) => entry.name);
  const shards = input.entries.filter((entry) => /(^|\/)conversations(-\d+)?\.json$/i.test(entry.name));
  if (names.some((name) => /(gemini|bard)[^/]*\/[^/]*\.json$/i.test(name))) return 'gemini';
  if (input.kind !== 'file' && shards.length > 0) {
    if (names.some((name) => CHATGPT_FILES.test(name)) || shards.some((s) => /-\d+\.json$/i.test(s.name))) {
      return 'chatgpt';
    }
    if (names.some((name) => /(^|\/)(users|projects|memories)\.json$/i.test(name))) return 'claude';
  }
  const candidates =
    input.kind === 'file' ? input.entries : [...shards, ...input.entries.filter((e) => /\.json$/i.test(e.name))];
  for (const entry of candidates.slice(0, 5)) {
    const found = sniffJson(await head(entry));
    if (found) return found;
  }
  if (input.kind === 'file' && CHATGPT_FILES.test(input.entries[0]?.name ?? '')) {
    throw new ImportError(
      input.label,
      `${NOT_AN_EXPORT}; this is a side file of a ChatGPT export: give the ZIP or conversations.json`,
    );
  }
  throw new ImportError(input.label, NOT_AN_EXPORT);
}
