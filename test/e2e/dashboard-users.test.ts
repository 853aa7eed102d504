import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SignInCodeResponse, UserTokenResponse } from '../../shared/index.ts';
import { screenshot, useDashboard } from './support/dashboard-fixture.ts';

/** The admins' Users and Audit log pages, against a real companion, in Chromium. */
describe('dashboard users and audit (Chromium, real companion)', () => {
  const fx = useDashboard();

  const whoIs = async (token: string) => {
    const response = await fetch(`${fx.companion.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: response.status === 200 ? await response.json() : null };
  };
  const usersRow = (page: Page, name: string) => page.locator(`tr[data-user="${name}"]`);

  it('an admin adds a user, sees the token once and copies it, then revokes the user', async () => {
    const { page, problems } = await fx.open();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: fx.companion.url });
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Users' }).click();
    // A personal server says what accounts are before any user exists.
    await page.getByRole('heading', { name: 'This is a personal server' }).waitFor();
    expect(await page.locator('.personal-server').textContent()).toContain('margin serve --team');

    await page.getByLabel('Name').fill('alice');
    await page.getByLabel('Role').selectOption('annotator');
    await page.getByRole('button', { name: 'Add user' }).click();
    const once = page.locator('[data-token-for="alice"]');
    await once.waitFor();
    expect(await once.textContent()).toContain('This token will not be shown again');
    const token = (await once.locator('[data-token]').textContent())?.trim() ?? '';
    expect((await whoIs(token)).body).toMatchObject({ user: { name: 'alice', role: 'annotator' } });
    await once.getByRole('button', { name: 'Copy token' }).click();
    await once.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await expect.poll(() => usersRow(page, 'alice').locator('[data-status]').textContent()).toBe('active');
    await screenshot(page, 'users');

    // Hidden, it is gone for good: not in the page, not after a reload.
    await once.getByRole('button', { name: 'Done, hide it' }).click();
    await once.waitFor({ state: 'detached' });
    await page.reload();
    await usersRow(page, 'alice').waitFor();
    expect(await page.content()).not.toContain(token);

    page.once('dialog', (dialog) => void dialog.accept());
    await usersRow(page, 'alice').getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('status').filter({ hasText: 'alice is revoked' }).waitFor();
    await expect.poll(() => usersRow(page, 'alice').getAttribute('data-revoked')).toBe('true');
    expect(await usersRow(page, 'alice').getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    expect((await whoIs(token)).status).toBe(401);

    // The audit log shows both, in words, and filters by action.
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Audit log' }).click();
    await page.locator('tr[data-action="user.revoke"]').waitFor();
    expect(await page.locator('tr[data-action="user.revoke"]').textContent()).toContain('Revoked a user');
    await page.getByLabel('Action').selectOption('user.add');
    await expect.poll(() => page.locator('tr[data-audit-id]').count()).toBe(1);
    expect(await page.locator('tr[data-audit-id]').textContent()).toMatch(/owner.*Added a user.*alice/);
    expect(page.url()).toContain('action=user.add');
    await screenshot(page, 'audit');
    expect(problems).toEqual([]);
  });

  it('a viewer does not see the admin pages and reads "admins only" when opening one', async () => {
    const added = await fx.api<UserTokenResponse>('/api/v1/users', {
      method: 'POST',
      body: JSON.stringify({ name: 'vera', role: 'viewer' }),
    });
    const code = await fetch(`${fx.companion.url}/api/v1/sign-in/codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${added.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(code.status).toBe(200);
    const { url } = (await code.json()) as SignInCodeResponse;
    const context = await fx.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(url);
    await page.locator('[data-signed-in-as="vera"]').waitFor();
    expect(await page.getByRole('navigation', { name: 'Pages' }).textContent()).not.toMatch(/Users|Audit/);

    for (const [route, title] of [
      ['users', 'Users'],
      ['audit', 'Audit log'],
    ] as const) {
      await page.goto(`${fx.companion.url}/#/${route}`);
      const note = page.locator('[data-roles-only="admin"]');
      await note.waitFor();
      expect(await note.getByRole('heading').textContent()).toBe(`${title}: admins only`);
      expect(await note.textContent()).toContain('signed in as vera, a viewer');
    }
    // The API refuses too, whatever the page shows.
    const listed = await fetch(`${fx.companion.url}/api/v1/users`, {
      headers: { authorization: `Bearer ${added.token}` },
    });
    expect(listed.status).toBe(403);
    expect(problems).toEqual([]);
  });
});
