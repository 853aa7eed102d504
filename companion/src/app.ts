import express, { type Express } from 'express';

export interface AppDeps {
  /** Version reported by the health route. */
  version: string;
}

/** Builds the companion's HTTP app without listening, so tests run it in process or on port 0. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/api/v1/health', (_req, res) => {
    res.json({ ok: true, version: deps.version });
  });
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such route.' } });
  });
  return app;
}
