import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopCluster } from './postgres-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where this run's PostgreSQL cluster lives (started by the first test that needs it). */
    postgresBase: string;
    /** The Vitest process, which the cluster's watchdog outlives by at most two seconds. */
    vitestPid: number;
  }
}

/**
 * One throwaway PostgreSQL cluster per Vitest run (test/support/postgres.ts starts it on first use):
 * here its folder is chosen, and at the end it is stopped and deleted.
 */
export default function setup(project: TestProject): () => Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'margin-pg-'));
  project.provide('postgresBase', base);
  project.provide('vitestPid', process.pid);
  return () => stopCluster(base);
}
