import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';

/** A URL for `database` in this run's cluster (started by test/support/postgres-global-setup.ts). */
export function clusterUrl(database: string): string {
  return `postgres://postgres@127.0.0.1:${inject('postgresPort')}/${database}`;
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
  const url = clusterUrl;
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
