import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStores } from '../../companion/src/storage/sqlite/sqlite-stores.ts';
import { startCompanion } from '../support/companion.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * A damaged SQLite file, or a file of another program at the data path: a clear error naming the
 * file and the way to recover, and the file left exactly as it was (never replaced by an empty store).
 */
const hashOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('corrupt or foreign database files', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const tempDir = async () => {
    const dir = await makeTempDir('corrupt');
    cleanups.push(dir.remove);
    return dir.path;
  };

  it('refuses a foreign file with the way out, and leaves it untouched', async () => {
    const path = join(await tempDir(), 'margin.sqlite');
    writeFileSync(path, 'name,score\nada,80\n'.repeat(500));
    const before = hashOf(path);
    expect(() => openSqliteStores(path)).toThrow(
      new RegExp(`${path} is not a Margin database .*left it untouched.*restore it from your last backup`),
    );
    expect(hashOf(path)).toBe(before);
  });

  it('refuses a damaged Margin database with the way to recover, and leaves it untouched', {
    timeout: 120_000,
  }, async () => {
    const dir = await tempDir();
    const path = join(dir, 'margin.sqlite');
    const stores = openSqliteStores(path);
    await stores.close();
    const db = new Database(path);
    db.pragma('journal_mode = DELETE');
    db.exec('CREATE TABLE filler (x TEXT)');
    const insert = db.prepare('INSERT INTO filler VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2_000; i++) insert.run('y'.repeat(500));
    })();
    db.close();
    // Scribble over pages in the middle of the file, where the schema's tables live.
    const bytes = readFileSync(path);
    for (let i = 4096; i < 4096 * 40; i++) bytes[i] = (i * 7) & 255;
    writeFileSync(path, bytes);
    const before = hashOf(path);
    expect(() => openSqliteStores(path)).toThrow(
      new RegExp(`${path} is damaged .*left it untouched.*last backup.*\\.recover.*margin doctor`),
    );
    expect(hashOf(path)).toBe(before);
    expect(readdirSync(dir)).toEqual(['margin.sqlite']);
  });

  it('margin serve on a data directory holding a foreign file exits with that message', {
    timeout: 180_000,
  }, async () => {
    const dir = await tempDir();
    const path = join(dir, 'margin.sqlite');
    writeFileSync(path, '%PDF-1.7 not a database\n'.repeat(200));
    const before = hashOf(path);
    const failure = await startCompanion({ dataDir: dir, startTimeoutMs: 120_000 }).then(
      async (companion) => {
        await companion.dispose();
        return 'started';
      },
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/exited with code [1-9]/);
    expect(failure).toContain(`${path} is not a Margin database`);
    expect(hashOf(path)).toBe(before);
  });
});
