import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Annotation } from '../../shared/index.ts';
import { type ChromiumSession, launchChromium } from '../support/chromium.ts';
import { readStore } from './support/annotate-driver.ts';
import { openFixture, waitUntil } from './support/sync-helpers.ts';

/**
 * Issue 18: when the browser has no room left for Margin's IndexedDB, a save says so plainly, the
 * words the person typed stay in the field, and every annotation saved before is kept. Margin asks for
 * `unlimitedStorage`, so Chrome's quota never stops it (a lowered quota is ignored): what runs out is
 * the disk. The profile lives on a small tmpfs the test mounts and fills.
 */
function mountSmallDisk(megabytes: number): { path: string; fill(): void; free(): void; remove(): void } {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'This test mounts a tmpfs as the browser profile: run it as root (CI does), or in a root container.',
    );
  }
  const path = mkdtempSync(join(tmpdir(), 'margin-small-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', path]);
  const filler = join(path, 'filler');
  return {
    path: join(path, 'profile'),
    fill() {
      // Everything that is left, in 1 MiB blocks then bytes, so not one more page fits.
      for (const block of [1 << 20, 4096, 1]) {
        try {
          for (;;) writeFileSync(filler, Buffer.alloc(block), { flag: 'a' });
        } catch {
          // Full at this block size: go on with a smaller one.
        }
      }
      const { bavail } = statfsSync(path);
      if (bavail !== 0) throw new Error(`the small disk still has ${bavail} blocks free`);
    },
    free() {
      rmSync(filler, { force: true });
    },
    remove() {
      execFileSync('umount', ['-l', path]);
      rmSync(path, { recursive: true, force: true });
    },
  };
}

describe('the disk full under the extension (Chromium)', () => {
  let session: ChromiumSession | undefined;
  let disk: ReturnType<typeof mountSmallDisk> | undefined;
  afterEach(async () => {
    disk?.free();
    await session?.close();
    session = undefined;
    disk?.remove();
    disk = undefined;
  });

  it('refuses a save with a clear message, keeps the typed comment and what was saved, and saves once space is back', async () => {
    disk = mountSmallDisk(256);
    session = await launchChromium(undefined, { profileDir: disk.path });
    const extensionPage = await session.openExtensionPage('options.html');
    const { driver } = await openFixture(session, 'chatgpt');

    await driver.click(0, 'button', 'Thumbs up');
    await driver.waitForStatus(0, /^Saved$/);
    const saved = await readStore<Annotation>(extensionPage, 'annotations');
    expect(saved).toHaveLength(1);

    // No room beyond what is stored now.
    disk.fill();
    const comment = `A long note that needs room. ${'The table needs units. '.repeat(400)}`;
    await driver.click(1, 'button', 'Comment');
    await driver.type(1, 'textbox', 'Comment text', comment);
    await driver.click(1, 'button', 'Save comment');
    const status = await driver.waitForStatus(1, /^Not saved/);
    expect(status).toBe(
      'Not saved: the browser could not write to its storage; the disk may be full. What you entered is still here: free some space and save again',
    );
    expect(await driver.fieldValue(1, 'textbox', 'Comment text')).toBe(comment);

    // Space is back (reading needs room too): what was saved before is intact, and the same words
    // save without being typed again.
    disk.free();
    expect(await readStore<Annotation>(extensionPage, 'annotations')).toEqual(saved);
    await driver.click(1, 'button', 'Save comment');
    await driver.waitForStatus(1, /^Saved$/);
    const after = await waitUntil(
      () => readStore<Annotation>(extensionPage, 'annotations'),
      (list) => list.length === 2,
      'both annotations stored',
    );
    expect(after.find((annotation) => annotation.id === saved[0]?.id)).toEqual(saved[0]);
    expect(after.find((annotation) => annotation.id !== saved[0]?.id)?.comment).toBe(comment);
  });
});
