import type { PageDefinition } from '../page.ts';
import { AnnotationsPage } from './annotations.tsx';
import { AuditPage } from './audit.tsx';
import { DocsPage } from './docs.tsx';
import { ExportPage } from './export.tsx';
import { ImportPage } from './import.tsx';
import { InboxPage } from './inbox.tsx';
import { InsightsPage } from './insights.tsx';
import { QueuesPage } from './queues.tsx';
import { RateHistoryPage } from './rate-history.tsx';
import { SettingsPage } from './settings.tsx';
import { UsersPage } from './users.tsx';

/**
 * Every page, in menu order; the first is the home page. Adding a page is one file in this folder
 * (a component taking `PageProps`) and one line here.
 */
export const PAGES: readonly PageDefinition[] = [
  { id: 'annotations', title: 'Annotations', component: AnnotationsPage },
  { id: 'inbox', title: 'Inbox', component: InboxPage },
  { id: 'insights', title: 'Insights', component: InsightsPage },
  { id: 'queues', title: 'Queues', component: QueuesPage },
  { id: 'rate-history', title: 'Rate history', component: RateHistoryPage },
  { id: 'import', title: 'Import', component: ImportPage },
  { id: 'export', title: 'Export', component: ExportPage },
  { id: 'settings', title: 'Settings', component: SettingsPage },
  { id: 'users', title: 'Users', component: UsersPage, roles: ['admin'] },
  { id: 'audit', title: 'Audit log', component: AuditPage, roles: ['admin'] },
  { id: 'docs', title: 'Guides', component: DocsPage, hidden: true },
];
