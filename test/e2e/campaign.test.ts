import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SignInCodeResponse, UserTokenResponse } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { type DashboardFixture, screenshot, useDashboard } from './support/dashboard-fixture.ts';

/**
 * Issue 13's acceptance, in Chromium against a real companion: an admin creates a queue with overlap
 * 2 in the dashboard; two annotators work it from the keyboard in two browser contexts; the admin
 * reads progress and agreement and settles the one disagreement.
 */

const QUEUE = 'campaign-e2e';
/** What each annotator answers, by the response on screen: the second response is the disagreement. */
const RESPONSES = ['Reboot it from the admin page.', 'Unplug everything for a week.', 'Routers cannot be reset.'];
const PLAN: Record<string, { ann: string; bea: string }> = {
  [RESPONSES[0] as string]: { ann: '+', bea: '+' },
  [RESPONSES[1] as string]: { ann: '+', bea: '-' },
  [RESPONSES[2] as string]: { ann: '-', bea: '-' },
};
const CORRECTION = 'Hold the reset pin for ten seconds, then wait for the lights.';

function campaignSeed() {
  const tagged = RESPONSES.map((response, index) =>
    makeAnnotation({
      conversationId: `campaign-${index}`,
      context: [{ role: 'user', content: `Question ${index}: how do I reset my router?` }],
      response,
      tags: ['campaign'],
      createdAt: `2026-11-0${index + 1}T10:00:00.000Z`,
      updatedAt: `2026-11-0${index + 1}T10:00:00.000Z`,
    }),
  );
  // Not in the campaign: the filter leaves it out, so no item, no line.
  const other = makeAnnotation({ conversationId: 'elsewhere', response: 'Not part of the campaign.', tags: [] });
  return [...tagged, other];
}

/** A fresh browser context signed in as `name` (an annotator added through the API). */
async function openAs(fx: DashboardFixture, token: string): Promise<Page> {
  const code = await fetch(`${fx.companion.url}/api/v1/sign-in/codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(code.status).toBe(200);
  const { url } = (await code.json()) as SignInCodeResponse;
  const context = await fx.browser.newContext({ viewport: { width: 1300, height: 900 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('main#page').waitFor();
  return page;
}

/** Works every item the queue serves to this annotator, from the keyboard only, and returns how many. */
async function workQueue(page: Page, who: 'ann' | 'bea'): Promise<number> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Queues' }).click();
  await page.locator(`tr[data-queue="${QUEUE}"]`).getByRole('link', { name: 'Work' }).click();
  let worked = 0;
  for (;;) {
    const item = page.locator('.queue-item[data-item-id]');
    const empty = page.locator('[data-queue-empty]');
    await expect.poll(async () => (await item.count()) + (await empty.count()), { timeout: 15_000 }).toBe(1);
    if ((await empty.count()) === 1) break;
    const itemId = await item.getAttribute('data-item-id');
    // The lease is on screen, and a blind queue shows no one else's label.
    expect(await page.locator('.lease').textContent()).toMatch(/Held for you until .+ left/);
    expect(await page.locator('.other-answers').count()).toBe(0);
    const response = (await item.locator('.bubble.response .markdown').textContent())?.trim() ?? '';
    const plan = PLAN[response];
    expect(plan, `an unexpected item: ${response}`).toBeDefined();
    await page.keyboard.type(plan?.[who] ?? '');
    await expect
      .poll(() => page.locator('[data-answer="thumb"]').getAttribute('data-value'))
      .toBe(plan?.[who] === '+' ? 'up' : 'down');
    if (who === 'ann' && worked === 0) {
      // `c` opens the comment; Escape hands the keys back; Enter sends.
      await page.keyboard.type('c');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('queue-answer-comment');
      await page.keyboard.type('clear and short');
      await page.keyboard.press('Escape');
      await screenshot(page, 'queue-work');
    }
    await page.keyboard.press('Enter');
    worked += 1;
    await expect
      .poll(async () => ((await empty.count()) === 1 ? 'empty' : await item.getAttribute('data-item-id')), {
        timeout: 15_000,
      })
      .not.toBe(itemId);
    await expect.poll(() => page.getByRole('status').textContent()).toContain(`(${worked} this session)`);
  }
  expect(await page.locator('[data-queue-empty]').textContent()).toContain('Nothing left for you');
  return worked;
}

/** The lines of an export from the queue, as the dashboard's download gets them (HTTP, the owner's token). */
async function exportLines(fx: DashboardFixture, format: string): Promise<string[]> {
  const response = await fetch(`${fx.companion.url}/api/v1/export?format=${format}&queue=${QUEUE}`, {
    headers: { authorization: `Bearer ${fx.companion.token}` },
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return text.split('\n').filter((line) => line !== '');
}

/**
 * The campaign's exports (default aggregate: the adjudicated answer, else the majority): item 1 was
 * approved by both, item 2 settled as thumbs down with a correction, item 3 rejected by both.
 */
async function expectCampaignExports(fx: DashboardFixture): Promise<void> {
  const question = (index: number) => ({ role: 'user', content: `Question ${index}: how do I reset my router?` });
  const assistant = (content: string) => ({ role: 'assistant', content });
  expect((await exportLines(fx, 'openai-sft')).sort()).toEqual(
    [
      JSON.stringify({ messages: [question(0), assistant(RESPONSES[0] as string)] }),
      JSON.stringify({ messages: [question(1), assistant(CORRECTION)] }),
    ].sort(),
  );
  expect(await exportLines(fx, 'trl-dpo')).toEqual([
    JSON.stringify({
      prompt: [question(1)],
      chosen: [assistant(CORRECTION)],
      rejected: [assistant(RESPONSES[1] as string)],
    }),
  ]);
}

/** Annotators added through the API (the Users page has its own test); their tokens by name. */
async function addAnnotators(fx: DashboardFixture, names: string[]): Promise<Record<string, string>> {
  const tokens: Record<string, string> = {};
  for (const name of names) {
    const added = await fx.api<UserTokenResponse>('/api/v1/users', {
      method: 'POST',
      body: JSON.stringify({ name, role: 'annotator' }),
    });
    tokens[name] = added.token;
  }
  return tokens;
}

describe('annotation campaign (Chromium, real companion)', () => {
  const fx = useDashboard(campaignSeed);

  it('an admin creates a queue with overlap 2, two annotators work it from the keyboard, the admin settles the disagreement', async () => {
    const tokens = await addAnnotators(fx, ['ann', 'bea']);

    // The admin creates the queue in the dashboard, filled from the annotations tagged "campaign".
    const { page: admin, problems } = await fx.open();
    await admin.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Queues' }).click();
    await admin.getByRole('heading', { name: 'New queue' }).waitFor();
    await admin.getByLabel('Name', { exact: true }).fill('Campaign e2e');
    expect(await admin.getByLabel('Id', { exact: true }).inputValue()).toBe(QUEUE);
    await admin.getByLabel('Annotators per item').fill('2');
    await admin.getByLabel('Correction (a better response)').selectOption('optional');
    await admin.getByLabel('Tag', { exact: true }).fill('campaign');
    await screenshot(admin, 'queue-create');
    await admin.getByRole('button', { name: 'Create queue' }).click();
    await admin.getByRole('status').filter({ hasText: 'Created “Campaign e2e” with 3 items' }).waitFor();
    const row = admin.locator(`tr[data-queue="${QUEUE}"]`);
    expect(await row.textContent()).toMatch(/single.*2.*blind.*0 of 3.*0 of 6/);

    // Two annotators, each in their own browser context, from the keyboard.
    const ann = await openAs(fx, tokens.ann ?? '');
    const bea = await openAs(fx, tokens.bea ?? '');
    // An annotator's menu has the queues, not the admin pages.
    expect(await ann.getByRole('navigation', { name: 'Pages' }).textContent()).not.toMatch(/Users|Audit/);
    expect(await workQueue(ann, 'ann')).toBe(3);
    await screenshot(ann, 'queue-empty');
    expect(await workQueue(bea, 'bea')).toBe(3);

    // Progress: every answer in, per annotator.
    await admin.goto(`${fx.companion.url}/#/queues/${QUEUE}`);
    const progress = admin.locator('[data-progress-done]');
    await progress.waitFor();
    expect(await progress.getAttribute('data-progress-done')).toBe('6');
    expect(await progress.getAttribute('data-progress-target')).toBe('6');
    for (const name of ['ann', 'bea']) {
      expect(await admin.locator(`tr[data-annotator="${name}"] [data-done]`).textContent()).toBe('3');
    }
    expect(await admin.locator('[data-chart="queue-work"] .chart').getAttribute('data-points')).toBe('2');
    await screenshot(admin, 'queue-progress');

    // Agreement on the thumb: (up, up), (up, down), (down, down).
    await admin
      .getByRole('navigation', { name: 'Queue views' })
      .getByRole('link', { name: 'Agreement', exact: true })
      .click();
    const thumb = admin.locator('tr[data-question="thumb"]');
    await thumb.waitFor();
    expect(await thumb.locator('[data-alpha]').textContent()).toBe('0.444');
    expect(await thumb.locator('[data-fleiss]').textContent()).toBe('0.333');
    expect(await thumb.locator('[data-percent]').textContent()).toBe('66.7%');
    expect(await admin.locator('[data-pairs="thumb"] [data-kappa]').textContent()).toBe('0.400');
    await screenshot(admin, 'queue-agreement');

    // The one disagreement, every label side by side; the admin sets the final answer.
    await admin.getByRole('navigation', { name: 'Queue views' }).getByRole('link', { name: 'Disagreements' }).click();
    await admin.locator('[data-disagreements]').waitFor();
    expect(await admin.locator('[data-disagreements]').getAttribute('data-disagreements')).toBe('1');
    const disputed = admin.locator('.disputed-item');
    expect(await disputed.locator('.bubble.response').textContent()).toContain(RESPONSES[1]);
    expect(await disputed.locator('tr[data-annotator="ann"] [data-column="thumb"]').textContent()).toBe('▲ up');
    expect(await disputed.locator('tr[data-annotator="bea"] [data-column="thumb"]').textContent()).toBe('▼ down');
    await disputed.getByLabel('Final thumb').selectOption('down');
    await disputed.getByLabel('Final correction').fill(CORRECTION);
    await disputed.getByRole('button', { name: 'Set the final answer' }).click();
    await admin.getByRole('status').filter({ hasText: 'Final answer saved.' }).waitFor();
    await disputed.locator('[data-final-by="owner"]').waitFor();
    await screenshot(admin, 'queue-adjudication');

    const { adjudications } = await fx.api<{ adjudications: Array<{ thumb: string; correction: string }> }>(
      `/api/v1/queues/${QUEUE}/adjudications`,
    );
    expect(adjudications).toMatchObject([{ thumb: 'down', correction: CORRECTION, adjudicator: 'owner' }]);
    expect(problems).toEqual([]);

    await expectCampaignExports(fx);
  });

  it('pairwise from the keyboard: A or B, a skip with its reason, and a late answer refused in words', async () => {
    const tokens = await addAnnotators(fx, ['ann', 'bea']);
    await fx.api('/api/v1/queues', {
      method: 'POST',
      body: JSON.stringify({ id: 'ab', name: 'A or B', kind: 'pairwise', overlap: 1, leaseSeconds: 10, blind: false }),
    });
    const pair = (n: number) => ({
      key: `pair-${n}`,
      messages: [{ role: 'user', content: `Pair question ${n}` }],
      responses: [
        { text: `First answer ${n}`, model: 'm1' },
        { text: `Second answer ${n}`, model: 'm2' },
      ],
    });
    await fx.api('/api/v1/queues/ab/items', { method: 'POST', body: JSON.stringify({ items: [1, 2, 3].map(pair) }) });

    const page = await openAs(fx, tokens.ann ?? '');
    await page.goto(`${fx.companion.url}/#/queues/ab/work`);
    const item = page.locator('.queue-item[data-item-id]');
    const question = () => item.locator('.bubble.prompt').textContent();

    // 1: B is better, as shown to this annotator.
    await expect.poll(question).toContain('Pair question 1');
    const shownB = (await item.locator('[data-side="B"] .markdown').textContent())?.trim();
    await page.keyboard.type('b');
    await expect.poll(() => item.locator('[data-side="B"]').getAttribute('data-picked')).toBe('true');
    await page.keyboard.press('Enter');

    // 2: skipped, with a reason.
    await expect.poll(question).toContain('Pair question 2');
    await page.keyboard.type('j');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('queue-skip-reason');
    await page.keyboard.type('not my language');
    await page.keyboard.press('Enter');

    // 3: the lease runs out, someone else answers it, and the late answer is refused in words.
    await expect.poll(question).toContain('Pair question 3');
    await expect.poll(() => page.locator('.lease').textContent(), { timeout: 20_000 }).toContain('Your hold ran out');
    const asBea = (path: string, body: unknown) =>
      fetch(`${fx.companion.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.bea}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // Bea is served the oldest open items: 2 (ann skipped it, so it is open to others), then 3 (ann's
    // hold ran out). She answers both.
    const servedIds: string[] = [];
    for (let n = 0; n < 2; n++) {
      const served = (await (await asBea('/api/v1/queues/ab/next', {})).json()) as { item: { item: { id: string } } };
      servedIds.push(served.item.item.id);
      const answered = await asBea(`/api/v1/queues/ab/items/${served.item.item.id}/answer`, { preference: 'tie' });
      expect(answered.status).toBe(200);
    }
    expect(servedIds).toContain(await item.getAttribute('data-item-id'));
    await page.keyboard.type('a');
    await page.keyboard.press('Enter');
    await page
      .getByRole('alert')
      .filter({ hasText: 'Not saved: This item already has all the answers it needs. Here is your next item.' })
      .waitFor();
    await page.locator('[data-queue-empty]').waitFor();
    await screenshot(page, 'queue-refused');

    const { answers } = await fx.api<{
      answers: Array<{ annotator: string; status: string; preferred: string | null; reason: string | null }>;
    }>('/api/v1/queues/ab/answers');
    const mine = answers.filter((answer) => answer.annotator === 'ann');
    expect(mine).toHaveLength(2);
    expect(mine.find((answer) => answer.status === 'skipped')?.reason).toBe('not my language');
    // The side shown as B is the response the answer prefers, in the item's own order.
    const done = mine.find((answer) => answer.status === 'done');
    expect(done?.preferred).toBe(shownB?.startsWith('First') ? 'first' : 'second');
  });
});
