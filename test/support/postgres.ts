import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { type ClusterInfo, ensureCluster } from './postgres-cluster.ts';

let cluster: Promise<ClusterInfo> | undefined;

/** This run's PostgreSQL cluster, started on first use (a missing PostgreSQL fails with the install command). */
export function testCluster(): Promise<ClusterInfo> {
  cluster ??= ensureCluster(inject('postgresBase'), inject('vitestPid'));
  return cluster;
}

export interface TestPostgresDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A new, empty database in the run's cluster, for one test file or one test: `drop()` removes it
 * (and ends whatever connections are still open on it).
 */
export async function createTestDatabase(prefix = 'margin'): Promise<TestPostgresDatabase> {
  const { url } = await testCluster();
  const name = `${prefix.replace(/[^a-z0-9_]/g, '_')}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url('postgres'), { max: 1, onnotice: false });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: url(name),
    name,
    async drop() {
      const dropper = postgres(url('postgres'), { max: 1, onnotice: false });
      try {
        await dropper.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
