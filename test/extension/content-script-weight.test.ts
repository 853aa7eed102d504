import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { selfHostedAdapters, siteAdapters } from '../../extension/src/sites/index.ts';
import { repoRoot } from '../support/paths.ts';

/**
 * The content scripts run in every chat page, so what they bundle is what every page pays for
 * (docs/benchmarks.md, "content script, gzip"). Two packages once doubled them without anyone
 * noticing: zod (one value import of `shared/index.ts` pulls every schema, 95 KB) and WXT's storage
 * wrapper (9 KB). This follows the VALUE imports (type-only ones are erased by the bundler) from each
 * content script entrypoint, through extension/src and shared/, and names the chain to any of them.
 * The controls' panels are kept out the same way: they come with the panel script, on demand. The
 * built size has its budget in test/package/store-zips.test.ts; `npm run bench:extension` prints it.
 */

/** Every content script entrypoint: one per site (`<id>.content.ts`), the self-hosted apps' and the generic one. */
const ENTRYPOINTS = readdirSync(resolve(repoRoot, 'extension/src/entrypoints'), { withFileTypes: true })
  .filter((entry) => /\.content(?:\.tsx?)?$/.test(entry.name))
  .map((entry) =>
    entry.isDirectory()
      ? `extension/src/entrypoints/${entry.name}/index.ts`
      : `extension/src/entrypoints/${entry.name}`,
  )
  .sort();
/** The panel script (annotate/panel-kit-loader.ts injects it on demand) and what only it may carry. */
const PANEL_SCRIPT_ENTRY = 'extension/src/entrypoints/annotate-panels.ts';
const ON_DEMAND = [
  'extension/src/annotate/panels/panel-kit.ts',
  'extension/src/annotate/cheat-sheet.tsx',
  'extension/src/annotate/conversation-bar.tsx',
  'extension/src/annotate/health-reports.ts',
  'extension/src/annotate/health.ts',
  'extension/src/annotate/selection.tsx',
  'extension/src/annotate/panel-overlay.tsx',
  'extension/src/annotate/panel-placement.ts',
  'extension/src/annotate/rubric-form.tsx',
  'extension/src/annotate/panels/comment-panel.tsx',
  'extension/src/annotate/panels/compare-panel.tsx',
  'extension/src/annotate/panels/correction-panel.tsx',
  'extension/src/annotate/panels/more-menu.tsx',
  'extension/src/annotate/panels/score-panel.tsx',
  'extension/src/annotate/panels/tags-panel.tsx',
  'shared/rubric-rules.ts',
];
/** The capture script (capture/capture-loader.ts asks for it before the annotator starts): the reader. */
const CAPTURE_SCRIPT_ENTRY = 'extension/src/entrypoints/capture-reader.ts';
const CAPTURE_SCRIPT_ONLY = ['extension/src/capture/capture-response.ts', 'extension/src/capture/to-markdown.ts'];
/** Packages no content script may carry, with why. */
const HEAVY: Record<string, string> = {
  zod: 'the schemas are checked by the background, not the page',
  'wxt/utils/storage': 'read storage.local directly',
  '@webext-core/messaging': 'content scripts speak its protocol through utils/content-messaging.ts (1.2 KB gzip less)',
};

/** The module specifiers `source` imports for their values (static, re-exported or dynamic). */
function valueImports(file: string, source: string): string[] {
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TSX);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const onlyTypes =
        clause?.isTypeOnly === true ||
        (clause !== undefined &&
          clause.name === undefined &&
          named !== undefined &&
          ts.isNamedImports(named) &&
          named.elements.every((element) => element.isTypeOnly));
      if (!onlyTypes) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const onlyTypes =
        node.isTypeOnly ||
        (clause !== undefined && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly));
      if (!onlyTypes) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      // A content script is one classic script: the bundler inlines a dynamic import into it.
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return found;
}

/** A relative specifier as the repo-relative file it names, as the bundler resolves it. */
function resolveRelative(from: string, specifier: string, exists: (file: string) => boolean): string | null {
  const path = join(dirname(from), specifier);
  const candidates = ['', '.ts', '.tsx', '/index.ts', '/index.tsx'].map((suffix) => `${path}${suffix}`);
  return candidates.find(exists) ?? null;
}

/**
 * Every repo file reached from `entrypoints` through value imports, each with the chain of files that
 * reaches it, and every package specifier imported on the way (with the file importing it).
 */
function reach(
  entrypoints: readonly string[],
  read: (file: string) => string | null,
  exists: (file: string) => boolean,
): { files: Map<string, string[]>; packages: { specifier: string; chain: string[] }[] } {
  const files = new Map<string, string[]>();
  const queue: string[] = [];
  for (const entry of entrypoints) {
    files.set(entry, [entry]);
    queue.push(entry);
  }
  const packages: { specifier: string; chain: string[] }[] = [];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const source = read(file);
    if (source === null) continue;
    const chain = files.get(file) ?? [file];
    for (const specifier of valueImports(file, source)) {
      if (!specifier.startsWith('.')) {
        packages.push({ specifier, chain });
        continue;
      }
      const next = resolveRelative(file, specifier, exists);
      if (next === null || files.has(next)) continue;
      files.set(next, [...chain, next]);
      queue.push(next);
    }
  }
  return { files, packages };
}

/** Every heavy package reached from `entrypoints`, as a sentence with the chain of files that reaches it. */
function heavyImports(
  entrypoints: readonly string[],
  read: (file: string) => string | null,
  exists: (file: string) => boolean,
): string[] {
  const problems: string[] = [];
  for (const { specifier, chain } of reach(entrypoints, read, exists).packages) {
    const heavy = Object.keys(HEAVY).find((name) => specifier === name || specifier.startsWith(`${name}/`));
    if (heavy) problems.push(`${chain.join(' → ')} imports ${specifier} (${HEAVY[heavy]})`);
  }
  return problems;
}

function isRepoFile(file: string): boolean {
  const path = resolve(repoRoot, file);
  return existsSync(path) && statSync(path).isFile();
}

function readRepoFile(file: string): string | null {
  return isRepoFile(file) ? readFileSync(resolve(repoRoot, file), 'utf8') : null;
}

describe('content script weight', () => {
  it('carries neither zod, WXT storage nor the messaging library, through any value import', () => {
    expect(ENTRYPOINTS).toContain('extension/src/entrypoints/chatgpt.content.ts');
    expect(ENTRYPOINTS).toContain('extension/src/entrypoints/self-hosted.content.ts');
    expect(ENTRYPOINTS).toContain('extension/src/entrypoints/generic.content/index.ts');
    expect(heavyImports(ENTRYPOINTS, readRepoFile, isRepoFile)).toEqual([]);
  });

  it('gives each site a content script of its own that carries its adapter and no other', () => {
    const adapterFile = (id: string) => `extension/src/sites/${id}.ts`;
    const carried = (entry: string) =>
      [...reach([entry], readRepoFile, isRepoFile).files.keys()]
        .filter((file) => siteAdapters.some((adapter) => adapterFile(adapter.id) === file))
        .sort();
    for (const adapter of siteAdapters.filter((candidate) => !candidate.selfHosted)) {
      const entry = `extension/src/entrypoints/${adapter.id}.content.ts`;
      expect(ENTRYPOINTS, adapter.id).toContain(entry);
      expect(carried(entry), entry).toEqual([adapterFile(adapter.id)]);
    }
    expect(carried('extension/src/entrypoints/self-hosted.content.ts')).toEqual(
      selfHostedAdapters.map((adapter) => adapterFile(adapter.id)).sort(),
    );
    expect(carried('extension/src/entrypoints/generic.content/index.ts')).toEqual([]);
    // The self-hosted script's own list is the registry's self-hosted adapters, in the same order.
    expect(selfHostedAdapters).toEqual(siteAdapters.filter((adapter) => adapter.selfHosted));
  });

  it('leaves the panels to the panel script, loaded when the page is idle or a panel opens', () => {
    const inContentScripts = [...reach(ENTRYPOINTS, readRepoFile, isRepoFile).files]
      .filter(([file]) => ON_DEMAND.includes(file))
      .map(([, chain]) => chain.join(' → '));
    expect(inContentScripts).toEqual([]);
    // Not vacuous: the panel script does reach every one of them.
    const inPanelScript = reach([PANEL_SCRIPT_ENTRY], readRepoFile, isRepoFile).files;
    expect(ON_DEMAND.filter((file) => !inPanelScript.has(file))).toEqual([]);
  });

  it('leaves reading a response to the capture script: the content scripts only check it has words', () => {
    const inContentScripts = [...reach(ENTRYPOINTS, readRepoFile, isRepoFile).files]
      .filter(([file]) => CAPTURE_SCRIPT_ONLY.includes(file))
      .map(([, chain]) => chain.join(' → '));
    expect(inContentScripts).toEqual([]);
    const inCaptureScript = reach([CAPTURE_SCRIPT_ENTRY], readRepoFile, isRepoFile).files;
    expect(CAPTURE_SCRIPT_ONLY.filter((file) => !inCaptureScript.has(file))).toEqual([]);
    // The content scripts do reach the words check and the loader.
    const reached = reach(ENTRYPOINTS, readRepoFile, isRepoFile).files;
    expect(reached.has('extension/src/capture/has-text.ts')).toBe(true);
    expect(reached.has('extension/src/capture/capture-loader.ts')).toBe(true);
  });

  it('follows value imports through shared/ and ignores type-only ones', () => {
    const files = new Map([
      [
        'e/index.ts',
        "import { a } from './a.ts';\nimport type { T } from './typed.ts';\nimport { type U } from './typed.ts';",
      ],
      ['e/a.ts', "export { b } from '../shared/b.ts';\nexport type { S } from './schema.ts';"],
      ['shared/b.ts', "import { z } from 'zod';\nexport const b = z.string();"],
      ['e/typed.ts', "import { z } from 'zod';\nexport type T = z.infer<typeof s>;"],
      ['e/schema.ts', "import { storage } from 'wxt/utils/storage';"],
      ['e/lazy.ts', "export const later = () => import('wxt/utils/storage');"],
    ]);
    const read = (file: string) => files.get(file) ?? null;
    const exists = (file: string) => files.has(file);
    expect(heavyImports(['e/index.ts'], read, exists)).toEqual([
      `e/index.ts → e/a.ts → shared/b.ts imports zod (${HEAVY.zod})`,
    ]);
    expect(heavyImports(['e/lazy.ts'], read, exists)).toEqual([
      `e/lazy.ts imports wxt/utils/storage (${HEAVY['wxt/utils/storage']})`,
    ]);
  });

  it('reaches the files the content script really uses (the first check is not vacuous)', () => {
    // The conversation bar as it was before it took its words from shared/conversation-rating-values.ts.
    const reached = heavyImports(
      ['extension/src/annotate/conversation-bar.tsx'],
      (file) =>
        file === 'extension/src/annotate/conversation-bar.tsx'
          ? "import { CONVERSATION_RATING_LABELS } from '../../../shared/index.ts';"
          : readRepoFile(file),
      isRepoFile,
    );
    expect(reached.length).toBeGreaterThan(0);
    expect(reached[0]).toContain('extension/src/annotate/conversation-bar.tsx → shared/index.ts → ');
  });
});
