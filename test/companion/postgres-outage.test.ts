import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import type { Annotation } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { ensureCluster, pauseCluster, resumeCluster, stopCluster } from '../support/postgres-cluster.ts';

/**
 * PostgreSQL stopped under load and started again, on a cluster of this file's own (the run's shared
 * cluster serves every other test). Meanwhile the companion answers 503 with a clear error and a
 * Retry-After at once (no 500, no hang), reconnects by itself, and nothing it acknowledged is lost.
 */
describe('PostgreSQL outage under load', () => {
  const base = mkdtempSync(join(tmpdir(), 'margin-pg-outage-'));
  let companion: CompanionProcess | undefined;
  afterAll(async () => {
    await companion?.dispose();
    await stopCluster(base);
  });

  it('answers 503 while the database is down, reconnects, and keeps every acknowledged push', {
    timeout: 240_000,
  }, async () => {
    const cluster = await ensureCluster(base, process.pid);
    const admin = postgres(cluster.url('postgres'), { max: 1, onnotice: false });
    await admin.unsafe('CREATE DATABASE margin');
    await admin.end();
    companion = await startCompanion({ database: cluster.url('margin') });
    const running = companion;
    const headers = { authorization: `Bearer ${running.token}`, 'content-type': 'application/json' };
    const acked = new Map<string, Annotation>();
    const statuses = new Map<number, number>();
    const errorBodies = new Set<string>();
    let retryAfter: string | null = null;
    let slowest = 0;

    const push = async () => {
      const batch = Array.from({ length: 20 }, () => makeAnnotation({ conversationId: 'outage' }));
      const started = Date.now();
      const response = await fetch(`${running.url}/api/v1/sync/push`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ deviceId: 'outage-test', annotations: batch }),
        signal: AbortSignal.timeout(20_000),
      });
      slowest = Math.max(slowest, Date.now() - started);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const body = (await response.json()) as { annotations?: Array<{ status: string }>; error?: { code: string } };
      if (response.status === 200) {
        for (const [index, result] of (body.annotations ?? []).entries()) {
          if (result.status === 'accepted') acked.set(batch[index]?.id as string, batch[index] as Annotation);
        }
      } else {
        errorBodies.add(JSON.stringify(body));
        retryAfter = response.headers.get('retry-after');
      }
      return response.status;
    };

    let load = true;
    const client = (async () => {
      while (load) {
        await push().catch((error: Error) => {
          throw new Error(`the companion stopped answering: ${error.message}\n${running.output().slice(-3000)}`);
        });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // On a busy machine the first pushes can take longer than that: wait for one to be acknowledged.
    for (const deadline = Date.now() + 60_000; acked.size === 0 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ackedBeforeOutage = acked.size;
    await pauseCluster(base, 'fast');
    await Promise.race([client, new Promise((resolve) => setTimeout(resolve, 4_000))]);
    // While it is down: a pull answers 503 too, at once.
    const pull = await fetch(`${running.url}/api/v1/sync/pull`, { headers, signal: AbortSignal.timeout(20_000) });
    expect(pull.status).toBe(503);
    expect(pull.headers.get('retry-after')).toMatch(/^\d+$/);
    const pullBody = (await pull.json()) as { error: { code: string; message: string } };
    expect(pullBody.error.code).toBe('database_unavailable');
    expect(pullBody.error.message).toMatch(/database unavailable/i);
    // The health route does not need the database: the companion itself is up.
    expect((await fetch(`${running.url}/api/v1/health`)).status).toBe(200);
    await resumeCluster(base);
    const back = Date.now();
    const ackedAtResume = acked.size;
    while (acked.size === ackedAtResume && Date.now() - back < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const reconnectMs = Date.now() - back;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    load = false;
    await client;

    console.log(
      `outage: statuses ${JSON.stringify(Object.fromEntries(statuses))}, slowest answer ${slowest} ms, ` +
        `reconnected ${reconnectMs} ms after the restart, ${acked.size} records acknowledged`,
    );
    expect(ackedBeforeOutage).toBeGreaterThan(0);
    expect(acked.size).toBeGreaterThan(ackedAtResume);
    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    expect(retryAfter).toMatch(/^\d+$/);
    for (const body of errorBodies) expect(JSON.parse(body).error.code).toBe('database_unavailable');
    // No request hung on the dead database.
    expect(slowest).toBeLessThan(15_000);

    const stored = new Map<string, Annotation>();
    let since = 0;
    for (;;) {
      const page = (await (
        await fetch(`${running.url}/api/v1/sync/pull?since=${since}&limit=1000`, { headers })
      ).json()) as { annotations: Annotation[]; checkpoint: number; hasMore: boolean };
      for (const record of page.annotations) stored.set(record.id, record);
      since = page.checkpoint;
      if (!page.hasMore) break;
    }
    const lost = [...acked.keys()].filter((id) => stored.get(id)?.revision !== acked.get(id)?.revision);
    expect(lost).toEqual([]);
    expect(running.pid).toBeDefined();
  });
});
