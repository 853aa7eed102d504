import { Router } from 'express';
import { SYNC_ROUTES } from '../../../shared/index.ts';
import type { SyncStore } from '../storage/store.ts';

/** Counts for the extension's "Test connection" and the dashboard; needs the token like every data route. */
export function statsRouter(store: SyncStore): Router {
  const router = Router();
  router.get(SYNC_ROUTES.stats.path, (_req, res) => {
    res.json(store.stats());
  });
  return router;
}
