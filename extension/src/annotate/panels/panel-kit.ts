import { rubricAnswerIssues } from '../../../../shared/rubric-rules.ts';
import { ShortcutSheet } from '../cheat-sheet.tsx';
import { mountConversationBar } from '../conversation-bar.tsx';
import { startHealthReports } from '../health-reports.ts';
import { PanelOverlay } from '../panel-overlay.tsx';
import { answersOf } from '../rubric-form.tsx';
import { SelectionAnnotator } from '../selection.tsx';
import { CommentPanel } from './comment-panel.tsx';
import { ComparePanel } from './compare-panel.tsx';
import { CorrectionPanel } from './correction-panel.tsx';
import { MoreMenu } from './more-menu.tsx';
import { ScorePanel } from './score-panel.tsx';
import { TagsPanel } from './tags-panel.tsx';

/**
 * Everything a response's controls need only once a panel opens: the overlay, the panels and the
 * rubric's form; the shortcut cheat sheet (`?`), the "Annotate selection" panel; and what a page
 * needs only once it is idle: the conversation bar and the health reports. It is not in the content script every chat page loads; it is its own script
 * (entrypoints/annotate-panels.ts), injected into the page's content script world the first time the
 * page is idle after controls appear, or when a panel opens first (panel-kit-loader.ts).
 */
export const panelKit = {
  PanelOverlay,
  MoreMenu,
  ScorePanel,
  CommentPanel,
  TagsPanel,
  CorrectionPanel,
  ComparePanel,
  answersOf,
  rubricAnswerIssues,
  ShortcutSheet,
  SelectionAnnotator,
  mountConversationBar,
  startHealthReports,
};

export type PanelKit = typeof panelKit;
