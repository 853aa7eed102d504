import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../shared/index.ts';
import { screenshot, seed, total, useDashboard } from './support/dashboard-fixture.ts';

describe('dashboard settings (Chromium, real companion)', () => {
  let data: ReturnType<typeof seed>;
  const fx = useDashboard(() => {
    data = seed();
    return data.all;
  });

  it('settings: shows the data directory, backs up and restores, rotates the token', async () => {
    const { page, problems } = await fx.open();
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => page.locator('[data-setting="dataDir"]').textContent()).toBe(fx.companion.dataDir);
    await screenshot(page, 'settings');

    const [backup] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download backup' }).click(),
    ]);
    const lines = readFileSync(await backup.path(), 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    expect(lines.map((line) => (JSON.parse(line) as Annotation).id).sort()).toEqual(data.all.map((a) => a.id).sort());

    // A file with a bad line at the end restores nothing and names the line; the good backup then
    // restores whole, and (being the same data) changes nothing.
    const restoreInput = page.locator('input[name="restore"]');
    await restoreInput.setInputFiles({
      name: 'backup.jsonl',
      mimeType: 'application/jsonl',
      buffer: Buffer.from(`${lines.join('\n')}\n{"nope": 1}\n`),
    });
    const refused = page.locator('.restore[data-running="false"]');
    await refused.waitFor();
    expect(await refused.textContent()).toContain(`Nothing was restored: ${lines.length + 1} lines, 1 rejected`);
    expect(await refused.textContent()).toContain(`line ${lines.length + 1}: `);
    await restoreInput.setInputFiles({
      name: 'backup.jsonl',
      mimeType: 'application/jsonl',
      buffer: Buffer.from(`${lines.join('\n')}\n`),
    });
    const restored = page.locator('.restore[data-running="false"]').filter({ hasText: 'Restored:' });
    await restored.waitFor();
    expect(await restored.textContent()).toContain(
      `Restored: ${lines.length} lines, 0 stored, ${lines.length} already present`,
    );

    page.once('dialog', (dialog) => void dialog.accept());
    const old = fx.companion.token;
    await page.getByRole('button', { name: 'Rotate token' }).click();
    await page.getByRole('status').filter({ hasText: 'New token made' }).waitFor();
    const rotated = fx.companion.token;
    expect(rotated).not.toBe(old);
    expect(await page.locator('code[data-token-shown="true"]').textContent()).toBe(rotated);
    expect(
      (await fetch(`${fx.companion.url}/api/v1/stats`, { headers: { authorization: `Bearer ${old}` } })).status,
    ).toBe(401);
    // The dashboard keeps working with the new token.
    await page.getByRole('link', { name: 'Annotations' }).click();
    await expect.poll(() => total(page)).toBe(data.all.length);
    expect(problems).toEqual([]);
  });

  it('tells how to pair in one step: address and token, then the options page’s one Save, which saves only what works', async () => {
    const { page, problems } = await fx.open();
    await page.getByRole('link', { name: 'Settings' }).click();
    const pairing = page.getByRole('region', { name: 'Pair a browser' });
    await pairing.waitFor();
    const text = (await pairing.textContent()) ?? '';
    expect(text).not.toContain('Test connection');
    expect(text).toContain('Under Companion');
    expect(text).toContain('Press Save');
    expect(text).not.toContain('Pair and sync');
    expect(text).toContain('saves them only if both work');
    expect(await pairing.locator('[data-pairing="address"]').textContent()).toBe(fx.companion.url);
    expect(problems).toEqual([]);
  });
});
