import type { DBCore, DBCoreMutateRequest, DBCoreTable, DBCoreTransaction, Middleware } from 'dexie';
import { type OutboxEntry, orderOf, type RecordKind, SYNCED_TABLES, type SyncedRecord } from './sync-tables.ts';

/** The tables a tracked transaction needs besides the ones it names. */
const BOOKKEEPING_TABLES = ['outbox', 'recordOrder', 'syncMeta'];

/**
 * Queues every local write of a synced record (annotations, comparisons) for push, in the same
 * IndexedDB transaction as the write, whichever module makes it: a save that committed is in the
 * outbox, and one that failed is not. Same idea as Dexie Cloud's mutation-tracking middleware.
 *
 * The rule: a read-write transaction that names a synced table but not `outbox` is tracked, and the
 * middleware adds the bookkeeping tables to its scope. A transaction that names `outbox` itself does
 * its own bookkeeping: only the sync engine does that, when it applies versions from the companion,
 * which must not be pushed back as local edits. Version upgrades are not tracked either (they queue
 * explicitly). Hard deletes are not synced: a record is deleted by setting `deletedAt` (a tombstone).
 */
export function outboxMiddleware(onEnqueued: () => void): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'margin-outbox',
    create(down) {
      const tracked = new WeakSet<DBCoreTransaction>();
      return {
        ...down,
        transaction(stores, mode, options) {
          const synced = stores.some((store) => store in SYNCED_TABLES);
          if (mode !== 'readwrite' || !synced || stores.includes('outbox')) {
            return down.transaction(stores, mode, options);
          }
          const trans = down.transaction([...new Set([...stores, ...BOOKKEEPING_TABLES])], mode, options);
          tracked.add(trans);
          // The core transaction is the IDBTransaction itself: tell the engine once the queue is durable.
          (trans as unknown as IDBTransaction).addEventListener?.('complete', () => onEnqueued());
          return trans;
        },
        table(name) {
          const table = down.table(name);
          const kind = SYNCED_TABLES[name];
          if (!kind) return table;
          return {
            ...table,
            async mutate(req: DBCoreMutateRequest) {
              const result = await table.mutate(req);
              if ((req.type === 'add' || req.type === 'put') && tracked.has(req.trans)) {
                const written = req.values.filter((_value, index) => !(index in result.failures));
                if (written.length > 0) await enqueue(down, req.trans, kind, written as SyncedRecord[]);
              }
              return result;
            },
          } satisfies DBCoreTable;
        },
      };
    },
  };
}

/** Adds the versions to the outbox and moves them to the end of the export order. */
async function enqueue(core: DBCore, trans: DBCoreTransaction, kind: RecordKind, records: SyncedRecord[]) {
  const syncMeta = core.table('syncMeta');
  const counter = ((await syncMeta.get({ trans, key: 'orderCounter' })) as { value?: unknown } | undefined)?.value;
  let seq = typeof counter === 'number' ? counter : 0;
  const queuedAt = Date.now();
  const entries: OutboxEntry[] = records.map((record) => ({ kind, id: record.id, record, state: 'pending', queuedAt }));
  const orders = records.map((record) => orderOf(kind, record, ++seq));
  await throwOnFailure(core.table('outbox').mutate({ type: 'put', trans, values: entries }));
  await throwOnFailure(core.table('recordOrder').mutate({ type: 'put', trans, values: orders }));
  await throwOnFailure(syncMeta.mutate({ type: 'put', trans, values: [{ key: 'orderCounter', value: seq }] }));
}

async function throwOnFailure(pending: ReturnType<DBCoreTable['mutate']>): Promise<void> {
  const result = await pending;
  if (result.numFailures > 0) throw Object.values(result.failures)[0];
}
