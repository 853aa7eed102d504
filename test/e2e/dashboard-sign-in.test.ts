import { describe, expect, it } from 'vitest';
import { signInLink } from '../support/dashboard-browser.ts';
import { seed, total, useDashboard } from './support/dashboard-fixture.ts';

describe('dashboard sign-in (Chromium, real companion)', () => {
  let data: ReturnType<typeof seed>;
  const fx = useDashboard(() => {
    data = seed();
    return data.all;
  });

  it('signs in with a one-time link that leaves no code behind; without the token the API gives nothing', async () => {
    const link = await signInLink(fx.companion);
    const context = await fx.browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await expect.poll(() => total(page)).toBe(data.all.length);
    expect(new URL(page.url()).hash).toBe('#/annotations');
    expect(page.url()).not.toContain(link.split('=')[1]);
    expect(await page.evaluate(() => sessionStorage.getItem('margin.token'))).toBe(fx.companion.token);
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([]);

    // The same link again, in another tab: used up.
    const second = await (await fx.browser.newContext()).newPage();
    await second.goto(link);
    await second.getByRole('alert').filter({ hasText: 'expired or was used already' }).waitFor();
    expect(await second.evaluate(() => sessionStorage.getItem('margin.token'))).toBeNull();

    // The page's origin without the token: every data route answers 401 and no data.
    const answers = await second.evaluate(async () => {
      const paths = ['/api/v1/annotations', '/api/v1/insights', '/api/v1/backup', '/api/v1/export?format=raw'];
      return Promise.all(
        paths.map(async (path) => {
          const response = await fetch(path);
          return { path, status: response.status, body: await response.text() };
        }),
      );
    });
    for (const answer of answers) {
      expect(answer.status, answer.path).toBe(401);
      expect(answer.body).not.toContain('router');
    }

    // Pasting the token works too, and the token is checked first.
    await second.getByLabel(/paste the pairing token/).fill('not-the-token-but-long-enough-xxxxxxxxxxxxxxx');
    await second.getByRole('button', { name: 'Sign in' }).click();
    await second.getByRole('alert').filter({ hasText: 'does not accept this token' }).waitFor();
    await second.getByLabel(/paste the pairing token/).fill(fx.companion.token);
    await second.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => total(second)).toBe(data.all.length);
  });
});
