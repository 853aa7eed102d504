import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';

/**
 * The walls inside the extension, read from the import statements of every file under extension/src
 * (type-only imports included: the content side should not even know the database's shapes):
 *
 * - The content script runs in every chat page: nothing it imports, directly or through other
 *   modules, may reach Dexie or `db/` (the database lives in the extension's origin only). Its
 *   modules are found by following imports from its entrypoint, so a new file is covered as soon as
 *   something on that side imports it.
 * - `db/` is the floor: it imports neither `sync/` nor `annotate/`.
 * - `utils/` is shared by every context: it imports nothing from `annotate/`.
 *
 * (`shared/` imports nothing but zod, test/shared/purity.test.ts, so the walk stays in extension/src.)
 */

const SRC = 'extension/src';
/** A content script's entrypoint: `<name>.content.ts(x)` or a `<name>.content/` folder (WXT's layout). */
const CONTENT_ENTRYPOINT = /^extension\/src\/entrypoints\/[^/]+\.content(?:\.tsx?$|\/)/;

/** What one file imports: repo-relative paths of the files, and the bare (package) specifiers. */
interface Imports {
  files: string[];
  packages: string[];
}

/** Every import and re-export specifier of `source`, static or dynamic, read by TypeScript's own scanner. */
function specifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

/** A relative import as the file it names, with or without its extension (as a bundler resolves it). */
function resolveFile(from: string, specifier: string, known: ReadonlySet<string>): string {
  const path = join(dirname(from), specifier);
  const candidates = ['', '.ts', '.tsx', '/index.ts', '/index.tsx'].map((suffix) => `${path}${suffix}`);
  return candidates.find((candidate) => known.has(candidate)) ?? path;
}

function importGraph(sources: Map<string, string>): Map<string, Imports> {
  const known = new Set(sources.keys());
  const graph = new Map<string, Imports>();
  for (const [file, source] of sources) {
    const imports: Imports = { files: [], packages: [] };
    for (const specifier of specifiers(source)) {
      if (specifier.startsWith('.')) imports.files.push(resolveFile(file, specifier, known));
      else imports.packages.push(specifier);
    }
    graph.set(file, imports);
  }
  return graph;
}

const isPackage = (specifier: string, name: string) => specifier === name || specifier.startsWith(`${name}/`);
const inFolder = (file: string, folder: string) => file.startsWith(`${SRC}/${folder}/`);

/**
 * The content scripts' files: their entrypoints and everything reachable from them, with the chain
 * that reached each. It stops at `db/`: importing it is the breach, and what lies beyond is not news.
 */
function contentSide(graph: Map<string, Imports>): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const queue: string[] = [];
  for (const file of graph.keys()) {
    if (CONTENT_ENTRYPOINT.test(file)) {
      reached.set(file, [file]);
      queue.push(file);
    }
  }
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const next of graph.get(file)?.files ?? []) {
      if (reached.has(next) || !graph.has(next) || inFolder(next, 'db')) continue;
      reached.set(next, [...(reached.get(file) ?? []), next]);
      queue.push(next);
    }
  }
  return reached;
}

/** Every broken wall in `sources` (repo-relative path → file text), as sentences that say where. */
function layerViolations(sources: Map<string, string>): string[] {
  const graph = importGraph(sources);
  const violations: string[] = [];
  for (const [file, chain] of contentSide(graph)) {
    const imports = graph.get(file) ?? { files: [], packages: [] };
    const via = chain.join(' → ');
    if (imports.packages.some((specifier) => isPackage(specifier, 'dexie'))) {
      violations.push(`content script reaches Dexie: ${via} imports dexie`);
    }
    for (const target of imports.files.filter((target) => inFolder(target, 'db'))) {
      violations.push(`content script reaches db/: ${via} imports ${target}`);
    }
    // The page snapshot is injected only when asked for ("Report a broken page"): never carried along.
    for (const target of imports.files.filter((target) => inFolder(target, 'snapshot'))) {
      violations.push(`content script carries snapshot/: ${via} imports ${target}`);
    }
  }
  for (const [file, imports] of graph) {
    if (inFolder(file, 'db')) {
      for (const target of imports.files.filter((target) => inFolder(target, 'sync') || inFolder(target, 'annotate'))) {
        violations.push(`db/ stands on nothing above it: ${file} imports ${target}`);
      }
    }
    if (inFolder(file, 'utils')) {
      for (const target of imports.files.filter((target) => inFolder(target, 'annotate'))) {
        violations.push(`utils/ serves every context: ${file} imports ${target}`);
      }
    }
  }
  return violations;
}

function extensionSources(): Map<string, string> {
  const dir = resolve(repoRoot, SRC);
  const files = readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)));
  return new Map(files.map((file) => [file, readFileSync(resolve(repoRoot, file), 'utf8')]));
}

describe('extension layers', () => {
  const sources = extensionSources();

  it('keeps Dexie and db/ out of the content script, db/ under sync/ and annotate/, and annotate/ out of utils/', () => {
    expect(layerViolations(sources)).toEqual([]);
  });

  it('follows the content script into every folder it uses, so the first check is not vacuous', () => {
    const reached = [...contentSide(importGraph(sources))];
    const folders = new Set(reached.map(([file]) => file.slice(SRC.length + 1).split('/')[0]));
    expect([...folders].sort()).toEqual(
      expect.arrayContaining(['annotate', 'capture', 'entrypoints', 'sites', 'utils']),
    );
    // The background and the extension pages do use the database: it is really there to be kept out.
    expect([...sources.keys()].filter((file) => inFolder(file, 'db')).length).toBeGreaterThan(0);
  });

  it('catches each kind of breach, however deep in the content script it is', () => {
    const breached = new Map([
      [`${SRC}/entrypoints/chatgpt.content.ts`, "import { a } from '../annotate/a.ts';"],
      [`${SRC}/annotate/a.ts`, "import type { B } from '../utils/b';\nexport const a = 1;"],
      [`${SRC}/utils/b.ts`, "export { c } from './c.ts';\nimport { x } from '../annotate/x.ts';"],
      [`${SRC}/utils/c.ts`, "export const load = () => import('dexie');\nimport { getDb } from '../db/connection.ts';"],
      [`${SRC}/annotate/x.ts`, "import { snap } from '../snapshot/s.ts';\nexport const x = 1;"],
      [`${SRC}/snapshot/s.ts`, 'export const snap = 1;'],
      [`${SRC}/db/connection.ts`, "import { SYNC } from '../sync/s.ts';\nexport const getDb = () => SYNC;"],
      [`${SRC}/sync/s.ts`, 'export const SYNC = 1;'],
      // Not on the content side: the background may use the database.
      [`${SRC}/entrypoints/background/index.ts`, "import { getDb } from '../../db/connection.ts';"],
    ]);
    const chain = `${SRC}/entrypoints/chatgpt.content.ts → ${SRC}/annotate/a.ts → ${SRC}/utils/b.ts → ${SRC}/utils/c.ts`;
    expect(layerViolations(breached).sort()).toEqual(
      [
        `content script reaches Dexie: ${chain} imports dexie`,
        `content script reaches db/: ${chain} imports ${SRC}/db/connection.ts`,
        `db/ stands on nothing above it: ${SRC}/db/connection.ts imports ${SRC}/sync/s.ts`,
        `utils/ serves every context: ${SRC}/utils/b.ts imports ${SRC}/annotate/x.ts`,
        `content script carries snapshot/: ${chain.replace(`${SRC}/utils/c.ts`, `${SRC}/annotate/x.ts`)} imports ${SRC}/snapshot/s.ts`,
      ].sort(),
    );
  });
});
