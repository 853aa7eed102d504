import { API, type SettingsResponse } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import type { QueueService } from '../queues/queue-service.ts';
import type { DashboardStore } from '../storage/dashboard-store.ts';
import type { SyncStore } from '../storage/store.ts';
import type { SignInCodes } from '../support/sign-in-codes.ts';
import { annotationsRoutes } from './annotations.ts';
import { backupRoutes } from './backup.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';
import { exportPreviewRoutes } from './export-preview.ts';
import { signInRoutes } from './sign-in.ts';

export { dashboardFileRoutes } from './dashboard-files.ts';

/** What the dashboard's routes need besides the sync store. */
export interface DashboardDeps {
  store: DashboardStore;
  signInCodes: SignInCodes;
  /** The token as it is now (the sign-in exchange hands it out). */
  currentToken(): string;
  /** Writes a new token and returns it; the old one stops working at once. */
  rotateToken(): string;
  /** Shown on the settings page. */
  dataDir: string;
  databaseFile: string;
  /** The built dashboard; `DASHBOARD_DIST_DIR` when left out. */
  distDir?: string;
}

/** Every dashboard API route (all behind the token but `POST /api/v1/sign-in`). */
export function dashboardRoutes(
  deps: DashboardDeps,
  context: {
    syncStore: SyncStore;
    version: string;
    clock: () => Date;
    accounts?: Accounts | undefined;
    queues?: QueueService | undefined;
  },
): RouteDefinition[] {
  return [
    ...signInRoutes(deps.signInCodes, deps.currentToken, context.accounts),
    ...annotationsRoutes(deps.store, context.clock, context.accounts),
    ...exportPreviewRoutes({ store: context.syncStore, queues: context.queues, accounts: context.accounts }),
    ...backupRoutes(context.syncStore, context.clock, deps.dataDir, context.accounts),
    defineRoute(API.dashboard.settings, () => {
      const body: SettingsResponse = {
        version: context.version,
        dataDir: deps.dataDir,
        databaseFile: deps.databaseFile,
      };
      return body;
    }),
    defineRoute(API.dashboard.rotateToken, () => ({ token: deps.rotateToken() })),
  ];
}
