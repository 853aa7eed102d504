import type { Shortcuts } from '../../../shared/shortcuts.ts';
import type { CheatSheet } from './keyboard.ts';
import { loadPanelKit } from './panel-kit-loader.ts';
import type { PanelKit } from './panels/panel-kit.ts';

/**
 * The shortcut cheat sheet (cheat-sheet.tsx) comes with the panel script: `?` shows it once the panel
 * script is there (usually long before: it loads in idle time after the first controls mount).
 */
export class CheatSheetLoader implements CheatSheet {
  private sheet: CheatSheet | null = null;

  constructor(
    private readonly doc: Document,
    private readonly load: () => Promise<PanelKit> = loadPanelKit,
  ) {}

  get open(): boolean {
    return this.sheet?.open ?? false;
  }

  toggle(shortcuts: Shortcuts): void {
    if (this.sheet) {
      this.sheet.toggle(shortcuts);
      return;
    }
    this.load().then(
      (kit) => {
        this.sheet ??= new kit.ShortcutSheet(this.doc);
        if (!this.sheet.open) this.sheet.toggle(shortcuts);
      },
      () => undefined,
    );
  }

  close(): void {
    this.sheet?.close();
  }
}
