import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Annotation, Comparison, Message, SyncPullResponse } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { makeConversationRating } from '../support/conversation-rating-factory.ts';
import { screenshot, seed, useDashboard, XSS_COMMENT } from './support/dashboard-fixture.ts';

/** The correction a diff view shows: its text without the struck-out parts. */
function correctionShown(scope: Locator): Promise<string> {
  return scope.locator('.diff-text').evaluate((element) =>
    [...element.childNodes]
      .filter((node) => node.nodeName !== 'DEL')
      .map((node) => node.textContent)
      .join(''),
  );
}

function originalShown(scope: Locator): Promise<string> {
  return scope.locator('.diff-text').evaluate((element) =>
    [...element.childNodes]
      .filter((node) => node.nodeName !== 'INS')
      .map((node) => node.textContent)
      .join(''),
  );
}

describe('dashboard detail view (Chromium, real companion)', () => {
  let data: ReturnType<typeof seed>;
  const fx = useDashboard(() => {
    data = seed();
    return data.all;
  });

  it('saves an edit that survives a reload and reaches the extension through a sync pull; deletes too', async () => {
    const { page, problems } = await fx.open();
    const target = data.filler[2] as Annotation;
    await page.locator('input[name="q"]').fill(`Answer ${target.response.split(' ')[1]?.replace(':', '')}`);
    await page.locator(`tr[data-row-id="${target.id}"]`).click();
    const detail = page.locator(`.detail[data-annotation-id="${target.id}"]`);
    await detail.waitFor();
    await detail.getByRole('region', { name: 'Conversation rating' }).getByText('Not rated').waitFor();
    // Rate the whole conversation from here: the same record the extension's conversation bar makes.
    const conversation = detail.getByRole('region', { name: 'Conversation rating' });
    await conversation.getByLabel('Conversation note').fill('Wanders off after the second answer.');
    await conversation.getByRole('button', { name: 'Needs work' }).click();
    await conversation.getByRole('status').filter({ hasText: 'Saved: Needs work.' }).waitFor();
    await conversation.locator('.conversation-rating[data-rating="needs-work"]').waitFor();
    expect(await conversation.locator('.conversation-rating-note').textContent()).toBe(
      'Wanders off after the second answer.',
    );
    expect(await conversation.getByRole('button', { name: 'Needs work' }).getAttribute('aria-pressed')).toBe('true');
    await detail.getByLabel('▼ down').check();
    await detail.getByLabel('Score (0–100)').fill('33');
    await detail.getByLabel('Tags (comma separated)').fill('wrong, needs-citation');
    await detail.getByLabel('Comment').fill('Misses the firmware step.');
    await detail.getByRole('button', { name: 'Write a better response' }).click();
    await detail.getByLabel('Correction (markdown)').fill('Update the firmware first, then reset the router.');
    await detail.getByRole('button', { name: 'Save' }).click();
    await detail.getByRole('status').filter({ hasText: 'Saved (revision 2).' }).waitFor();
    // Saved, the correction shows as its changes: the original with removals struck and additions marked.
    await expect.poll(() => correctionShown(detail)).toBe('Update the firmware first, then reset the router.');
    const cell = (column: string) => page.locator(`tr[data-row-id="${target.id}"] td[data-column="${column}"]`);
    await expect
      .poll(async () => [await cell('thumb').textContent(), await cell('score').textContent()])
      .toEqual(['▼ down', '33']);
    await screenshot(page, 'detail');

    await page.reload();
    const reloaded = page.locator(`.detail[data-annotation-id="${target.id}"]`);
    await reloaded.waitFor();
    expect(await reloaded.getAttribute('data-revision')).toBe('2');
    expect(await reloaded.getByLabel('Score (0–100)').inputValue()).toBe('33');
    expect(await reloaded.getByLabel('Tags (comma separated)').inputValue()).toBe('wrong, needs-citation');
    expect(await reloaded.getByLabel('Comment').inputValue()).toBe('Misses the firmware step.');
    expect(await reloaded.getByLabel('▼ down').isChecked()).toBe(true);

    const pull = await fx.api<SyncPullResponse>(`/api/v1/sync/pull?since=${fx.seeded}`);
    expect(pull.annotations).toHaveLength(1);
    expect(pull.annotations[0]).toMatchObject({
      id: target.id,
      revision: 2,
      thumb: 'down',
      score: 33,
      tags: ['wrong', 'needs-citation'],
      comment: 'Misses the firmware step.',
      correction: 'Update the firmware first, then reset the router.',
      response: target.response,
      createdAt: target.createdAt,
      deletedAt: null,
    });

    // Delete: a tombstone that sync carries; the row leaves the table.
    page.once('dialog', (dialog) => void dialog.accept());
    await reloaded.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.locator(`tr[data-row-id="${target.id}"]`).count()).toBe(0);
    const after = await fx.api<SyncPullResponse>(`/api/v1/sync/pull?since=${pull.checkpoint}`);
    expect(after.annotations.map((a) => [a.id, a.revision, a.deletedAt !== null])).toEqual([[target.id, 3, true]]);
    expect(problems).toEqual([]);
  });

  it('shows HTML and script in a response, context or comment as text, and never runs them', async () => {
    const { page, problems } = await fx.open();
    await page.goto(`${fx.companion.url}/#/annotations/${data.xss.id}`);
    const detail = page.locator(`.detail[data-annotation-id="${data.xss.id}"]`);
    await detail.waitFor();
    const response = detail.locator('.bubble.response');
    await expect.poll(() => response.textContent()).toContain("<script>window.__pwned='script'</script>");
    expect(await response.textContent()).toContain('<img src=x onerror="window.__pwned=\'img\'">');
    expect(await detail.locator('.bubble[data-role="user"]').textContent()).toContain('<marquee>html</marquee>');
    expect(await detail.locator('.markdown img, .markdown script, .markdown iframe, .markdown marquee').count()).toBe(
      0,
    );
    expect(await detail.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await detail.getByLabel('Comment').inputValue()).toBe(XSS_COMMENT);
    const row = page.locator(`tr[data-row-id="${data.xss.id}"]`);
    await expect.poll(() => row.textContent()).toContain('<b onmouseover=');
    expect(await row.locator('b').count()).toBe(0);
    await row.hover();
    await response.hover();
    // The markdown still renders: code is highlighted, emphasis is emphasis.
    await page.goto(`${fx.companion.url}/#/annotations/${data.code.id}`);
    const code = page.locator(`.detail[data-annotation-id="${data.code.id}"] .bubble.response`);
    await code.locator('pre code .hljs-keyword', { hasText: 'def' }).waitFor();
    expect(await code.locator('strong', { hasText: 'wait' }).count()).toBe(1);
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('opens on the rated answer with its controls in view; the earlier turns fold above it', async () => {
    const paragraph = (turn: number) =>
      Array.from({ length: 12 }, (_, line) => `Turn ${turn}, line ${line}: ${'words that take room '.repeat(6)}`).join(
        '\n\n',
      );
    const context: Message[] = Array.from({ length: 7 }, (_, turn) => ({
      role: turn % 2 === 0 ? 'user' : 'assistant',
      content: turn === 6 ? 'And now, which cable do I unplug first?' : paragraph(turn),
    }));
    const chat = makeAnnotation({
      context,
      response: 'Unplug the grey power cable first.',
      reasoning: 'The user asked about cables; power goes first.',
      metadata: { 'capture.partial': true, 'capture.images': 2, 'capture.unrenderedTurns': 1 },
      thumb: 'up',
      score: 70,
    });
    await fx.push([chat]);
    const { page, problems } = await fx.open({ width: 1400, height: 900 });
    await page.goto(`${fx.companion.url}/#/annotations/${chat.id}`);
    const detail = page.locator(`.detail[data-annotation-id="${chat.id}"]`);
    await detail.waitFor();
    const earlier = detail.locator('details.earlier');
    expect(await earlier.locator('summary').textContent()).toBe('6 earlier turns');
    expect(await earlier.evaluate((element: HTMLDetailsElement) => element.open)).toBe(false);
    expect(await detail.locator('.bubble.prompt').textContent()).toContain('which cable do I unplug first?');
    // Without scrolling: the response near the top, the thumbs, the score and Save on screen.
    expect(await detail.evaluate((element) => element.scrollTop)).toBe(0);
    const top = (await detail.boundingBox())?.y ?? 0;
    const response = await detail.locator('.bubble.response').boundingBox();
    expect(response && response.y - top).toBeLessThan(300);
    for (const control of [
      detail.getByLabel('▲ up'),
      detail.getByLabel('Score (0–100)'),
      detail.getByRole('button', { name: 'Save' }),
    ]) {
      const box = await control.boundingBox();
      expect(box && box.y + box.height).toBeLessThanOrEqual(900);
    }
    // What the capture missed, and the model's reasoning (folded), are said before the response.
    expect(await detail.locator('[data-capture="partial"]').textContent()).toContain(
      'Partly captured: 1 earlier turn not captured, 2 images',
    );
    const reasoning = detail.locator('details.reasoning');
    expect(await reasoning.evaluate((element: HTMLDetailsElement) => element.open)).toBe(false);
    await reasoning.locator('summary').click();
    expect(await reasoning.locator('.bubble.reasoning').textContent()).toContain('power goes first');
    await reasoning.locator('summary').click();
    await screenshot(page, 'detail-long-chat');
    await earlier.locator('summary').click();
    expect(await earlier.locator('.bubble').count()).toBe(6);
    expect(await earlier.locator('.bubble').first().textContent()).toContain('Turn 0, line 0');
    expect(problems).toEqual([]);
  });

  it('shows a correction as changes against the original, and edits it in place', async () => {
    const corrected = makeAnnotation({
      response: 'Hold the reset pin for 10 seconds.\n\nThen plug it back in.',
      correction: 'Hold the reset pin for 30 seconds.\n\nThen plug it back in and wait for the amber light.',
      thumb: 'down',
    });
    await fx.push([corrected]);
    const { page, problems } = await fx.open();
    await page.goto(`${fx.companion.url}/#/annotations/${corrected.id}`);
    const detail = page.locator(`.detail[data-annotation-id="${corrected.id}"]`);
    const diff = detail.locator('figure.diff');
    await diff.waitFor();
    expect(await diff.locator('del').allTextContents()).toContain('10');
    expect(await diff.locator('ins').allTextContents()).toEqual(expect.arrayContaining(['30']));
    expect((await diff.locator('ins').allTextContents()).join('')).toContain('amber light');
    expect(await correctionShown(detail)).toBe(corrected.correction);
    expect(await originalShown(detail)).toBe(corrected.response);
    await screenshot(page, 'detail-correction');
    // Edit: the markdown source; the changes follow the draft.
    await detail.getByRole('button', { name: 'Edit', exact: true }).click();
    await detail.getByLabel('Correction (markdown)').fill('Hold the reset pin for 30 seconds.');
    await detail.getByRole('button', { name: 'Changes', exact: true }).click();
    expect(await correctionShown(detail)).toBe('Hold the reset pin for 30 seconds.');
    expect(await detail.getByRole('button', { name: 'Save' }).isEnabled()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('shows the rubric answers, the comparisons the annotation is part of and the conversation rating', async () => {
    const context: Message[] = [{ role: 'user', content: 'Name a router brand.' }];
    const variant = (index: number) => ({ index, count: 3, group: 'brands' });
    const [mine, beaten, tied] = [
      makeAnnotation({
        conversationId: 'brands',
        context,
        response: 'Netgear.',
        variant: variant(1),
        rubric: { version: 2, answers: { hallucination: false, tone: 'formal', 'needs-citation': true, clarity: 4 } },
      }),
      makeAnnotation({
        conversationId: 'brands',
        context,
        response: 'Cisco, maybe.',
        variant: variant(2),
        model: 'gpt-4o',
      }),
      makeAnnotation({ conversationId: 'brands', context, response: 'TP-Link.', variant: variant(3) }),
    ] as [Annotation, Annotation, Annotation];
    const comparison = (id: string, a: string, b: string, winner: Comparison['winner']): Comparison => ({
      schemaVersion: 1,
      id,
      a,
      b,
      winner,
      annotator: 'grace',
      createdAt: '2026-11-02T10:00:00.000Z',
      updatedAt: '2026-11-02T10:00:00.000Z',
      deletedAt: null,
      revision: 1,
    });
    await fx.push(
      [mine, beaten, tied],
      [comparison('cmp-won', beaten.id, mine.id, 'b'), comparison('cmp-tie', mine.id, tied.id, 'tie')],
    );
    const rated = makeConversationRating({
      site: mine.site,
      conversationId: 'brands',
      rating: 'needs-work',
      note: 'Asked for one brand, got three tries.',
      tags: ['verbose'],
      annotator: 'grace',
    });
    await fx.api('/api/v1/sync/push', {
      method: 'POST',
      body: JSON.stringify({ deviceId: 'seed-browser', annotations: [], conversationRatings: [rated] }),
    });
    const { page, problems } = await fx.open();
    await page.goto(`${fx.companion.url}/#/annotations/${mine.id}`);
    const detail = page.locator(`.detail[data-annotation-id="${mine.id}"]`);
    const rubric = detail.getByRole('region', { name: 'Rubric answers' });
    await rubric.waitFor();
    expect(await rubric.locator('h3').textContent()).toBe('Rubric (version 2)');
    expect(await rubric.locator('dt').allTextContents()).toEqual([
      'Hallucination',
      'Tone',
      'Needs citation',
      'Clarity',
    ]);
    expect(await rubric.locator('dd').allTextContents()).toEqual(['no', 'formal', 'yes', '4']);
    const conversation = detail.getByRole('region', { name: 'Conversation rating' });
    await conversation.locator('.conversation-rating').waitFor();
    expect(await conversation.locator('.conversation-rating').getAttribute('data-rating')).toBe('needs-work');
    const shown = await conversation.textContent();
    for (const part of ['Needs work', 'by grace', 'verbose', 'Asked for one brand, got three tries.']) {
      expect(shown).toContain(part);
    }

    const compared = detail.getByRole('region', { name: 'Comparisons' });
    await compared.locator('article.comparison').nth(1).waitFor();
    const outcomes = await compared
      .locator('article.comparison')
      .evaluateAll((items) => items.map((item) => [item.getAttribute('data-outcome'), item.textContent]));
    expect(outcomes.map(([outcome]) => outcome)).toEqual(['this', 'tie']);
    expect(outcomes[0]?.[1]).toContain('this answer won');
    expect(outcomes[0]?.[1]).toContain('judged by grace');
    expect(outcomes[0]?.[1]).toContain('Cisco, maybe.');
    expect(outcomes[1]?.[1]).toContain('TP-Link.');
    await screenshot(page, 'detail-rubric-comparisons');
    // The other answer opens in the detail.
    await compared.getByRole('link', { name: /The other answer · gpt-4o/ }).click();
    await page.locator(`.detail[data-annotation-id="${beaten.id}"]`).waitFor();
    const back = page
      .locator(`.detail[data-annotation-id="${beaten.id}"]`)
      .getByRole('region', { name: 'Comparisons' });
    expect(await back.locator('article.comparison').getAttribute('data-outcome')).toBe('other');
    expect(problems).toEqual([]);
  });
});
