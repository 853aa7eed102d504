import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { type Annotation, type ConversationRating, syncPullResponseSchema } from '../../shared/index.ts';
import { type ChromiumSession, launchChromium } from '../support/chromium.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { ControlsDriver, readStore, readStoredAnnotations } from './support/annotate-driver.ts';
import { openFixture, pairThroughOptions, thumbUp, waitUntil } from './support/sync-helpers.ts';

const run = promisify(execFile);
const BAR = 'margin-conversation-bar';

async function companionRatings(companion: CompanionProcess): Promise<ConversationRating[]> {
  const response = await fetch(`${companion.url}/api/v1/sync/pull?since=0&limit=1000&conversationRatings=include`, {
    headers: { Authorization: `Bearer ${companion.token}` },
  });
  if (!response.ok) throw new Error(`pull: HTTP ${response.status}`);
  return syncPullResponseSchema.parse(await response.json()).conversationRatings ?? [];
}

describe('whole-conversation ratings (Chromium)', () => {
  let session: ChromiumSession | undefined;
  let companion: CompanionProcess | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
    await companion?.dispose();
    companion = undefined;
  });

  it('rates a conversation from the bar, syncs it, and an export keeps only the conversations rated so', async () => {
    companion = await startCompanion();
    session = await launchChromium();
    await pairThroughOptions(session, companion, 1);

    // ChatGPT: two rated responses, and the conversation rated "Good" from the bar with a note and a tag.
    const chatgpt = await openFixture(session, 'chatgpt');
    await thumbUp(chatgpt.driver, 0);
    await thumbUp(chatgpt.driver, 1);
    const bar = await ControlsDriver.attach(session.context, chatgpt.page, BAR);
    await bar.waitForHosts(1);
    await bar.click(0, 'button', 'Conversation note');
    await bar.type(0, 'textbox', 'Note on the whole conversation', 'Solved in two turns.');
    await bar.type(0, 'textbox', 'Tags (comma-separated)', 'router, fast');
    await bar.click(0, 'button', 'Good');
    await bar.waitForStatus(0, /^Saved$/);
    expect((await bar.state(0, 'button', 'Good')).pressed).toBe('true');
    expect((await bar.state(0, 'button', 'Unclear')).pressed).toBe('false');
    // One bar per page, whatever the number of responses.
    expect(await bar.hostCount()).toBe(1);

    // Claude: one rated response in a conversation rated "Needs work".
    const claude = await openFixture(session, 'claude');
    await thumbUp(claude.driver, 0);
    const claudeBar = await ControlsDriver.attach(session.context, claude.page, BAR);
    await claudeBar.waitForHosts(1);
    await claudeBar.click(0, 'button', 'Needs work');
    await claudeBar.waitForStatus(0, /^Saved$/);

    const local = await readStore<ConversationRating>(session.serviceWorker, 'conversationRatings');
    expect(local.map((rating) => [rating.site, rating.rating]).sort()).toEqual([
      ['chatgpt', 'good'],
      ['claude', 'needs-work'],
    ]);
    const arrived = await waitUntil(
      () => companionRatings(companion as CompanionProcess),
      (list) => list.length === 2,
      'both conversation ratings at the companion',
      30_000,
    );
    const byId = (list: { id: string }[]) => [...list].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(byId(arrived)).toEqual(byId(local));
    const good = arrived.find((rating) => rating.rating === 'good');
    expect(good).toMatchObject({ note: 'Solved in two turns.', tags: ['router', 'fast'] });

    const stored = await readStoredAnnotations(session.serviceWorker);
    const out = await makeTempDir('conversation-rating-export');
    try {
      const file = join(out.path, 'rated.jsonl');
      await run(
        process.execPath,
        [
          join(repoRoot, 'bin', 'margin.js'),
          'export',
          '--data-dir',
          companion.dataDir,
          '--format',
          'raw',
          '--conversation-rating',
          'good,unclear',
          '--out',
          file,
        ],
        { cwd: repoRoot },
      );
      const lines = readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Annotation & { conversationRating: { rating: string; note: string } });
      const expected = stored.filter((annotation) => annotation.site === 'chatgpt').map((a) => a.id);
      expect(expected).toHaveLength(2);
      expect(lines.map((line) => line.id).sort()).toEqual([...expected].sort());
      for (const line of lines) {
        expect(line.conversationRating).toMatchObject({ rating: 'good', note: 'Solved in two turns.' });
      }
      const sidecar = readFileSync(join(out.path, 'rated.meta.jsonl'), 'utf8').trim().split('\n');
      const { summary } = JSON.parse(sidecar.at(-1) as string);
      expect(summary.skipped['conversation-rating-not-selected']).toBe(1);
    } finally {
      await out.remove();
    }
  });
});
