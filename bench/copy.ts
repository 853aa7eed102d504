/**
 * `npm run bench:copy`: `margin copy` of stores of growing size (BENCH_COPY_SIZES, default 20,000 and
 * 200,000 realistic annotations, 1–4 KB) from one SQLite file to another, through the real CLI: wall
 * time, annotations/s and peak RSS (GNU time). The copy reads pages of 500 in one snapshot, so peak RSS
 * should stay flat as the store grows tenfold. Anchor: `sqlite3 .dump | sqlite3` of the same file
 * (the database's own copy), in the same run. Results: bench/results/copy.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../companion/src/storage/open-database.ts';
import { repoRoot } from '../test/support/paths.ts';
import { makeTempDir } from '../test/support/temp-dir.ts';
import { measure } from './support/bench-helpers.ts';
import { makeAnnotations } from './support/realistic-annotations.ts';

const SIZES = (process.env.BENCH_COPY_SIZES ?? '20000,200000').split(',').map(Number);

/** A store of `n` annotations, written through the store's own sync path in batches of 1,000. */
async function fill(path: string, n: number): Promise<void> {
  const stores = await openDatabase({ kind: 'sqlite', path });
  try {
    for (let done = 0; done < n; done += 1_000) {
      // The generator is deterministic (the same 1,000 each time): renumber ids, conversations and keys.
      const batch = makeAnnotations(Math.min(1_000, n - done)).map((a, i) => {
        const index = done + i;
        const conversationId = `conv-${Math.floor(index / 4)}`;
        const messageId = `msg-${index}`;
        return {
          ...a,
          id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
          conversationId,
          messageId,
          key: `chatgpt:${conversationId}:${messageId}`,
          url: `https://chatgpt.com/c/${conversationId}`,
        };
      });
      await stores.sync.applyChanges({
        deviceId: 'bench',
        receivedAt: new Date().toISOString(),
        annotations: batch,
        comparisons: [],
      });
    }
  } finally {
    await stores.close();
  }
}

async function main() {
  execFileSync('sqlite3', ['--version']); // fails loudly when sqlite3 is missing: apt-get install sqlite3
  const scratch = await makeTempDir('bench-copy');
  const runs = [];
  try {
    for (const n of SIZES) {
      const from = join(scratch.path, `from-${n}.sqlite`);
      await fill(from, n);
      const to = join(scratch.path, `to-${n}.sqlite`);
      const run = await measure(process.execPath, [
        join(repoRoot, 'bin', 'margin.js'),
        'copy',
        '--from',
        from,
        '--to',
        to,
        '--no-progress',
      ]);
      const dumped = join(scratch.path, `dump-${n}.sqlite`);
      const anchor = await measure('sh', ['-c', `sqlite3 "${from}" .dump | sqlite3 "${dumped}"`]);
      const figures = {
        annotations: n,
        seconds: Number(run.seconds.toFixed(2)),
        perSecond: Math.round(n / run.seconds),
        peakRssMb: Math.round(run.peakRssMb),
        anchorSeconds: Number(anchor.seconds.toFixed(2)),
        ratioToAnchor: Number((run.seconds / anchor.seconds).toFixed(2)),
      };
      console.log(
        `copy ${n} annotations SQLite → SQLite in ${figures.seconds} s: ${figures.perSecond}/s, peak RSS ` +
          `${figures.peakRssMb} MB; sqlite3 .dump | sqlite3 ${figures.anchorSeconds} s (${figures.ratioToAnchor}x)`,
      );
      runs.push(figures);
    }
    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: availableParallelism(),
        node: process.version,
        loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
      },
      runs,
    };
    const dir = join(repoRoot, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'copy.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('written to bench/results/copy.json');
  } finally {
    await scratch.remove();
  }
}

await main();
