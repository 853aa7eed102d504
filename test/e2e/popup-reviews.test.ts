import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Worker } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMarginClient } from '../../companion/src/client/index.ts';
import { DASHBOARD_DIST_DIR } from '../../companion/src/routes/dashboard-files.ts';
import type { Annotation } from '../../shared/index.ts';
import { type ChromiumSession, launchChromium } from '../support/chromium.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { readStore } from './support/annotate-driver.ts';
import { pairThroughOptions, textOf, waitUntil } from './support/sync-helpers.ts';

// The pipeline's form: a choice, two texts, a bounded number and a switch.
const personForm = z.object({
  title: z.enum(['Dr', 'Mr', 'Ms', 'Mx']).describe('How to address them'),
  first_name: z.string().min(1).max(50),
  last_name: z.string().min(1).max(50),
  age: z.int().min(18).max(120).optional(),
  newsletter: z.boolean().default(false),
});

/** The toolbar badge, read in the service worker (found again if Chrome restarted it). */
async function badgeText(session: ChromiumSession): Promise<string> {
  const worker: Worker = session.context.serviceWorkers()[0] ?? (await session.context.waitForEvent('serviceworker'));
  return worker.evaluate(() => chrome.action.getBadgeText({}));
}

describe('the popup and the companion (Chromium)', () => {
  let session: ChromiumSession | undefined;
  let companion: CompanionProcess | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
    await companion?.dispose();
    companion = undefined;
  });

  it('a script requests a review and the person approves it in the popup; the script resumes with the typed input', async () => {
    companion = await startCompanion();
    session = await launchChromium();
    const options = await pairThroughOptions(session, companion, 1);
    const pipeline = createMarginClient({ url: companion.url, token: companion.token });
    const asked = pipeline.requestReview({
      title: 'Approve the new customer',
      description: 'The model proposed this customer. <b>Fix</b> the name if needed.',
      messages: [{ role: 'user', content: 'Invent a plausible customer.' }],
      output: 'Grace Hopper, rear admiral, born 1906.',
      form: personForm,
      key: 'e2e-popup-approve',
      pollSeconds: 5,
    });

    // The badge counts it after the next sync.
    await waitUntil(
      () => badgeText(session as ChromiumSession),
      (text) => text === '1',
      'badge "1"',
    );

    const popup = await session.openExtensionPage('popup.html');
    const reviews = popup.getByRole('region', { name: /Reviews/ });
    await waitUntil(
      () => textOf(reviews.locator('[data-reviews-pending]')),
      (text) => text === '1',
      'pending count',
    );
    await reviews.getByRole('button', { name: 'Approve the new customer' }).click();
    const form = reviews.getByRole('form', { name: 'Review: Approve the new customer' });
    await form.waitFor();
    // The content, as text (the description's HTML is not rendered).
    expect(await form.getByText('Grace Hopper, rear admiral, born 1906.').count()).toBe(1);
    expect(await form.getByText('The model proposed this customer. <b>Fix</b> the name if needed.').count()).toBe(1);
    expect(await form.locator('b').count()).toBe(0);
    expect(await form.getByText('Invent a plausible customer.').count()).toBe(1);

    // The generated form: enum → choice, bounds on the number, boolean → switch.
    const title = form.getByLabel('Title');
    expect(await title.evaluate((element) => element.tagName)).toBe('SELECT');
    const age = form.getByLabel('Age');
    expect(await age.getAttribute('min')).toBe('18');
    expect(await age.getAttribute('max')).toBe('120');
    const newsletter = form.getByRole('switch', { name: 'Newsletter' });
    expect(await newsletter.isChecked()).toBe(false);

    // Checked before anything is sent: the review stays pending.
    await title.selectOption('Dr');
    await form.getByLabel('First name').fill('Grace');
    await age.fill('12');
    await form.getByRole('button', { name: 'Approve' }).click();
    await form.getByText('must not be empty').waitFor();
    await form.getByText('must be at least 18').waitFor();
    expect((await pipeline.reviewCounts()).pending).toBe(1);

    await form.getByLabel('Last name').fill('Hopper');
    await age.fill('85');
    await newsletter.check();
    await form.getByLabel(/Comment/).fill('Checked against the record.');
    await form.getByRole('button', { name: 'Approve' }).click();

    const input = await asked;
    expect(input).toEqual({ title: 'Dr', first_name: 'Grace', last_name: 'Hopper', age: 85, newsletter: true });
    await waitUntil(
      () => textOf(reviews.locator('[data-reviews-note]')),
      (text) => text === 'Approved: Approve the new customer',
      'approved note',
    );
    const [review] = (await pipeline.listReviews({ status: 'approved' })).reviews;
    expect(review).toMatchObject({ reviewer: 'me', title: 'Approve the new customer' });

    // The decision is an annotation: it comes back to the extension through sync, and the badge clears.
    const decided = await waitUntil(
      () => readStore<Annotation>(options, 'annotations'),
      (rows) => rows.some((row) => row.site === 'review'),
      'the decision annotation pulled into the extension',
    );
    expect(decided.find((row) => row.site === 'review')).toMatchObject({
      thumb: 'up',
      annotator: 'me',
      response: 'Grace Hopper, rear admiral, born 1906.',
      comment: 'Checked against the record.',
      metadata: expect.objectContaining({ 'input.first_name': 'Grace', 'input.age': 85 }),
    });
    await waitUntil(
      () => badgeText(session as ChromiumSession),
      (text) => text === '',
      'badge cleared',
    );
  });

  it('opens the dashboard signed in with a one-time link; the token is never in a URL', async () => {
    if (!existsSync(join(DASHBOARD_DIST_DIR, 'index.html'))) {
      throw new Error('The dashboard is not built: run `npm run build` (npm test does) first.');
    }
    companion = await startCompanion();
    session = await launchChromium();
    await pairThroughOptions(session, companion, 60);
    const popup = await session.openExtensionPage('popup.html');
    // One link, to the address that was paired (an ephemeral port here, never a default 8787).
    const link = popup.getByRole('link', { name: 'Open dashboard' });
    expect(await link.getAttribute('href')).toBe(companion.url);
    expect(await popup.getByRole('link', { name: 'Open the companion' }).count()).toBe(0);
    const urls: string[] = [];
    session.context.on('request', (request) => urls.push(request.url()));
    const [dashboard] = await Promise.all([session.context.waitForEvent('page'), link.click()]);
    await dashboard.waitForLoadState();
    await dashboard.getByRole('link', { name: 'Inbox' }).waitFor({ timeout: 15_000 });
    // The code has left the address bar, and no URL this browser asked for carries the token.
    expect(new URL(dashboard.url()).hash).not.toMatch(/sign-in/);
    expect(urls.filter((url) => url.includes(companion?.token ?? '-'))).toEqual([]);
    expect(dashboard.url().includes(companion.token)).toBe(false);
  });

  it('"Open in dashboard" on a pending review lands signed in on that review in the inbox', async () => {
    if (!existsSync(join(DASHBOARD_DIST_DIR, 'index.html'))) {
      throw new Error('The dashboard is not built: run `npm run build` (npm test does) first.');
    }
    companion = await startCompanion();
    session = await launchChromium();
    await pairThroughOptions(session, companion, 60);
    const pipeline = createMarginClient({ url: companion.url, token: companion.token });
    await pipeline.createReview({ title: 'An earlier question', key: 'e2e-popup-other' });
    const { review } = await pipeline.createReview({
      title: 'Check the refund mail',
      key: 'e2e-popup-open',
      requestedBy: 'refund-bot',
    });

    const popup = await session.openExtensionPage('popup.html');
    const row = popup
      .getByRole('region', { name: /Reviews/ })
      .getByRole('listitem')
      .filter({ hasText: 'Check the refund mail' });
    const open = row.getByRole('button', { name: 'Open in dashboard' });
    await open.waitFor({ timeout: 15_000 });
    // Who asked, next to how long it has waited.
    expect(await textOf(row.locator('[data-review-asked]'))).toMatch(/^asked .+ by refund-bot$/);
    const [dashboard] = await Promise.all([session.context.waitForEvent('page'), open.click()]);
    await dashboard.waitForLoadState();
    const detail = dashboard.getByRole('article', { name: 'Check the refund mail' });
    await detail.waitFor({ timeout: 15_000 });
    expect(await textOf(detail.locator('[data-review-requested]'))).toMatch(/^Requested by refund-bot on /);
    // Signed in (the menu shows), on that review's own route, and the code has left the address bar.
    expect(await dashboard.getByRole('link', { name: 'Inbox' }).count()).toBe(1);
    expect(new URL(dashboard.url()).hash).toBe(`#/inbox/${review.id}`);
  });
});
