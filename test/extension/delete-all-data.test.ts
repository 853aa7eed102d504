import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { AppDB } from '../../extension/src/db/app-db.ts';
import { type DeleteAllDataDeps, deleteAllData } from '../../extension/src/entrypoints/background/delete-all-data.ts';
import { SELF_HOSTED_SCRIPT_ID } from '../../extension/src/entrypoints/background/self-hosted.ts';
import type { FetchLike } from '../../extension/src/sync/companion-client.ts';
import { createSyncEngine, SYNC_ALARM } from '../../extension/src/sync/sync-engine.ts';
import { readMeta, writeMeta } from '../../extension/src/sync/sync-meta.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';

/** Browser APIs the deletion touches, recording what was asked of them. */
function fakeApis() {
  const calls: string[] = [];
  let registered = [{ id: SELF_HOSTED_SCRIPT_ID }];
  return {
    calls,
    scripting: {
      getRegisteredContentScripts: async () => registered,
      registerContentScripts: async () => {
        calls.push('register');
      },
      unregisterContentScripts: async (filter: { ids: string[] }) => {
        calls.push(`unregister ${filter.ids.join(',')}`);
        registered = [];
      },
    },
    permissions: {
      contains: async () => true,
      remove: async (permissions: { origins: string[] }) => {
        calls.push(`remove ${permissions.origins.join(',')}`);
        return true;
      },
    },
    badge: {
      setBadgeText: async ({ text }: { text: string }) => {
        calls.push(`badge "${text}"`);
      },
    },
  };
}

describe('Delete all Margin data in this browser', () => {
  let db: AppDB;
  beforeEach(() => {
    fakeBrowser.reset();
    db = new AppDB(`margin-delete-${Math.random()}`);
  });
  afterEach(async () => {
    db.close();
    await Dexie.delete(db.name);
  });

  function deps(sync: DeleteAllDataDeps['sync'], apis = fakeApis()): DeleteAllDataDeps {
    return {
      db,
      sync,
      storages: [fakeBrowser.storage.local, fakeBrowser.storage.session],
      alarms: fakeBrowser.alarms,
      scripting: apis.scripting,
      permissions: apis.permissions,
      badge: apis.badge,
      selfHostedOrigins: async () => ['http://localhost:3000', 'https://chat.example.org'],
    };
  }

  it('empties the database (still usable afterwards), settings, alarms, and gives back self-hosted access', async () => {
    await db.annotations.bulkPut([makeAnnotation(), makeAnnotation()]);
    await writeMeta(db, 'companion', { url: 'http://127.0.0.1:8787', token: 'secret', intervalSeconds: 60 });
    await fakeBrowser.storage.local.set({ annotatorName: 'ada', selfHostedOrigins: ['http://localhost:3000'] });
    await fakeBrowser.storage.session.set({ 'health:7': { turns: 3 } });
    await fakeBrowser.alarms.create(SYNC_ALARM, { when: Date.now() + 60_000 });
    const apis = fakeApis();
    const order: string[] = [];
    const deleted = await deleteAllData(
      deps({ pause: async () => void order.push('pause'), resume: () => void order.push('resume') }, apis),
    );

    expect(deleted).toEqual({ annotations: 2, comparisons: 0, pending: 2 });
    expect(order).toEqual(['pause', 'resume']);
    expect(await db.annotations.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect(await readMeta(db, 'companion')).toBeUndefined();
    expect(await fakeBrowser.storage.local.get(null)).toEqual({});
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    expect(await fakeBrowser.alarms.getAll()).toEqual([]);
    expect(apis.calls).toEqual([
      `unregister ${SELF_HOSTED_SCRIPT_ID}`,
      'remove http://localhost/*,https://chat.example.org/*',
      'badge ""',
    ]);
    // The database opens again, empty, and takes new annotations.
    await db.annotations.put(makeAnnotation());
    expect(await db.annotations.count()).toBe(1);
  });

  it('waits for a sync run in flight, so nothing it pulls lands in the emptied database', async () => {
    let release: () => void = () => undefined;
    const requests: string[] = [];
    const hanging: FetchLike = async (input, init) => {
      requests.push(`${init.method} ${new URL(input).pathname}`);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      throw new TypeError('fetch failed');
    };
    const engine = createSyncEngine({ db, alarms: fakeBrowser.alarms, fetch: hanging, pushDelayMs: 0 });
    await db.annotations.put(makeAnnotation());
    await writeMeta(db, 'companion', { url: 'http://127.0.0.1:9', token: 'secret', intervalSeconds: 60 });
    const run = engine.syncNow();
    while (requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    let done = false;
    const deleting = deleteAllData(deps(engine)).then((summary) => {
      done = true;
      return summary;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toBe(false);
    release();
    await run;
    expect(await deleting).toEqual({ annotations: 1, comparisons: 0, pending: 1 });
    expect(await db.annotations.count()).toBe(0);
    // Sync resumed, and with no pairing left it asks nothing of anyone.
    const state = await engine.syncNow();
    expect(state.failure?.kind).toBe('not-paired');
    expect(requests).toHaveLength(1);
  });
});
