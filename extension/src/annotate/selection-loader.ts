import { Controls } from './controls.tsx';
import { attachControlsRoot } from './mount-controls.ts';
import type { AnnotatorApi, PageAnnotator } from './page-annotator.tsx';
import { loadPanelKit } from './panel-kit-loader.ts';
import type { PanelKit } from './panels/panel-kit.ts';
import type { SelectionAnnotator } from './selection.tsx';

/**
 * "Annotate selection" (selection.tsx) comes with the panel script: the menu item or its shortcut loads
 * it if the page has not already (it usually has: it loads in idle time), then saves the selection.
 */
export class SelectionLoader {
  private selection: SelectionAnnotator | null = null;

  constructor(
    private readonly annotator: PageAnnotator,
    private readonly doc: Document,
    private readonly api: AnnotatorApi,
    private readonly load: () => Promise<PanelKit> = loadPanelKit,
  ) {}

  async annotate(fallbackText: string): Promise<{ ok: boolean; error?: string }> {
    let kit: PanelKit;
    try {
      kit = await this.load();
    } catch {
      return { ok: false, error: 'Margin could not load its selection panel; try again' };
    }
    this.selection ??= new kit.SelectionAnnotator(this.annotator, this.doc, this.api, { Controls, attachControlsRoot });
    return this.selection.annotate(fallbackText);
  }

  close(): void {
    this.selection?.close();
  }
}
