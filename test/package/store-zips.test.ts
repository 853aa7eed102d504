import { existsSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { describeResult, outsideEnv, runCommand } from './run-command.ts';
import { extractZip, readZip } from './zip-file.ts';

const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const OUTPUT = join(repoRoot, 'extension', '.output');
const ZIPS = {
  chrome: join(OUTPUT, `margin-${version}-chrome.zip`),
  firefox: join(OUTPUT, `margin-${version}-firefox.zip`),
  sources: join(OUTPUT, `margin-${version}-sources.zip`),
};

interface Manifest {
  manifest_version: number;
  name: string;
  version: string;
  icons?: Record<string, string>;
  permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: { matches: string[]; js?: string[] }[];
  browser_specific_settings?: {
    gecko?: { strict_min_version?: string; data_collection_permissions?: unknown };
    gecko_android?: { strict_min_version?: string };
  };
}

/**
 * What each content script may weigh, gzip (level 9, as bench:extension measures; KB = 1,024 bytes):
 * every chat page loads one. Issue 17's target is 25 KB, headed to 20. The budgets are what the
 * scripts weigh now plus about 0.1 KB, so they cannot grow back (2026-12-08, after the reader moved to
 * the capture script: sites 21.78–22.56, ChatGPT's the largest; the self-hosted apps' script, two
 * adapters and the detection, 23.17; the generic one, the structural adapter, 24.63).
 */
const SITE_SCRIPT_BUDGET_KB = 22.7;
const CONTENT_SCRIPT_BUDGET_KB: Record<string, number> = {
  'content-scripts/self-hosted.js': 23.3,
  'content-scripts/generic.js': 24.75,
};
/**
 * The scripts the background injects into a chat page on request (nothing web-accessible). The
 * capture script (the reader of responses) is asked for beside the page settings when a content
 * script starts; the panel script once the page is idle or a panel opens.
 */
const INJECTED_SCRIPT_BUDGET_KB: Record<string, number> = {
  'capture-reader.js': 5.35,
  'annotate-panels.js': 8.65,
};

function manifestOf(files: Map<string, Buffer>): Manifest {
  const bytes = files.get('manifest.json');
  if (!bytes) throw new Error('no manifest.json in the zip');
  return JSON.parse(bytes.toString('utf8')) as Manifest;
}

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** A tool from node_modules, in the environment `npm run` gives it (not Vitest's). */
function node(script: string, args: string[], cwd: string, timeoutMs = 300_000) {
  return runCommand(process.execPath, [join(repoRoot, 'node_modules', ...script.split('/')), ...args], {
    cwd,
    env: outsideEnv(),
    timeoutMs,
  });
}

describe('store packages (npm run zip)', () => {
  let work: { path: string; remove: () => Promise<void> };
  const zips = new Map<keyof typeof ZIPS, Map<string, Buffer>>();

  beforeAll(async () => {
    for (const [browser, file] of Object.entries(ZIPS)) {
      if (!existsSync(file)) throw new Error(`No ${file}: run \`npm run zip\` (npm test's build runs it) first.`);
      zips.set(browser as keyof typeof ZIPS, await readZip(file));
    }
    work = await makeTempDir('store-zips');
  });
  afterAll(() => work?.remove());

  it('hold the current builds, at the package version, with icons', () => {
    for (const browser of ['chrome', 'firefox'] as const) {
      const files = zips.get(browser) as Map<string, Buffer>;
      const manifest = manifestOf(files);
      expect(manifest).toMatchObject({ manifest_version: 3, name: 'Margin', version });
      expect([...files.keys()].sort()).toEqual(filesUnder(join(OUTPUT, `${browser}-mv3`)));
      expect(Object.keys(manifest.icons ?? {}).sort()).toEqual(['128', '16', '32', '48']);
      for (const [size, path] of Object.entries(manifest.icons ?? {})) {
        const png = files.get(path) as Buffer;
        expect([png.readUInt32BE(16), png.readUInt32BE(20)], path).toEqual([Number(size), Number(size)]);
      }
    }
    const firefox = manifestOf(zips.get('firefox') as Map<string, Buffer>).browser_specific_settings;
    expect(firefox?.gecko?.data_collection_permissions).toEqual({ required: ['none'] });
    expect(firefox?.gecko?.strict_min_version).toBe('140.0');
    expect(firefox?.gecko_android?.strict_min_version).toBe('142.0');
  });

  it('keep every content script within its gzip budget', () => {
    for (const browser of ['chrome', 'firefox'] as const) {
      const files = zips.get(browser) as Map<string, Buffer>;
      const scripts = [...files.keys()].filter((file) => /^content-scripts\/[^/]+\.js$/.test(file)).sort();
      // One per site in the manifest, plus the two the background registers at runtime.
      const declared = manifestOf(files).content_scripts?.flatMap((script) => script.js ?? []) ?? [];
      expect(declared.length, `${browser}: content scripts in the manifest`).toBeGreaterThanOrEqual(11);
      expect(scripts, browser).toEqual(
        [...declared, 'content-scripts/self-hosted.js', 'content-scripts/generic.js'].sort(),
      );
      for (const script of scripts) {
        const bytes = files.get(script) as Buffer;
        const kb = gzipSync(bytes, { level: 9 }).length / 1024;
        const budget = CONTENT_SCRIPT_BUDGET_KB[script] ?? SITE_SCRIPT_BUDGET_KB;
        expect(kb, `${browser} ${script}: KB gzip`).toBeLessThanOrEqual(budget);
      }
      for (const [script, budget] of Object.entries(INJECTED_SCRIPT_BUDGET_KB)) {
        const bytes = files.get(script);
        expect(bytes, `${browser}: ${script} in the zip`).toBeDefined();
        const kb = gzipSync(bytes as Buffer, { level: 9 }).length / 1024;
        expect(kb, `${browser} ${script}: KB gzip`).toBeLessThanOrEqual(budget);
      }
    }
  });

  it('ask only for permissions docs/permissions.md justifies, and it names no permission they lack', () => {
    const manifest = manifestOf(zips.get('chrome') as Map<string, Buffer>);
    const doc = readFileSync(join(repoRoot, 'docs', 'permissions.md'), 'utf8');
    const requested = [
      ...(manifest.permissions ?? []),
      ...(manifest.host_permissions ?? []),
      ...(manifest.optional_host_permissions ?? []),
    ];
    const documented = [...doc.matchAll(/^### `([^`]+)`$/gm)].map((match) => match[1]);
    expect(documented.sort()).toEqual([...requested].sort());
    // Every chat site the content script runs on is in the doc's table.
    for (const pattern of manifest.content_scripts?.flatMap((script) => script.matches) ?? []) {
      expect(doc, pattern).toContain(`\`${pattern}\``);
    }
  });

  it('the Firefox zip passes web-ext lint: no errors, no warnings', async () => {
    const dir = join(work.path, 'firefox');
    await extractZip(ZIPS.firefox, dir);
    const lint = await node(
      'web-ext/bin/web-ext.js',
      ['lint', '--source-dir', dir, '--output', 'json', '--no-config-discovery'],
      repoRoot,
    );
    const report = JSON.parse(lint.stdout) as {
      errors: { code: string; message: string; file?: string }[];
      warnings: { code: string; message: string; file?: string }[];
      notices: { code: string; message: string }[];
    };
    expect(report.errors, describeResult('web-ext lint', lint)).toEqual([]);
    expect(report.warnings, describeResult('web-ext lint', lint)).toEqual([]);
    expect(lint.code).toBe(0);
  });

  it('the sources zip holds what the extension is built from, and builds the same Firefox extension', async () => {
    const sources = zips.get('sources') as Map<string, Buffer>;
    const names = [...sources.keys()];
    for (const needed of ['package.json', 'package-lock.json', 'README.md', 'LICENSE', 'tsconfig.base.json']) {
      expect(names, needed).toContain(needed);
    }
    expect(names.some((name) => name.startsWith('extension/src/entrypoints/'))).toBe(true);
    expect(names.some((name) => name.startsWith('shared/'))).toBe(true);
    const leftOut = names.filter((name) =>
      /^(companion|test|bench|dist|docs|bin)\/|node_modules|\.output\/|(^|\/)\.wxt\//.test(name),
    );
    expect(leftOut).toEqual([]);

    // A reviewer's build: the zip's contents, the locked dependencies (here: this repository's own).
    const dir = join(work.path, 'sources');
    await extractZip(ZIPS.sources, dir);
    symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const built = await node('wxt/bin/wxt.mjs', ['build', 'extension', '-b', 'firefox', '--mv3'], dir);
    expect(built.code, describeResult('wxt build from the sources zip', built)).toBe(0);
    const rebuilt = join(dir, 'extension', '.output', 'firefox-mv3');
    const firefox = zips.get('firefox') as Map<string, Buffer>;
    expect(filesUnder(rebuilt)).toEqual([...firefox.keys()].sort());
    for (const [name, bytes] of firefox) {
      expect(readFileSync(join(rebuilt, name)).equals(bytes), `${name} differs from the store zip`).toBe(true);
    }
    expect(statSync(rebuilt).isDirectory()).toBe(true);
  });
});
