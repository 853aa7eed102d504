/**
 * `npm run bench:import`: `margin import-history` on a generated ChatGPT export, sharded as the 2026
 * exports are (conversations-000.json, …), deflated in one ZIP.
 *
 * Generates the ZIP once (reused across runs; BENCH_FRESH=1 rebuilds it; BENCH_CONVERSATIONS=n changes
 * the size, 20,000 by default, about 1 GB uncompressed), then as the anchor times `unzip -p` streaming
 * the same archive to /dev/null, and runs the real CLI into an empty data directory under GNU time.
 * Prints conversations/s, MB/s (of the uncompressed JSON, and of the ZIP), the CLI's peak RSS and CPU
 * time, the ratio to unzip and the machine's load average; writes the figures to bench/results/import.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../companion/src/storage/sqlite/sqlite-store.ts';
import { conversationsJson } from '../test/support/chatgpt-export-generator.ts';
import { ZipWriter } from '../test/support/zip-writer.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const COUNT = Number(process.env.BENCH_CONVERSATIONS ?? 20_000);
const SHARD = 2_000;
const SEED = 14;
const SHAPE = { turns: 8, answerChars: 5_000 };
const zipPath = join(tmpdir(), `margin-bench-import-${COUNT}.zip`);
const sizePath = `${zipPath}.json-bytes`;
const dataDir = join(tmpdir(), 'margin-bench-import-data');

/** Writes the export ZIP; returns the uncompressed bytes of its JSON. */
async function generate(): Promise<number> {
  console.log(`generating ${COUNT.toLocaleString()} conversations into ${zipPath} …`);
  const zip = new ZipWriter(zipPath);
  let bytes = 0;
  const counted = function* (chunks: Iterable<Buffer>) {
    for (const chunk of chunks) {
      bytes += chunk.length;
      yield chunk;
    }
  };
  for (let from = 0, shard = 0; from < COUNT; from += SHARD, shard += 1) {
    const name = `conversations-${String(shard).padStart(3, '0')}.json`;
    await zip.add(name, counted(conversationsJson(from, Math.min(COUNT, from + SHARD), SEED, SHAPE)));
  }
  await zip.add('message_feedback.json', [Buffer.from('[]')]);
  await zip.close();
  writeFileSync(sizePath, String(bytes));
  return bytes;
}

/** Runs a command and reports wall time and peak RSS (GNU time's %M, in KiB). */
function measure(
  command: string,
  args: string[],
): Promise<{ seconds: number; cpuSeconds: number; peakRssMb: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', 'PEAK_RSS_KB=%M CPU_S=%U+%S', command, ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.resume(); // discarded, like a pipe to /dev/null
    child.once('error', reject);
    child.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`${command} exited with ${code}: ${stderr}`));
      const peak = /PEAK_RSS_KB=(\d+)/.exec(stderr);
      const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(stderr);
      resolve({
        seconds,
        cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN,
        peakRssMb: peak ? Number(peak[1]) / 1024 : Number.NaN,
        stderr,
      });
    });
  });
}

async function main(): Promise<void> {
  const jsonBytes =
    existsSync(zipPath) && existsSync(sizePath) && process.env.BENCH_FRESH !== '1'
      ? Number(readFileSync(sizePath, 'utf8'))
      : await generate();
  const zipBytes = statSync(zipPath).size;
  const mb = (bytes: number) => bytes / 1_000_000;
  console.log(`export: ${mb(zipBytes).toFixed(0)} MB ZIP, ${mb(jsonBytes).toFixed(0)} MB of JSON`);

  // A shared machine's wall times follow its load: the load average and the CPU time are kept beside them.
  const loadBefore = loadavg()[0] ?? 0;
  const unzip = await measure('unzip', ['-p', zipPath]);
  console.log(`anchor  unzip -p > /dev/null: ${unzip.seconds.toFixed(1)} s`);

  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const run = await measure(process.execPath, [
    join(root, 'bin', 'margin.js'),
    'import-history',
    zipPath,
    '--data-dir',
    dataDir,
    '--no-progress',
  ]);
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const conversations = count('SELECT count(*) AS n FROM history_conversations');
  const items = count('SELECT count(*) AS n FROM items');
  db.close();
  if (conversations !== COUNT) throw new Error(`imported ${conversations} conversations, expected ${COUNT}`);

  const result = {
    conversations,
    items,
    zipMegabytes: Number(mb(zipBytes).toFixed(1)),
    jsonMegabytes: Number(mb(jsonBytes).toFixed(1)),
    seconds: Number(run.seconds.toFixed(1)),
    conversationsPerSecond: Math.round(conversations / run.seconds),
    jsonMegabytesPerSecond: Number((mb(jsonBytes) / run.seconds).toFixed(1)),
    zipMegabytesPerSecond: Number((mb(zipBytes) / run.seconds).toFixed(1)),
    cpuSeconds: Number(run.cpuSeconds.toFixed(1)),
    peakRssMb: Number(run.peakRssMb.toFixed(0)),
    unzipSeconds: Number(unzip.seconds.toFixed(1)),
    ratioToUnzip: Number((run.seconds / unzip.seconds).toFixed(1)),
    loadAverage: { before: Number(loadBefore.toFixed(1)), after: Number((loadavg()[0] ?? 0).toFixed(1)) },
  };
  console.log(
    `import-history: ${result.seconds} s, ${result.conversationsPerSecond} conversations/s, ` +
      `${result.jsonMegabytesPerSecond} MB/s of JSON (${result.zipMegabytesPerSecond} MB/s of ZIP), ` +
      `${items.toLocaleString()} responses, peak RSS ${result.peakRssMb} MB (target < 300), ` +
      `${result.ratioToUnzip}× the time of unzip -p; ${result.cpuSeconds} s of CPU; ` +
      `load average ${result.loadAverage.before} → ${result.loadAverage.after}`,
  );
  const resultsDir = join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const record = { date: new Date().toISOString(), node: process.version, shape: SHAPE, result };
  writeFileSync(join(resultsDir, 'import.json'), `${JSON.stringify(record, null, 2)}\n`);
  console.log('results written to bench/results/import.json');
  rmSync(dataDir, { recursive: true, force: true });
}

await main();
