import { Router } from 'express';
import { DASHBOARD_ROUTES, type SettingsResponse } from '../../../shared/index.ts';
import type { DashboardStore } from '../storage/dashboard-store.ts';
import type { SyncStore } from '../storage/store.ts';
import type { SignInCodes } from '../support/sign-in-codes.ts';
import { annotationsRouter } from './annotations.ts';
import { backupRouter } from './backup.ts';
import { exportPreviewRouter } from './export-preview.ts';
import { signInRouter } from './sign-in.ts';

export { dashboardFiles } from './dashboard-files.ts';

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
export function dashboardApi(
  deps: DashboardDeps,
  context: { syncStore: SyncStore; version: string; clock: () => Date },
): Router {
  const router = Router();
  router.use(signInRouter(deps.signInCodes, deps.currentToken));
  router.use(annotationsRouter(deps.store, context.clock));
  router.use(exportPreviewRouter(context.syncStore));
  router.use(backupRouter(context.syncStore, context.clock));
  router.get(DASHBOARD_ROUTES.settings, (_req, res) => {
    const body: SettingsResponse = {
      version: context.version,
      dataDir: deps.dataDir,
      databaseFile: deps.databaseFile,
    };
    res.json(body);
  });
  router.post(DASHBOARD_ROUTES.rotateToken, (_req, res) => {
    res.json({ token: deps.rotateToken() });
  });
  return router;
}
