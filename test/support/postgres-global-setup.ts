import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type ClusterInfo, ensureCluster, stopCluster } from './postgres-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The port of this run's PostgreSQL cluster on 127.0.0.1 (user postgres, trust authentication). */
    postgresPort: number;
  }
}

/** Both projects (unit, e2e) share one cluster: the last teardown stops it. */
let shared: { base: string; cluster: Promise<ClusterInfo>; users: number } | undefined;

/**
 * One throwaway PostgreSQL cluster per Vitest run: initdb into a temporary folder, pg_ctl start on a
 * free port (test/support/postgres-cluster.ts), stopped and deleted at the end. Each test file makes
 * its own databases in it (test/support/postgres.ts). No PostgreSQL installed fails the run with the
 * command that installs it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (shared === undefined) {
    const base = mkdtempSync(join(tmpdir(), 'margin-pg-'));
    shared = { base, cluster: ensureCluster(base, process.pid), users: 0 };
  }
  const current = shared;
  current.users += 1;
  const { port } = await current.cluster;
  project.provide('postgresPort', port);
  return async () => {
    current.users -= 1;
    if (current.users > 0) return;
    shared = undefined;
    await stopCluster(current.base);
  };
}
