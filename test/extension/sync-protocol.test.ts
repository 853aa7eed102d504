import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../companion/src/app.ts';
import { openSqliteStores } from '../../companion/src/storage/sqlite/sqlite-stores.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import {
  CompanionError,
  createCompanionClient,
  type FetchLike,
  testConnection,
} from '../../extension/src/sync/companion-client.ts';
import { INITIAL_SYNC_STATE } from '../../extension/src/sync/sync-state.ts';
import { describeSyncStatus } from '../../extension/src/sync/sync-status.ts';
import { PROTOCOL, PROTOCOL_HEADER, type ProtocolRange } from '../../shared/index.ts';
import { makeTempDir } from '../support/temp-dir.ts';

/** A real companion app serving `protocol`, on a loopback port. */
async function companionServing(protocol: ProtocolRange) {
  const dir = await makeTempDir('protocol-ext');
  const stores: Stores = openSqliteStores(`${dir.path}/margin.sqlite`);
  const server: Server = createApp({
    version: '7.0.0',
    protocol,
    store: stores.sync,
    rateLimits: stores.rateLimits,
    verifyToken: (candidate) => candidate === 'secret',
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await stores.close();
      await dir.remove();
    },
  };
}

describe('the extension’s protocol', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('goes with every request, and a companion that serves it answers', async () => {
    const companion = await companionServing(PROTOCOL);
    close = companion.close;
    const sent: (string | null)[] = [];
    const spy: FetchLike = (input, init) => {
      sent.push(new Headers(init.headers).get(PROTOCOL_HEADER));
      return fetch(input, init);
    };
    const client = createCompanionClient({ url: companion.url, token: 'secret' }, spy);
    expect(await client.health()).toEqual({ ok: true, version: '7.0.0', protocol: PROTOCOL });
    await client.stats();
    await client.pull(0, 10);
    expect(sent).toEqual([String(PROTOCOL.current), String(PROTOCOL.current), String(PROTOCOL.current)]);
  });

  it('against a companion that no longer serves it, Test connection and sync say to update the extension', async () => {
    const companion = await companionServing({ current: PROTOCOL.current + 2, oldest: PROTOCOL.current + 1 });
    close = companion.close;
    const result = await testConnection(companion.url, 'secret');
    expect(result).toMatchObject({ ok: false, kind: 'incompatible' });
    expect(result.ok === false && result.message).toContain('Update the extension');

    const error = await createCompanionClient({ url: companion.url, token: 'secret' })
      .pull(0, 10)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CompanionError);
    expect(error).toMatchObject({ kind: 'incompatible', details: { status: 400, code: 'unsupported_protocol' } });

    // What the popup then shows: the failure, and the companion's words on which side to update.
    const now = Date.now();
    const view = describeSyncStatus(
      {
        paired: true,
        pending: 1,
        rejected: 0,
        firstRejection: null,
        refusedAnnotator: { count: 0, names: [] },
        signedIn: null,
        state: {
          ...INITIAL_SYNC_STATE,
          failure: { kind: 'incompatible', message: (error as CompanionError).message, since: now },
        },
      },
      now,
    );
    expect(view.headline).toBe('Update needed: the companion and this extension do not match');
    expect(view.details.join(' ')).toContain('Update the extension from your browser');
  });
});
