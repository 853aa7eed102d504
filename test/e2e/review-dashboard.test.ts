import type { Browser, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMarginClient, type MarginClient } from '../../companion/src/client/index.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { launchDashboardBrowser } from '../support/dashboard-browser.ts';

// The pipeline's form: a choice, two texts, a bounded number and a switch.
const personForm = z.object({
  title: z.enum(['Dr', 'Mr', 'Ms', 'Mx']).describe('How to address them'),
  first_name: z.string().min(1).max(50),
  last_name: z.string().min(1).max(50),
  age: z.int().min(18).max(120).optional(),
  newsletter: z.boolean().default(false),
});

describe('a pipeline waits for a person who answers in the dashboard inbox (Chromium)', () => {
  let companion: CompanionProcess;
  let browser: Browser;
  let pipeline: MarginClient;

  beforeEach(async () => {
    companion = await startCompanion();
    browser = await launchDashboardBrowser();
    pipeline = createMarginClient({ url: companion.url, token: companion.token });
  });
  afterEach(async () => {
    await browser?.close();
    await companion?.dispose();
  });

  /** Signs in with a one-time link, as `margin dashboard` or the popup would open it, and opens the inbox. */
  async function openInbox(): Promise<Page> {
    const link = await fetch(`${companion.url}/api/v1/sign-in/codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${companion.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(link.status).toBe(200);
    const { url } = (await link.json()) as { url: string };
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) problems.push(message.text());
    });
    await page.goto(url);
    await page.getByRole('link', { name: 'Inbox' }).click();
    expect(problems).toEqual([]);
    return page;
  }

  it('the script resumes with the typed input once the person approves in the inbox', async () => {
    const asked = pipeline.requestReview({
      title: 'Approve the new customer',
      description: 'The model proposed this customer. **Fix** the name if needed.',
      messages: [{ role: 'user', content: 'Invent a plausible customer.' }],
      output: 'Grace Hopper, rear admiral, born 1906.',
      form: personForm,
      key: 'e2e-approve',
      pollSeconds: 5,
    });

    const page = await openInbox();
    const item = page.getByRole('link', { name: /Approve the new customer/ });
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    const detail = page.getByRole('article', { name: 'Approve the new customer' });
    await expect.poll(() => detail.getByRole('status').textContent()).toMatch(/Waiting for a decision/);
    // The description is markdown, the output is shown as the response to judge.
    expect(await detail.locator('strong', { hasText: 'Fix' }).count()).toBe(1);
    expect(await detail.getByText('Grace Hopper, rear admiral, born 1906.').count()).toBe(1);

    // The generated form: enum → choice, bounds on the number, boolean → switch.
    const title = detail.getByLabel('Title');
    expect(await title.evaluate((element) => element.tagName)).toBe('SELECT');
    const age = detail.getByLabel('Age');
    expect(await age.getAttribute('min')).toBe('18');
    expect(await age.getAttribute('max')).toBe('120');
    const newsletter = detail.getByRole('switch', { name: 'Newsletter' });
    expect(await newsletter.isChecked()).toBe(false);

    // Validated before submit, with the shared schema: nothing is sent, the review stays pending.
    await title.selectOption('Dr');
    await detail.getByLabel('First name').fill('Grace');
    await age.fill('12');
    await detail.getByLabel('Your name').fill('ada');
    await detail.getByRole('button', { name: 'Approve' }).click();
    await detail.getByText('must not be empty').waitFor();
    await detail.getByText('must be at least 18').waitFor();
    expect((await pipeline.reviewCounts()).pending).toBe(1);

    await detail.getByLabel('Last name').fill('Hopper');
    await age.fill('85');
    // A person clicks the switch's label, not the (visually hidden) checkbox under it.
    await detail.getByText('Newsletter', { exact: true }).click();
    expect(await newsletter.isChecked()).toBe(true);
    await detail.getByLabel('Comment').fill('Checked against the record.');
    await detail.getByRole('button', { name: 'Approve' }).click();

    const input = await asked;
    expect(input).toEqual({ title: 'Dr', first_name: 'Grace', last_name: 'Hopper', age: 85, newsletter: true });
    await expect.poll(() => detail.getByRole('status').textContent()).toMatch(/^Approved by ada/);
    const [review] = (await pipeline.listReviews({ status: 'approved' })).reviews;
    expect(review).toMatchObject({ reviewer: 'ada', title: 'Approve the new customer' });
  });

  it('a rejection in the inbox reaches the script as ReviewRejectedError; a table is shown as a table', async () => {
    const asked = pipeline
      .requestReview({
        title: 'Publish these names?',
        rows: [
          { first_name: 'Ada', last_name: 'Lovelace' },
          { first_name: 'Alan', last_name: 'Turing' },
        ],
        pollSeconds: 5,
      })
      .catch((error: unknown) => error);
    const page = await openInbox();
    await page.getByRole('link', { name: /Publish these names\?/ }).click();
    const detail = page.getByRole('article', { name: 'Publish these names?' });
    await detail.getByRole('cell', { name: 'Turing' }).waitFor();
    expect(await detail.getByRole('row').count()).toBe(3);
    await detail.getByLabel('Your name').fill('ada');
    await detail.getByLabel('Comment').fill('Not these two.');
    await detail.getByRole('button', { name: 'Reject' }).click();
    const error = (await asked) as Error;
    expect(error.name).toBe('ReviewRejectedError');
    expect(error.message).toBe('Review "Publish these names?" was rejected by ada: Not these two.');
    // The inbox list no longer shows it as pending.
    await expect
      .poll(() => page.getByRole('link', { name: /Publish these names\?/ }).count(), { timeout: 10_000 })
      .toBe(0);
  });
});
