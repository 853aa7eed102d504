import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Annotation,
  PROTOCOL,
  PROTOCOL_HEADER,
  syncPullResponseSchema,
  syncPushResponseSchema,
  userTokenResponseSchema,
} from '../../shared/index.ts';
import { type ChromiumSession, launchChromium } from '../support/chromium.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { repoRoot } from '../support/paths.ts';
import { createTestDatabase, type TestPostgresDatabase } from '../support/postgres.ts';
import { readStoredAnnotations } from './support/annotate-driver.ts';
import { saveOptions } from './support/options-save.ts';
import { openFixture, pairThroughOptions, textOf, thumbUp, waitUntil } from './support/sync-helpers.ts';

const run = promisify(execFile);
const PUBLIC_URL = 'https://margin.example.test';
const INTERVAL_SECONDS = 1;

/** `margin user add` through the real CLI, on the server's database: answers the token it prints once. */
async function addUser(database: string, name: string, role: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    [join(repoRoot, 'bin', 'margin.js'), 'user', 'add', name, '--role', role, '--database', database],
    { cwd: repoRoot },
  );
  const token = stdout.trim();
  expect(token).toMatch(/^\S{32,}$/);
  return token;
}

/** `POST /api/v1/users` with an admin's token (the dashboard's Users page does the same). */
async function addUserOverHttp(companion: CompanionProcess, admin: string, name: string, role: string) {
  const response = await api(companion, admin, '/api/v1/users', {
    method: 'POST',
    body: JSON.stringify({ name, role }),
  });
  expect(response.status).toBe(201);
  return userTokenResponseSchema.parse(await response.json()).token;
}

function api(companion: CompanionProcess, token: string, path: string, init: RequestInit = {}) {
  return fetch(`${companion.url}${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${token}`,
      [PROTOCOL_HEADER]: String(PROTOCOL.current),
      ...(init.body ? { 'Content-Type': 'application/json' } : {}),
    },
  });
}

async function pulled(companion: CompanionProcess, token: string): Promise<Annotation[]> {
  const response = await api(companion, token, '/api/v1/sync/pull?since=0&limit=1000');
  expect(response.status).toBe(200);
  return syncPullResponseSchema.parse(await response.json()).annotations;
}

function annotators(annotations: Annotation[]): string[] {
  return [...new Set(annotations.map((annotation) => annotation.annotator))].sort();
}

async function popupSyncText(popup: Page): Promise<string> {
  return textOf(popup.locator('section[aria-labelledby="sync-heading"]'));
}

/**
 * The team setup of docs/team.md end to end: a companion with `--team` on PostgreSQL, three users made
 * with `margin user add`, two Chromium profiles paired as two annotators through the options page, and
 * a viewer who only reads and exports over HTTP. Plain http on loopback: `--team` allows it there (a
 * real team server is reached over https, which the extension's URL check demands off this machine).
 */
describe('a team server on PostgreSQL: two annotators and a viewer', () => {
  let database: TestPostgresDatabase | undefined;
  let companion: CompanionProcess | undefined;
  const sessions: ChromiumSession[] = [];
  afterAll(async () => {
    for (const session of sessions) await session.close();
    await companion?.dispose();
    await database?.drop();
  });

  it('each annotator syncs only their own work, cannot edit the other’s, and the viewer exports both', async () => {
    database = await createTestDatabase('team_e2e');
    companion = await startCompanion({ database: database.url, args: ['--team', '--public-url', PUBLIC_URL] });
    const server = companion;
    const owner = server.token;
    // Alice through the CLI on the server's database, the others as an admin does from the dashboard.
    const tokens = {
      alice: await addUser(database.url, 'alice', 'annotator'),
      bob: await addUserOverHttp(server, owner, 'bob', 'annotator'),
      carol: await addUserOverHttp(server, owner, 'carol', 'viewer'),
    };

    // Alice annotates before pairing, under the extension's default name…
    const alice = await launchChromium();
    sessions.push(alice);
    const aliceChat = await openFixture(alice, 'chatgpt');
    await thumbUp(aliceChat.driver, 0);
    expect(annotators(await readStoredAnnotations(alice.serviceWorker))).toEqual(['me']);

    // …then pairs with her personal token: the options page says who she is and takes her name.
    const aliceOptions = await pairThroughOptions(alice, { url: server.url, token: tokens.alice }, INTERVAL_SECONDS);
    const note = await textOf(aliceOptions.locator('[data-companion-note]'));
    expect(note).toContain('Signed in as alice (annotator).');
    expect(note).toContain('Your annotator name is now “alice” (it was “me”)');
    await expect.poll(() => aliceOptions.locator('[data-signed-in]').getAttribute('data-signed-in')).toBe('alice');
    expect(await textOf(aliceOptions.locator('.signed-in'))).toContain(`on the team server ${server.url}`);
    expect(await aliceOptions.getByLabel('Annotator name').inputValue()).toBe('alice');

    // The record made as "me" is refused by the server (the token says alice): the popup says so
    // plainly and offers to send it under her name.
    const alicePopup = await alice.openExtensionPage('popup.html');
    await waitUntil(
      () => popupSyncText(alicePopup),
      (text) => text.includes('1 record refused by the team server: it names “me”, but you are signed in as “alice”.'),
      'the refusal in the popup',
    );
    expect(await textOf(alicePopup.locator('[data-signed-in]'))).toBe(
      `Signed in as alice (annotator) on ${new URL(server.url).host}`,
    );
    expect(await pulled(server, owner)).toEqual([]);
    await alicePopup.getByRole('button', { name: 'Send them as alice' }).click();
    await waitUntil(
      () => textOf(alicePopup.locator('[data-claim-note]')),
      (text) => text.startsWith('Your annotator name is now “alice”: 1 sent again under it'),
      'the claim note',
    );
    await waitUntil(
      () => pulled(server, owner),
      (list) => list.length === 1,
      'alice’s first annotation on the server',
    );

    // New annotations carry her name from the start.
    await thumbUp(aliceChat.driver, 1);
    await waitUntil(
      () => pulled(server, owner),
      (list) => list.length === 2,
      'alice’s second annotation',
    );

    // Bob pairs first, then annotates the same response alice rated first.
    const bob = await launchChromium();
    sessions.push(bob);
    const bobOptions = await pairThroughOptions(bob, { url: server.url, token: tokens.bob }, INTERVAL_SECONDS);
    // A viewer's token cannot sync from a browser: pairing with it is refused, and bob stays signed in.
    const companionForm = bobOptions.getByRole('region', { name: 'Companion' });
    await companionForm.getByLabel('Pairing token').fill(tokens.carol);
    expect((await saveOptions(bobOptions)).tone).toBe('error');
    await waitUntil(
      () => textOf(bobOptions.locator('[data-companion-note]')),
      (text) => text.startsWith('Not paired: "carol" is a viewer on this team server.'),
      'the viewer refused at pairing',
    );
    await companionForm.getByLabel('Pairing token').fill(tokens.bob);
    const bobChat = await openFixture(bob, 'chatgpt');
    await thumbUp(bobChat.driver, 0);
    const all = await waitUntil(
      () => pulled(server, owner),
      (list) => list.length === 3,
      'bob’s annotation',
    );
    expect(annotators(all)).toEqual(['alice', 'bob']);
    const bobs = all.find((annotation) => annotation.annotator === 'bob') as Annotation;
    const alices = all.filter((annotation) => annotation.annotator === 'alice');
    expect(alices.map((annotation) => annotation.key)).toContain(bobs.key);

    // Each annotator's pull holds only their own work, through the API and in their browser after a sync.
    expect(annotators(await pulled(server, tokens.alice))).toEqual(['alice']);
    expect(annotators(await pulled(server, tokens.bob))).toEqual(['bob']);
    await alicePopup.getByRole('button', { name: 'Sync now' }).click();
    await waitUntil(
      () => popupSyncText(alicePopup),
      (text) => text.includes('Synced') && !text.includes('refused'),
      'alice synced after bob',
    );
    const inAlicesBrowser = await readStoredAnnotations(alice.serviceWorker);
    expect(annotators(inAlicesBrowser)).toEqual(['alice']);
    expect(inAlicesBrowser.map((annotation) => annotation.id).sort()).toEqual(
      alices.map((annotation) => annotation.id).sort(),
    );

    // Alice cannot edit bob's annotation: the dashboard API says 403, and a push over it is refused.
    const edit = await api(server, tokens.alice, `/api/v1/annotations/${bobs.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ baseRevision: bobs.revision, comment: 'not mine to change' }),
    });
    expect(edit.status).toBe(403);
    expect(await edit.json()).toMatchObject({ error: { code: 'not_yours' } });
    const overwrite = await api(server, tokens.alice, '/api/v1/sync/push', {
      method: 'POST',
      body: JSON.stringify({
        deviceId: 'alice-by-hand',
        annotations: [
          {
            ...bobs,
            annotator: 'alice',
            comment: 'taken over',
            revision: bobs.revision + 1,
            updatedAt: new Date().toISOString(),
          },
        ],
        comparisons: [],
      }),
    });
    expect(overwrite.status).toBe(200);
    const [refused] = syncPushResponseSchema.parse(await overwrite.json()).annotations;
    expect(refused?.status).toBe('rejected');
    expect((await pulled(server, tokens.bob)).find((annotation) => annotation.id === bobs.id)?.comment).toBe(
      bobs.comment,
    );

    // Carol, a viewer, exports a dataset holding both annotators' work, and cannot push.
    const exported = await api(server, tokens.carol, '/api/v1/export?format=raw');
    expect(exported.status).toBe(200);
    const lines = (await exported.text())
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { annotator?: string; id?: string });
    expect(lines.map((line) => line.id).sort()).toEqual(all.map((annotation) => annotation.id).sort());
    expect([...new Set(lines.map((line) => line.annotator))].sort()).toEqual(['alice', 'bob']);
    const viewerPush = await api(server, tokens.carol, '/api/v1/sync/push', {
      method: 'POST',
      body: JSON.stringify({ deviceId: 'carol', annotations: [], comparisons: [] }),
    });
    expect(viewerPush.status).toBe(403);
    expect(await viewerPush.json()).toMatchObject({ error: { code: 'forbidden_role' } });
  }, 240_000);
});
