/**
 * `npm run soak`: the full kill campaign (test/companion/kill-campaign.test.ts) with MARGIN_SOAK_KILLS
 * kills (default 200) per store, SQLite and PostgreSQL at once (one Vitest process each), then the
 * fuzzers and properties at their full counts (`npm run hardening:fuzz`). Prints the figures and
 * writes them to bench/results/soak.json.
 *
 * The campaign restarts the compiled companion (dist/, built first with `npm run build:companion`,
 * what the published package runs): a tsx start costs about 2.4 s of CPU against 0.9 s, and hundreds
 * of restarts per store on a shared machine made PostgreSQL's run take hours.
 *
 * MARGIN_SOAK_FUZZ_ONLY=1 reruns only the fuzzers and properties and keeps the kill figures of the
 * soak.json already written (with the time they were measured), for when the fuzz part alone failed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../test/support/paths.ts';

const KILLS = Number(process.env.MARGIN_SOAK_KILLS ?? 200);
const STORES = ['sqlite', 'postgres'] as const;
const resultsDir = join(repoRoot, 'bench', 'results');

/** Runs a command, its output shown as it comes and kept for the figures it prints. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The figures the fuzz and property tests print at their end (one line each). */
function fuzzFigures(output: string) {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
  const json = (pattern: RegExp) => {
    const match = pattern.exec(output)?.[1];
    return match === undefined ? undefined : JSON.parse(match);
  };
  return {
    httpRequests: number(/http fuzz: (\d+) requests/),
    httpStatuses: /http fuzz: \d+ requests \(([^)]*)\)/.exec(output)?.[1] ?? null,
    roleRefusalsChecked: number(/refused roles: (\d+) requests/),
    syncPushes: number(/sync fuzz: (\d+) pushes/),
    syncRecords: number(/sync fuzz: \d+ pushes, (\d+) records/),
    convergence: json(/sync convergence: (\{.*\})/),
  };
}

mkdirSync(resultsDir, { recursive: true });
const started = Date.now();
const fuzzOnly = process.env.MARGIN_SOAK_FUZZ_ONLY === '1';
/** One store's kill-campaign figures, as test/companion/kill-campaign.test.ts writes them. */
type CampaignFigures = {
  store: string;
  failed?: boolean;
  kills?: number;
  killsMidRequest?: number;
  acknowledgedWrites?: number;
  acknowledgedChecked?: number;
  tombstones?: number;
  lost?: number;
};
type PreviousSoak = { when: string; killsPerStore: number; campaignsMeasured?: string; campaigns: CampaignFigures[] };
const previous: PreviousSoak | null = fuzzOnly ? JSON.parse(readFileSync(join(resultsDir, 'soak.json'), 'utf8')) : null;
// MARGIN_SOAK_BUILT=1: dist/ was just built from this source (the build takes minutes on a loaded machine).
const built =
  fuzzOnly || process.env.MARGIN_SOAK_BUILT === '1' ? { code: 0 } : await run('npm', ['run', 'build:companion'], {});
if (built.code !== 0) {
  console.error('npm run build:companion failed: the soak restarts the compiled companion');
  process.exit(1);
}
const codes: number[] = previous
  ? previous.campaigns.map((campaign) => (campaign.failed ? 1 : 0))
  : (
      await Promise.all(
        STORES.map((store) =>
          run('npx', ['vitest', 'run', '--project', 'unit', 'test/companion/kill-campaign.test.ts'], {
            MARGIN_SOAK_KILLS: String(KILLS),
            MARGIN_SOAK_STORE: store,
            MARGIN_SOAK_RESULTS: join(resultsDir, `soak-${store}.tmp.json`),
            MARGIN_SOAK_COMPILED: '1',
          }),
        ),
      )
    ).map((result) => result.code);
const campaigns: CampaignFigures[] = previous
  ? previous.campaigns
  : STORES.flatMap((store) => {
      const file = join(resultsDir, `soak-${store}.tmp.json`);
      try {
        const figures = JSON.parse(readFileSync(file, 'utf8')).campaigns;
        rmSync(file);
        return figures;
      } catch {
        return [{ store, failed: true }];
      }
    });
const fuzzRun = codes.every((code) => code === 0)
  ? await run('npm', ['run', 'hardening:fuzz'], {})
  : { code: 1, output: '' };
const fuzzCode = fuzzRun.code;
const summary = {
  when: new Date().toISOString(),
  machine: { cores: availableParallelism(), loadAverage: loadavg().map((value) => Number(value.toFixed(2))) },
  killsPerStore: previous ? previous.killsPerStore : KILLS,
  campaignsMeasured: previous ? (previous.campaignsMeasured ?? previous.when) : new Date(started).toISOString(),
  campaigns,
  totals: {
    killsSurvived: campaigns.reduce((sum, c) => sum + (c.kills ?? 0), 0),
    acknowledgedWrites: campaigns.reduce((sum, c) => sum + (c.acknowledgedWrites ?? 0), 0),
    acknowledgedChecked: campaigns.reduce((sum, c) => sum + (c.acknowledgedChecked ?? 0), 0),
    lost: campaigns.reduce((sum, c) => sum + (c.lost ?? 0), 0),
  },
  fuzz: {
    runsPerProperty: Number(process.env.MARGIN_FUZZ_RUNS ?? 10_000),
    ...fuzzFigures(fuzzRun.output),
    passed: fuzzCode === 0,
  },
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
console.log(
  `  fuzz: ${summary.fuzz.httpRequests} HTTP requests (${summary.fuzz.httpStatuses ?? 'n/a'}), ` +
    `${summary.fuzz.syncPushes} fuzzed pushes, ${summary.fuzz.convergence?.runs ?? 0} convergence histories: ` +
    `${summary.fuzz.passed ? 'passed' : 'FAILED'}`,
);
console.log(`  total lost: ${summary.totals.lost}; written to bench/results/soak.json`);
process.exit(summary.passed ? 0 : 1);
