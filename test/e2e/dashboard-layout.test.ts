import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { overflow, screenshot, seed, useDashboard } from './support/dashboard-fixture.ts';

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
];

/** Every page of the dashboard, each in a state with something on it. */
function pages(ids: { annotation: string; review: string }) {
  return [
    { name: 'annotations', hash: '#/annotations', ready: 'tr[data-row-id]' },
    { name: 'annotation-detail', hash: `#/annotations/${ids.annotation}`, ready: '.detail[data-annotation-id]' },
    { name: 'inbox', hash: '#/inbox', ready: '[data-review-id]' },
    { name: 'inbox-review', hash: `#/inbox/${ids.review}`, ready: '.review-decision' },
    { name: 'insights', hash: '#/insights', ready: '[data-chart="over-time"] canvas' },
    { name: 'export', hash: '#/export?format=trl-dpo', ready: '.export-preview article.example' },
    { name: 'export-sft', hash: '#/export?format=openai-sft', ready: '.export-preview article.example' },
    { name: 'settings', hash: '#/settings', ready: '[data-setting="dataDir"]' },
    { name: 'users', hash: '#/users', ready: '.personal-server' },
    { name: 'audit', hash: '#/audit', ready: 'tr[data-audit-id]' },
    { name: 'guide', hash: '#/docs/reviews', ready: 'article.docs h1' },
  ];
}

async function expectInside(page: Page, what: string): Promise<void> {
  const found = await overflow(page);
  expect(found.offenders, what).toEqual([]);
  expect(found.document.width, `${what}: the page scrolls sideways`).toBeLessThanOrEqual(found.viewport.width);
  expect(found.document.height, `${what}: the page itself scrolls (its parts should)`).toBeLessThanOrEqual(
    found.viewport.height,
  );
}

describe('dashboard layout: every page, screenshots, nothing outside the viewport (Chromium)', () => {
  let data: ReturnType<typeof seed>;
  const fx = useDashboard(() => {
    data = seed();
    return data.all;
  });

  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}x${viewport.height}`;
    it(`fits ${size}`, async () => {
      const created = await fx.api<{ review: { id: string } }>('/api/v1/reviews', {
        method: 'POST',
        body: JSON.stringify({
          title: 'Approve the guest list',
          description: 'The pipeline generated **three** guests.',
          rows: [
            { first_name: 'Ada', last_name: 'Lovelace', note: 'mathematician, wrote the first published program' },
            { first_name: 'Grace', last_name: 'Hopper', note: 'compiler pioneer' },
          ],
          form: {
            type: 'object',
            properties: { host: { type: 'string', enum: ['Ada', 'Grace'] }, seats: { type: 'integer', minimum: 1 } },
            required: ['host'],
          },
        }),
      });
      const ids = { annotation: data.code.id, review: created.review.id };
      const { page, problems } = await fx.open(viewport);
      for (const target of pages(ids)) {
        await page.goto(`${fx.companion.url}/${target.hash}`);
        await page.locator(target.ready).first().waitFor();
        await expectInside(page, `${target.name} at ${size}`);
        await screenshot(page, `${target.name}-${size}`);
      }
      // Signed out: the sign-in page.
      const signedOut = await (await fx.browser.newContext({ viewport })).newPage();
      await signedOut.goto(fx.companion.url);
      await signedOut.getByRole('button', { name: 'Sign in' }).waitFor();
      await expectInside(signedOut, `sign-in at ${size}`);
      await screenshot(signedOut, `sign-in-${size}`);
      expect(problems).toEqual([]);
    });
  }
});
