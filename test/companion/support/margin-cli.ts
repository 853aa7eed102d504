import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export const marginBin = join(repoRoot, 'bin', 'margin.js');

/**
 * Runs `margin …` as a person would (bin/margin.js in a child process) under the usual umask 022, and
 * resolves with its exit code and output, failures included.
 */
export function runMargin(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliRun> {
  const quoted = [process.execPath, marginBin, ...args].map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    execFile(
      '/bin/sh',
      ['-c', `umask 022 && exec ${quoted}`],
      { cwd: options.cwd ?? repoRoot, env: { ...process.env, ...options.env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
