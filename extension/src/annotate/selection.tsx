import { render } from 'preact';
import { hashId } from '../../../shared/export/hash.ts';
import type { Message } from '../../../shared/message.ts';
import type { PageTurn } from '../sites/define-site-adapter.ts';
import type { ResponseCaptureInput, SaveResult } from '../utils/annotation-input.ts';
import type { Controls } from './controls.tsx';
import type { attachControlsRoot } from './mount-controls.ts';
import type { AnnotatorApi, PageAnnotator } from './page-annotator.tsx';
import { pageTheme } from './theme.ts';

/** The floating panel's host tag (apart from the per-response hosts). */
export const SELECTION_TAG = 'margin-selection';

const PANEL_CSS = `:host { all: initial; position: fixed; left: 16px; bottom: 16px; z-index: 2147483647; display: block; max-width: min(760px, calc(100vw - 32px)); }
.selection { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 8px; box-shadow: 0 8px 24px rgba(0,0,0,.2); }
.selection-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; color: var(--muted); font-size: 12px; }
.quote { margin: 4px 0; max-height: 6em; overflow: auto; white-space: pre-wrap; border-left: 3px solid var(--line); padding-left: 6px; }`;

/**
 * What the selection panel takes from the content script rather than carrying its own copy: the
 * controls (their hooks must be the content script's Preact's) and the shadow root with their styles.
 */
export interface SelectionParts {
  Controls: typeof Controls;
  attachControlsRoot: typeof attachControlsRoot;
}

/**
 * The fallback that always works on a supported site, even when its adapter no longer matches the
 * page: the person selects text and chooses "Annotate selection". The text (as the browser renders
 * the selection: plain text, never the page's markup) is stored at once as the response of an
 * annotation, with whatever context the adapter can still find: if the selection is inside a turn it
 * recognises, the turns before that one. A small panel then offers the usual controls for it.
 * It comes with the panel script (panels/panel-kit.ts), loaded when "Annotate selection" is chosen if
 * the page has not loaded it already (selection-loader.ts).
 */
export class SelectionAnnotator {
  private host: HTMLElement | null = null;
  private root: HTMLElement | null = null;

  constructor(
    private readonly annotator: PageAnnotator,
    private readonly doc: Document,
    private readonly api: AnnotatorApi,
    private readonly parts: SelectionParts,
  ) {}

  async annotate(fallbackText: string): Promise<{ ok: boolean; error?: string }> {
    const selection = this.doc.getSelection();
    const text = (selection && !selection.isCollapsed ? selection.toString() : fallbackText).trim();
    if (!text) return { ok: false, error: 'no text is selected' };
    const anchor = selection?.anchorNode ?? null;
    const capture = this.captureSelection(text, anchor?.nodeType === 1 ? (anchor as Element) : anchor?.parentElement);
    const result = await this.api.save(capture, {});
    this.show(capture, text, result);
    return result.ok ? { ok: true } : { ok: false, error: result.error };
  }

  close(): void {
    if (this.root) render(null, this.root);
    this.host?.remove();
    this.host = null;
    this.root = null;
  }

  private captureSelection(text: string, start: Element | null | undefined): ResponseCaptureInput {
    const { adapter } = this.annotator;
    const url = this.doc.location.href;
    const conversationId = adapter.conversationId(new URL(url)) ?? `page-${hashId(new URL(url).pathname)}`;
    const turnElement = start?.closest(adapter.turnSelector) ?? null;
    let context: Message[] = [];
    let model: { name: string | null; source: ResponseCaptureInput['modelSource'] } = {
      name: null,
      source: 'unknown',
    };
    const turn: PageTurn | null = turnElement ? adapter.describeTurn(turnElement) : null;
    if (turn && turnElement) {
      model = adapter.model(turn, this.doc);
      const whole = turn.role === 'assistant' ? this.annotator.capture(turnElement) : null;
      context = whole ? whole.context : this.turnsBefore(turnElement);
    } else if (start) {
      context = this.turnsBefore(start);
    }
    return {
      site: adapter.id,
      url,
      conversationId,
      messageId: `sel-${hashId(`${conversationId}:${text}`)}`,
      model: model.name,
      modelSource: model.source,
      context,
      response: text,
      variant: null,
      missingContextTurns: 0,
      source: 'selection',
    };
  }

  /** The turns the adapter still recognises before `element`, as context. */
  private turnsBefore(element: Element): Message[] {
    const { adapter } = this.annotator;
    const context: Message[] = [];
    for (const turn of adapter.turns(this.doc)) {
      if (turn.role === null || turn.element.contains(element)) continue;
      if (!(turn.element.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
      const content = adapter.content(turn)?.textContent?.trim();
      if (content) context.push({ role: turn.role, content });
    }
    return context;
  }

  private show(capture: ResponseCaptureInput, text: string, first: SaveResult): void {
    this.close();
    const host = this.doc.createElement(SELECTION_TAG);
    this.doc.body.append(host);
    const { Controls, attachControlsRoot } = this.parts;
    const { shadow, root } = attachControlsRoot(host, pageTheme(this.doc));
    const style = this.doc.createElement('style');
    style.textContent = PANEL_CSS;
    shadow.append(style);
    this.host = host;
    this.root = root;
    render(
      <section class="selection" aria-label="Margin: annotate selection">
        <div class="selection-head">
          <span>{first.ok ? 'Selection saved. Rate it:' : `Not saved: ${first.error}`}</span>
          <button type="button" aria-label="Close" onClick={() => this.close()}>
            ×
          </button>
        </div>
        <p class="quote">{text}</p>
        <Controls
          initial={first.ok ? first.annotation : null}
          handle={{ current: null }}
          rubric={this.api.rubric()}
          variant={null}
          readResponse={() => text}
          save={(changes) => this.api.save(capture, changes)}
          candidates={() => []}
          compare={async () => ({ ok: false, error: 'a selection has no variants' })}
        />
      </section>,
      root,
    );
  }
}
