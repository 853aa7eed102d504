import type { DBCore, DBCoreMutateRequest, DBCoreTable, DBCoreTransaction, Middleware } from 'dexie';
import { annotationCountKeys, type CountRow, outboxCountKeys } from './counts.ts';

/** The tables whose rows the popup counts, and which count rows a row adds to. */
const COUNTED: Record<string, (row: never) => string[]> = {
  annotations: annotationCountKeys,
  outbox: outboxCountKeys,
};

/**
 * Keeps the `counts` rows (counts.ts) equal to a count of the tables: every add, put, delete and
 * range delete of `annotations` or `outbox`, made by any module (save, tombstone, pulled versions,
 * push results, requeue, claim), moves them in the same IndexedDB transaction, so a committed write
 * and its count commit together and a failed one leaves both. It reads the rows a write replaces
 * first, so a rewrite of an unchanged row moves nothing. Version upgrades are left out: the counts
 * table may not exist yet, and version 6 builds the rows once from whatever the upgrades left.
 */
export function countsMiddleware(): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'margin-counts',
    create(down) {
      const tracked = new WeakSet<DBCoreTransaction>();
      return {
        ...down,
        transaction(stores, mode, options) {
          if (mode !== 'readwrite' || !stores.some((store) => store in COUNTED)) {
            return down.transaction(stores, mode, options);
          }
          const trans = down.transaction([...new Set([...stores, 'counts'])], mode, options);
          tracked.add(trans);
          return trans;
        },
        table(name) {
          const table = down.table(name);
          const countKeys = COUNTED[name] as ((row: unknown) => string[]) | undefined;
          if (!countKeys) return table;
          return {
            ...table,
            // Promise chains, not async functions: each `then` keeps Dexie's transaction zone, which the
            // middlewares below read; a native `await` chain this long loses it.
            mutate(req: DBCoreMutateRequest) {
              if (!tracked.has(req.trans)) return table.mutate(req);
              const deltas = new Map<string, number>();
              const move = (row: unknown, by: number) => {
                for (const key of countKeys(row)) deltas.set(key, (deltas.get(key) ?? 0) + by);
              };
              if (req.type === 'deleteRange') {
                const query = { index: table.schema.primaryKey, range: req.range };
                return table.query({ trans: req.trans, values: true, query }).then((removed) =>
                  table.mutate(req).then((result) => {
                    for (const row of removed.result) move(row, -1);
                    return applyDeltas(down, req.trans, deltas).then(() => result);
                  }),
                );
              }
              const keys =
                req.type === 'delete'
                  ? req.keys
                  : (req.keys ?? req.values.map((value) => table.schema.primaryKey.extractKey?.(value)));
              return table.getMany({ trans: req.trans, keys }).then((before) =>
                table.mutate(req).then((result) => {
                  // The row each key holds as the request goes on: a key written twice in one request counts once.
                  const current = new Map<string, unknown>();
                  keys.forEach((key, index) => {
                    if (index in result.failures) return;
                    const id = JSON.stringify(key);
                    const previous = current.has(id) ? current.get(id) : before[index];
                    const next = req.type === 'delete' ? undefined : req.values[index];
                    move(previous, -1);
                    move(next, 1);
                    current.set(id, next);
                  });
                  return applyDeltas(down, req.trans, deltas).then(() => result);
                }),
              );
            },
          } satisfies DBCoreTable;
        },
      };
    },
  };
}

function applyDeltas(core: DBCore, trans: DBCoreTransaction, deltas: Map<string, number>): Promise<void> {
  const keys = [...deltas].filter(([, delta]) => delta !== 0).map(([key]) => key);
  if (keys.length === 0) return Promise.resolve();
  const counts = core.table('counts');
  return counts.getMany({ trans, keys }).then((rows: (CountRow | undefined)[]) => {
    const next = keys.map((key, index) => ({ key, count: (rows[index]?.count ?? 0) + (deltas.get(key) ?? 0) }));
    const kept = next.filter((row) => row.count !== 0);
    const emptied = next.filter((row) => row.count === 0).map((row) => row.key);
    const writes = [];
    if (kept.length > 0) writes.push(counts.mutate({ type: 'put', trans, values: kept }));
    if (emptied.length > 0) writes.push(counts.mutate({ type: 'delete', trans, keys: emptied }));
    return Promise.all(writes).then((results) => {
      const failed = results.find((result) => result.numFailures > 0);
      if (failed) throw Object.values(failed.failures)[0];
    });
  });
}
