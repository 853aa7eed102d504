import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { type CampaignFigures, runKillCampaign } from '../support/kill-campaign.ts';
import { createDatabase, STORE_KINDS, type TestDatabase } from '../support/stores.ts';

/**
 * The kill campaign (test/support/kill-campaign.ts) on both stores. `npm test` runs a small seeded
 * campaign; `npm run soak` sets MARGIN_SOAK_KILLS (200 per store) and MARGIN_SOAK_RESULTS, where the
 * figures of every store are written, and MARGIN_SOAK_COMPILED=1 (restarts run the compiled companion).
 */
const KILLS = Number(process.env.MARGIN_SOAK_KILLS ?? 12);
const SEED = Number(process.env.MARGIN_SOAK_SEED ?? 18_2026);
const results: CampaignFigures[] = [];
/** MARGIN_SOAK_STORE=sqlite|postgres runs one store only (the soak runs both at once, one process each). */
const kinds = STORE_KINDS.filter((kind) => (process.env.MARGIN_SOAK_STORE ?? kind) === kind);

describe.each(kinds)('kill campaign (%s)', (kind) => {
  let companion: CompanionProcess | undefined;
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await companion?.dispose();
    await database?.remove();
  });

  it(`keeps every acknowledged change of 4 clients across ${KILLS} SIGKILLs`, {
    timeout: 240_000 + KILLS * 30_000,
  }, async () => {
    database = await createDatabase(kind, 'kill');
    // A generous start timeout: on a loaded machine a cold tsx start of the companion can take long.
    companion = await startCompanion({
      database: database.option,
      startTimeoutMs: 180_000,
      compiled: process.env.MARGIN_SOAK_COMPILED === '1',
    });
    const figures = await runKillCampaign({
      companion,
      database,
      kills: KILLS,
      clients: 4,
      seed: SEED,
      onProgress: (progress) => {
        if (progress.kills % 10 === 0 && progress.kills < KILLS) {
          console.log(`kill campaign (${kind}) progress: ${JSON.stringify(progress)}`);
        }
      },
    });
    results.push(figures);
    console.log(`kill campaign (${kind}): ${JSON.stringify(figures)}`);
    expect(figures.kills).toBe(KILLS);
    expect(figures.lost).toBe(0);
    // Most kills must land on a request in flight, or the campaign proves little.
    expect(figures.killsMidRequest).toBeGreaterThan(KILLS * 0.75);
    expect(figures.acknowledgedWrites).toBeGreaterThan(KILLS * 10);
    expect(figures.tombstones).toBeGreaterThan(0);
  });
});

afterAll(() => {
  const target = process.env.MARGIN_SOAK_RESULTS;
  if (target === undefined || results.length === 0) return;
  writeFileSync(target, `${JSON.stringify({ when: new Date().toISOString(), campaigns: results }, null, 2)}\n`);
});
