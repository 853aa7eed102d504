import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { marginBin, runMargin } from './support/margin-cli.ts';

/** Runs `margin …` with its stdout a pipe whose reader has gone away, as `margin stats | head -0` does. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [marginBin, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the command writes a byte (it needs a moment to start): every write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('the CLI with pipes, stray options and foreign files', { timeout: 120_000 }, () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    dir = await makeTempDir('cli-hints');
  });
  afterAll(() => dir?.remove());

  it('ends quietly when the reader of its output goes away (margin stats | head)', async () => {
    for (const args of [
      ['stats', '--data-dir', dir.path],
      ['export', '--explain'],
    ]) {
      const run = await withClosedStdout(args);
      expect(run.stderr, args.join(' ')).not.toContain('EPIPE');
      expect(run.stderr, args.join(' ')).not.toContain('Unhandled');
      expect(run.code, args.join(' ')).toBe(0);
    }
  });

  it('points `margin --explain` to `margin export --explain`', async () => {
    const run = await runMargin(['--explain']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("unknown option '--explain'");
    expect(run.stderr).toContain('(--explain belongs to a command: margin export --explain)');
  });

  it('says a chat-format line is a dataset line, not a Margin annotation, instead of listing every field', async () => {
    const file = join(dir.path, 'dataset.jsonl');
    const chat = {
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
      ],
    };
    const pair = { prompt: [{ role: 'user', content: 'Hi' }], chosen: [], rejected: [] };
    writeFileSync(
      file,
      `${[chat, pair, { colour: 'red' }, { ...makeAnnotation(), score: 300 }, chat, chat].map((line) => JSON.stringify(line)).join('\n')}\n`,
    );
    const run = await runMargin(['import', file, '--data-dir', join(dir.path, 'data')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'line 1: this looks like a dataset line, not a Margin annotation: a chat dataset line ("messages": openai-sft, trl-sft)',
    );
    expect(run.stderr).toContain('line 2: this looks like a dataset line, not a Margin annotation: a preference pair');
    expect(run.stderr).toContain('line 3: not a Margin annotation: it has the fields colour');
    // A real annotation with one mistake still gets its field-by-field problem.
    expect(run.stderr).toMatch(/line 4 \(id [^)]+\): score: /);
    expect(run.stderr).not.toMatch(/schemaVersion|conversationId|modelSource/);
    // A whole file of them is not reported line by line.
    expect(run.stderr).toContain('… more lines like these are not reported one by one');
    expect(run.stderr).not.toContain('line 6');
    expect(run.stderr).toContain(`Nothing was imported from ${file}: 6 of 6 lines rejected (above)`);
  });
});
