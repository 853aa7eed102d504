import { execFile, execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Annotation } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/**
 * The companion's data directory on a small size-limited file system (an 10 MiB tmpfs this test
 * mounts) that fills up mid-sync and mid-export: a clear error naming the disk (HTTP 507 `disk_full`,
 * the CLI's "no space left on the device"), everything acknowledged before is kept, and it recovers by
 * itself once space is freed. Mounting needs root (CI runs the tests as root).
 */
const filler = 'A long answer that takes room on a small disk, so it fills in a few dozen pushes. '.repeat(24);

function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'full-disk.test.ts mounts an 10 MiB tmpfs (mount -t tmpfs), which needs root: run it as root, as CI does ' +
        '(sudo -E npx vitest run --project unit test/companion/full-disk.test.ts)',
    );
  }
}

/** Writes a file as large as the disk lets it be; returns its size. */
function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  let size = 0;
  try {
    for (;;) {
      try {
        size += writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return size;
        throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function margin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'bin', 'margin.js'), ...args],
      { cwd: repoRoot, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('a full disk under the data directory', { timeout: 300_000 }, () => {
  let base: { path: string; remove: () => Promise<void> };
  let disk = '';
  let mounted = false;
  let dataDir = '';
  let companion: CompanionProcess | undefined;
  const acknowledged = new Map<string, Annotation>();

  const call = (path: string, body?: unknown) =>
    fetch(`${companion?.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${companion?.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  /** Pulls everything, asserts every acknowledged record is there at its acknowledged revision. */
  const expectAllAcknowledged = async () => {
    const stored = new Map<string, Annotation>();
    let since = 0;
    for (;;) {
      const response = await call(`/api/v1/sync/pull?since=${since}&limit=1000`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { annotations: Annotation[]; checkpoint: number; hasMore: boolean };
      for (const record of page.annotations) stored.set(record.id, record);
      since = page.checkpoint;
      if (!page.hasMore) break;
    }
    for (const [id, record] of acknowledged) {
      expect(stored.get(id)?.revision, id).toBe(record.revision);
    }
    return stored.size;
  };

  beforeAll(async () => {
    requireRoot();
    base = await makeTempDir('full-disk');
    disk = join(base.path, 'disk');
    mkdirSync(disk);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=10m,mode=0700', 'tmpfs', disk]);
    mounted = true;
    dataDir = join(disk, 'data');
    companion = await startCompanion({ dataDir, startTimeoutMs: 120_000 });
  }, 180_000);

  afterAll(async () => {
    await companion?.stop();
    if (mounted) execFileSync('umount', [disk]);
    await base?.remove();
  });

  it('a sync that fills the disk is refused with 507 disk_full, keeps what was acknowledged, and resumes once space is freed', async () => {
    // Room to free later: the disk is "full" for the companion while this file is there.
    const ballast = join(disk, 'ballast');
    writeFileSync(ballast, Buffer.alloc(3 * 1024 * 1024, 1));
    let refused:
      | {
          batch: Annotation[];
          status: number;
          body: { error: { code: string; message: string } };
          retryAfter: string | null;
        }
      | undefined;
    for (let round = 0; round < 400 && refused === undefined; round++) {
      const batch = Array.from({ length: 40 }, (_, i) =>
        makeAnnotation({ conversationId: `full-${round}`, messageId: `m${i}`, response: `${filler}${round}/${i}` }),
      );
      const response = await call('/api/v1/sync/push', { deviceId: 'full-disk-device', annotations: batch });
      if (response.status === 200) {
        const body = (await response.json()) as { annotations: Array<{ status: string }> };
        for (const [index, result] of body.annotations.entries()) {
          expect(result.status).toMatch(/^(accepted|unchanged)$/);
          const record = batch[index] as Annotation;
          acknowledged.set(record.id, record);
        }
      } else {
        refused = {
          batch,
          status: response.status,
          body: await response.json(),
          retryAfter: response.headers.get('retry-after'),
        };
      }
    }
    expect(refused, 'the disk never filled up').toBeDefined();
    if (refused === undefined) return;
    console.log(`full disk: ${acknowledged.size} annotations acknowledged before the disk filled`);
    expect(refused.status).toBe(507);
    expect(refused.body.error.code).toBe('disk_full');
    expect(refused.body.error.message).toMatch(
      /Disk full: the disk holding the companion's database has no space left/,
    );
    expect(refused.retryAfter).toBe('30');
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(companion?.output()).toMatch(/the disk holding the database is full \(SQLITE_FULL/);

    // Reads still answer, and everything acknowledged is there.
    await expectAllAcknowledged();
    // The doctor names the disk.
    const doctor = await margin(['doctor', '--data-dir', dataDir]);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(new RegExp(`FAIL\\s+Free disk space\\s+.* free on the disk holding ${dataDir}`));

    // Space freed: the same push goes through, with no restart.
    unlinkSync(ballast);
    // What a client's outbox does: send it again after Retry-After (shortened here), until acknowledged.
    let retry = await call('/api/v1/sync/push', { deviceId: 'full-disk-device', annotations: refused.batch });
    for (let attempt = 0; attempt < 10 && retry.status === 507; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      retry = await call('/api/v1/sync/push', { deviceId: 'full-disk-device', annotations: refused.batch });
    }
    expect(retry.status).toBe(200);
    const results = (await retry.json()) as { annotations: Array<{ status: string }> };
    for (const result of results.annotations) expect(result.status).toMatch(/^(accepted|unchanged)$/);
    for (const record of refused.batch) acknowledged.set(record.id, record);
    expect(await expectAllAcknowledged()).toBe(acknowledged.size);
  });

  it('an export that fills the disk fails naming the file and the cause, leaves no partial file, and works once space is freed', async () => {
    const out = join(disk, 'export.jsonl');
    // The store took the whole 10 MiB above: grow the disk so an export fits once the ballast is gone.
    execFileSync('mount', ['-o', 'remount,size=18m', disk]);
    const ballast = join(disk, 'ballast-export');
    fillDisk(ballast);
    const failed = await margin(['export', '--data-dir', dataDir, '--format', 'raw', '--out', out]);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain(out);
    expect(failed.stderr).toContain('no space left on the device');
    // Neither the file nor its temporary is left behind.
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(disk).filter((name) => name.includes('export'))).toEqual(['ballast-export']);
    // The companion still has everything.
    await expectAllAcknowledged();

    unlinkSync(ballast);
    const done = await margin(['export', '--data-dir', dataDir, '--format', 'raw', '--out', out]);
    expect(done.code, done.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBe(acknowledged.size);
    unlinkSync(out);
  });
});
