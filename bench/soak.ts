/**
 * `npm run soak`: the full kill campaign (test/companion/kill-campaign.test.ts) with MARGIN_SOAK_KILLS
 * kills (default 200) per store, SQLite and PostgreSQL at once (one Vitest process each), then the
 * fuzzers at their full counts (`npm run hardening:fuzz`). Prints the figures and writes them to
 * bench/results/soak.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../test/support/paths.ts';

const KILLS = Number(process.env.MARGIN_SOAK_KILLS ?? 200);
const STORES = ['sqlite', 'postgres'] as const;
const resultsDir = join(repoRoot, 'bench', 'results');

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: 'inherit' });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

mkdirSync(resultsDir, { recursive: true });
const started = Date.now();
const codes = await Promise.all(
  STORES.map((store) =>
    run('npx', ['vitest', 'run', '--project', 'unit', 'test/companion/kill-campaign.test.ts'], {
      MARGIN_SOAK_KILLS: String(KILLS),
      MARGIN_SOAK_STORE: store,
      MARGIN_SOAK_RESULTS: join(resultsDir, `soak-${store}.tmp.json`),
    }),
  ),
);
const campaigns = STORES.flatMap((store) => {
  const file = join(resultsDir, `soak-${store}.tmp.json`);
  try {
    const figures = JSON.parse(readFileSync(file, 'utf8')).campaigns;
    rmSync(file);
    return figures;
  } catch {
    return [{ store, failed: true }];
  }
});
const fuzzCode = codes.every((code) => code === 0) ? await run('npm', ['run', 'hardening:fuzz'], {}) : 1;
const summary = {
  when: new Date().toISOString(),
  machine: { cores: availableParallelism(), loadAverage: loadavg().map((value) => Number(value.toFixed(2))) },
  killsPerStore: KILLS,
  campaigns,
  totals: {
    killsSurvived: campaigns.reduce((sum, c) => sum + (c.kills ?? 0), 0),
    acknowledgedWrites: campaigns.reduce((sum, c) => sum + (c.acknowledgedWrites ?? 0), 0),
    acknowledgedChecked: campaigns.reduce((sum, c) => sum + (c.acknowledgedChecked ?? 0), 0),
    lost: campaigns.reduce((sum, c) => sum + (c.lost ?? 0), 0),
  },
  fuzz: { runsPerProperty: Number(process.env.MARGIN_FUZZ_RUNS ?? 10_000), passed: fuzzCode === 0 },
  durationMs: Date.now() - started,
  passed: codes.every((code) => code === 0) && fuzzCode === 0,
};
writeFileSync(join(resultsDir, 'soak.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log('\nSoak figures');
for (const c of campaigns) {
  console.log(
    `  ${c.store}: ${c.kills ?? 0} kills survived (${c.killsMidRequest ?? 0} mid-request), ` +
      `${c.acknowledgedWrites ?? 0} acknowledged writes, ${c.acknowledgedChecked ?? 0} checks of them, ` +
      `${c.tombstones ?? 0} tombstones, lost ${c.lost ?? 'n/a'}${c.failed ? ' (FAILED)' : ''}`,
  );
}
console.log(`  fuzz (${summary.fuzz.runsPerProperty} runs per property): ${summary.fuzz.passed ? 'passed' : 'FAILED'}`);
console.log(`  total lost: ${summary.totals.lost}; written to bench/results/soak.json`);
process.exit(summary.passed ? 0 : 1);
