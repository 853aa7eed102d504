import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import {
  CONVERSATION_RATING_LABELS,
  CONVERSATION_RATING_VALUES,
  type ConversationRatingValue,
} from '../../../shared/conversation-rating-values.ts';
import type {
  ConversationRatingInput,
  ConversationRatingResult,
  ConversationRatingState,
} from '../utils/conversation-rating-input.ts';
import type { attachControlsRoot } from './mount-controls.ts';
import PANELS_CSS from './panels/panels.css?inline';
import { pageTheme } from './theme.ts';

/** The bar's host tag: one per page, whatever the number of responses. */
export const CONVERSATION_BAR_TAG = 'margin-conversation-bar';

/** What the bar asks of the background (the content script passes `sendMessage` through). */
export interface ConversationBarApi {
  load(site: string, conversationId: string): Promise<ConversationRatingResult>;
  save(input: ConversationRatingInput): Promise<ConversationRatingResult>;
}

export interface ConversationBar {
  /** Reads the page's address again: shows the bar on a conversation, hides it elsewhere. */
  checkLocation(): void;
  remove(): void;
}

// A small pill in the page's bottom-right corner, above the site's own layers but out of the way of
// the message box: chat sites keep their composer centred and their menus on the left.
const BAR_CSS = `
.root.conversation { position: fixed; right: 16px; bottom: 88px; z-index: 2147483000; margin: 0; }
.pill { margin: 0; min-width: 0; display: flex; gap: 4px; align-items: center; background: var(--bg); border: 1px solid var(--line);
  border-radius: 999px; padding: 3px 6px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
.pill .label { color: var(--muted); font-size: 12px; padding: 0 4px; }
.conversation .panel { position: absolute; right: 0; bottom: 40px; width: 300px; box-shadow: 0 2px 8px rgba(0,0,0,.2); }
`;

function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
}

interface BarProps {
  site: string;
  conversationId: string;
  url: () => string;
  api: ConversationBarApi;
}

function Bar({ site, conversationId, url, api }: BarProps) {
  const [enabled, setEnabled] = useState(false);
  const [state, setState] = useState<ConversationRatingState | null>(null);
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [tags, setTags] = useState('');
  const [status, setStatus] = useState<{ text: string; kind: 'saved' | 'error' | '' }>({ text: '', kind: '' });

  useEffect(() => {
    let current = true;
    api.load(site, conversationId).then(
      (result) => {
        if (!current) return;
        if (!result.ok) return setStatus({ text: result.error, kind: 'error' });
        setEnabled(result.enabled);
        setState(result.state);
        setNote(result.state?.note ?? '');
        setTags(result.state?.tags.join(', ') ?? '');
      },
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [site, conversationId, api]);

  if (!enabled) return null;

  async function save(rating: ConversationRatingValue | null): Promise<void> {
    setStatus({ text: 'Saving…', kind: '' });
    try {
      const result = await api.save({ site, conversationId, url: url(), rating, note, tags: parseTags(tags) });
      if (!result.ok) return setStatus({ text: result.error, kind: 'error' });
      setState(result.state);
      setStatus({ text: rating === null ? 'Rating removed' : 'Saved', kind: 'saved' });
    } catch (error) {
      setStatus({ text: `Not saved: ${(error as Error).message}`, kind: 'error' });
    }
  }

  const current = state?.rating ?? null;
  // Its note panel looks like the controls' panels: their styles come with the panel script, as this bar does.
  return (
    <div>
      <style>{PANELS_CSS}</style>
      {open && (
        <section class="panel" aria-label="Conversation note and tags">
          <label>
            Note on the whole conversation
            <textarea value={note} onInput={(event) => setNote(event.currentTarget.value)} />
          </label>
          <label>
            Tags (comma-separated)
            <input type="text" value={tags} onInput={(event) => setTags(event.currentTarget.value)} />
          </label>
          <div class="row">
            <button type="button" class="primary" disabled={current === null} onClick={() => void save(current)}>
              Save note
            </button>
            <button type="button" disabled={current === null} onClick={() => void save(null)}>
              Remove rating
            </button>
          </div>
          {current === null && <p class="status">Choose a rating first: the note is saved with it.</p>}
        </section>
      )}
      <fieldset class="pill" aria-label="Rate this conversation">
        <span class="label">Conversation</span>
        {CONVERSATION_RATING_VALUES.map((value) => (
          <button
            type="button"
            key={value}
            aria-pressed={current === value}
            title={`Rate the whole conversation: ${CONVERSATION_RATING_LABELS[value]}`}
            onClick={() => void save(value)}
          >
            {CONVERSATION_RATING_LABELS[value]}
          </button>
        ))}
        <button type="button" aria-expanded={open} aria-label="Conversation note" onClick={() => setOpen(!open)}>
          ✎
        </button>
        <span role="status" class={`status ${status.kind}`}>
          {status.text}
        </span>
      </fieldset>
    </div>
  );
}

/**
 * Mounts the one conversation bar of a page in a closed shadow root at the end of the body, themed
 * like the page. It renders only on a conversation (an address the adapter reads an id from) of a
 * site turned on in the options. It comes with the panel script, mounted once the page is idle
 * (start-annotating.ts); the shadow root and the controls' styles are the content script's
 * (`attachRoot`), so the panel script carries no second copy of them.
 */
export function mountConversationBar(
  doc: Document,
  adapter: { id: string; conversationId(url: URL): string | null },
  api: ConversationBarApi,
  attachRoot: typeof attachControlsRoot,
): ConversationBar {
  let host: HTMLElement | null = null;
  let root: HTMLElement | null = null;
  let shown: string | null = null;
  const url = () => doc.location.href;

  function ensureRoot(): HTMLElement {
    if (host?.isConnected && root) return root;
    host = doc.createElement(CONVERSATION_BAR_TAG);
    doc.body.append(host);
    const attached = attachRoot(host, pageTheme(doc));
    const style = doc.createElement('style');
    style.textContent = BAR_CSS;
    attached.shadow.append(style);
    attached.root.classList.add('conversation');
    root = attached.root;
    return root;
  }

  return {
    checkLocation() {
      const conversationId = adapter.conversationId(new URL(url()));
      if (conversationId === shown && (conversationId === null || host?.isConnected)) return;
      shown = conversationId;
      if (conversationId === null) {
        if (root) render(null, root);
        return;
      }
      const target = ensureRoot();
      target.setAttribute('data-theme', pageTheme(doc));
      render(
        <Bar key={conversationId} site={adapter.id} conversationId={conversationId} url={url} api={api} />,
        target,
      );
    },
    remove() {
      if (root) render(null, root);
      host?.remove();
      host = null;
      root = null;
      shown = null;
    },
  };
}
