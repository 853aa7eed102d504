import { Router } from 'express';
import { SYNC_ROUTES } from '../../../shared/index.ts';

/** The one route without a token: it says the companion is up and nothing about its data. */
export function healthRouter(version: string): Router {
  const router = Router();
  router.get(SYNC_ROUTES.health.path, (_req, res) => {
    res.json({ ok: true, version });
  });
  return router;
}
