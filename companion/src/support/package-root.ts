import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder that holds Margin's package.json: the repository in development (the companion runs from
 * companion/src through tsx), the installed package otherwise (it runs compiled, one level deeper under
 * dist/). Walking up to the nearest package.json finds the right one in both, where a fixed `../..`
 * would be wrong in one of them.
 */
export function findPackageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

export const packageRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the package, e.g. `companion/dashboard-dist`. */
export function packagePath(...segments: string[]): string {
  return join(packageRoot, ...segments);
}
