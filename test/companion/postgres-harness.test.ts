import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_INSTALL_COMMAND, postgresBinDir } from '../support/postgres-cluster.ts';
import { createDatabase, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';

describe('the PostgreSQL test harness', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await makeTempDir('pg-harness');
  });
  afterAll(() => dir?.remove());

  it('fails with the install command when no server is installed, never skips', () => {
    const empty = join(dir.path, 'none');
    expect(() => postgresBinDir(empty)).toThrow(POSTGRES_INSTALL_COMMAND);
    // A version folder without initdb (only the client package installed) is no server either.
    mkdirSync(join(dir.path, 'client-only', '15', 'bin'), { recursive: true });
    expect(() => postgresBinDir(join(dir.path, 'client-only'))).toThrow(/found no .*\/\*\/bin\/initdb/);
  });

  it('uses the newest installed server', () => {
    const root = join(dir.path, 'several');
    for (const version of ['13', '15', '9']) {
      const initdb = join(root, version, 'bin', 'initdb');
      mkdirSync(dirname(initdb), { recursive: true });
      writeFileSync(initdb, '');
    }
    expect(postgresBinDir(root)).toBe(join(root, '15', 'bin'));
  });

  describe('the run cluster', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createDatabase('postgres', 'harness');
    });
    afterAll(() => database?.remove());

    it('lives in a temporary folder with its socket there, owned by postgres when the tests run as root', async () => {
      const [settings] = await database.query<{ data: string; sockets: string; user: string }>(
        "SELECT current_setting('data_directory') AS data, current_setting('unix_socket_directories') AS sockets, current_user AS user",
      );
      expect(settings?.data).toMatch(/margin-pg-[^/]+\/data$/);
      expect(settings?.sockets).toBe(dirname(settings?.data ?? ''));
      const owner = statSync(settings?.data ?? '').uid;
      if (process.getuid?.() === 0) expect(owner).toBe(postgresUid());
      else expect(owner).toBe(process.getuid?.());
    });
  });
});

function postgresUid(): number {
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith('postgres:'));
  return Number(entry?.split(':')[2]);
}
