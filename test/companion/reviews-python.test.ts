import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarginClient, type MarginClient, type Review } from '../../companion/src/client/index.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { until } from './reviews-helpers.ts';

const script = join(repoRoot, 'docs', 'examples', 'review_pipeline.py');

/** The example must run on the Python a fresh machine has; a missing python3 is a failure, not a skip. */
function python(): string {
  try {
    execFileSync('python3', ['--version']);
    return 'python3';
  } catch {
    throw new Error('python3 is needed for the Python example test: sudo apt-get install -y python3');
  }
}

interface Run {
  child: ChildProcess;
  exit: Promise<number | null>;
  stderr: () => string;
}

function runPipeline(companion: CompanionProcess, args: string[]): Run {
  let stderr = '';
  const child = spawn(
    python(),
    [script, '--url', companion.url, `--token=${companion.token}`, '--poll', '2', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return {
    child,
    exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    stderr: () => stderr,
  };
}

describe('docs/examples/review_pipeline.py (standard-library Python) against a real companion', () => {
  let companion: CompanionProcess;
  let client: MarginClient;
  let dir: { path: string; remove: () => Promise<void> };

  beforeAll(async () => {
    companion = await startCompanion();
    client = createMarginClient({ url: companion.url, token: companion.token });
    dir = await makeTempDir('python-example');
  });
  afterAll(async () => {
    await companion.dispose();
    await dir.remove();
  });

  async function pendingFor(run: Run, key: string): Promise<Review> {
    let found: Review | undefined;
    await until(
      async () => {
        const { reviews } = await client.listReviews();
        const summary = reviews.find((review) => review.key === key);
        if (summary) found = await client.getReview(summary.id);
        return found !== undefined || run.child.exitCode !== null;
      },
      20_000,
      `the pipeline's review (${run.stderr()})`,
    );
    if (found === undefined) throw new Error(`the pipeline exited early: ${run.stderr()}`);
    return found;
  }

  it('generates names, waits for the approval, then writes the table with the host the person typed in', async () => {
    const out = join(dir.path, 'guests.csv');
    const run = runPipeline(companion, ['--count', '3', '--seed', '11', '--key', 'py-approve', '--out', out]);
    const review = await pendingFor(run, 'py-approve');
    expect(review.rows).toHaveLength(3);
    expect(review.form?.required).toEqual(['title', 'first_name', 'last_name']);
    // Still waiting: nothing written yet, however long it has polled.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(run.child.exitCode).toBeNull();
    expect(existsSync(out)).toBe(false);

    // A bad answer is refused and the pipeline keeps waiting.
    await expect(
      client.decideReview(review.id, { decision: 'approve', input: { title: 'Sir' }, reviewer: 'grace' }),
    ).rejects.toMatchObject({ status: 400 });
    await client.decideReview(review.id, {
      decision: 'approve',
      input: { title: 'Dr', first_name: 'Grace', last_name: 'Hopper' },
      reviewer: 'grace',
    });
    expect(await run.exit, run.stderr()).toBe(0);
    expect(run.stderr()).toMatch(/approved by grace: wrote 4 rows/);
    const lines = readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('role,title,first_name,last_name');
    expect(lines[1]).toBe('host,Dr,Grace,Hopper');
    const guests = (review.rows ?? []).map((row) => `guest,,${row.first_name},${row.last_name}`);
    expect(lines.slice(1 + 1)).toEqual(guests);
  });

  it('a rejection ends the pipeline with exit code 1 and writes nothing', async () => {
    const out = join(dir.path, 'rejected.csv');
    const run = runPipeline(companion, ['--key', 'py-reject', '--out', out]);
    const review = await pendingFor(run, 'py-reject');
    await client.decideReview(review.id, { decision: 'reject', reviewer: 'grace', comment: 'too few guests' });
    expect(await run.exit).toBe(1);
    expect(run.stderr()).toMatch(/review rejected: too few guests; nothing written/);
    expect(existsSync(out)).toBe(false);
  });

  it('a refused request (here: a bad token) is exit code 4 with the companion’s reason', async () => {
    const run = spawn(python(), [
      script,
      '--url',
      companion.url,
      '--token',
      'wrong-token',
      '--out',
      join(dir.path, 'x.csv'),
    ]);
    let stderr = '';
    run.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => run.once('exit', resolve));
    expect(code).toBe(4);
    expect(stderr).toMatch(/401 unauthorized/);
  });
});
