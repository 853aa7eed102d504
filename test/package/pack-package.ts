import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from '../support/paths.ts';
import { describeResult, outsideEnv, runCommand } from './run-command.ts';

export interface PackedPackage {
  /** The .tgz `npm pack` wrote. */
  tarball: string;
  /** Every path in it, relative to the package root (`bin/margin.js`). */
  files: string[];
}

/**
 * `npm pack` as a publish runs it (prepare, prepack: the dashboard and the compiled companion), in a
 * copy of the working tree: the build writes dist/ and companion/dashboard-dist/, which the other
 * tests must not see change under them. The copy holds what git would (tracked and new files, nothing
 * ignored) and borrows node_modules, the dev dependencies the build needs.
 */
export async function packWorkingTree(workDir: string): Promise<PackedPackage> {
  const source = join(workDir, 'source');
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of new Set(listed.split('\0').filter(Boolean))) {
    const from = join(repoRoot, file);
    if (!existsSync(from)) continue; // deleted in the working tree, not yet in the index
    mkdirSync(dirname(join(source, file)), { recursive: true });
    cpSync(from, join(source, file));
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(source, 'node_modules'), 'dir');
  const destination = join(workDir, 'packed');
  mkdirSync(destination);
  const packed = await runCommand('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: source,
    // The build tools come from the borrowed node_modules, as `npm pack` in the repository finds them.
    env: outsideEnv(),
    timeoutMs: 600_000,
  });
  if (packed.code !== 0) throw new Error(describeResult('npm pack', packed));
  // Lifecycle scripts print before npm's JSON; the JSON is the last top-level array.
  const json = packed.stdout.slice(packed.stdout.lastIndexOf('\n[') + 1);
  const [result] = JSON.parse(json) as [{ filename: string; files: { path: string }[] }];
  return { tarball: join(destination, result.filename), files: result.files.map((file) => file.path) };
}
