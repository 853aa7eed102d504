import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL, PROTOCOL_HEADER } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { type PackedPackage, packWorkingTree } from './pack-package.ts';
import { type PrebuildMirror, startPrebuildMirror } from './prebuild-mirror.ts';
import { describeResult, outsideEnv, runCommand } from './run-command.ts';

const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** A person's project that uses the typed client, checked by tsc against the installed package's types. */
function consumerSource(url: string, token: string): string {
  return `import { createMarginClient, type MarginClient, ReviewRejectedError } from 'margin/client';
import { z } from 'zod';

const margin: MarginClient = createMarginClient({ url: ${JSON.stringify(url)}, token: ${JSON.stringify(token)} });
const form = z.object({ title: z.enum(['Dr', 'Ms']), first_name: z.string().min(1) });
const asked = margin.requestReview({ title: 'from the packed package', output: 'Ada', form, key: 'packed-1', pollSeconds: 1 });

let id: string | undefined;
while (id === undefined) {
  id = (await margin.listReviews()).reviews.find((review) => review.title === 'from the packed package')?.id;
}
await margin.decideReview(id, { decision: 'approve', input: { title: 'Dr', first_name: 'Ada' }, reviewer: 'grace' });
const person = await asked;
const title: 'Dr' | 'Ms' = person.title;
// @ts-expect-error the answers are typed by the form: a field it does not have is an error (unused if the types were lost)
person.age;
console.log(JSON.stringify({ title, firstName: person.first_name, rejectedError: ReviewRejectedError.name }));
`;
}

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM'],
    types: [],
    strict: true,
    skipLibCheck: true,
    outDir: 'out',
  },
  include: ['consumer.ts'],
};

describe('the package as a user installs it', { timeout: 900_000 }, () => {
  let work: { path: string; remove: () => Promise<void> };
  let packed: PackedPackage;
  let mirror: PrebuildMirror;
  let app: string;
  let installLog = '';

  /** The installed `margin`, run from the consumer folder with a person's environment. */
  const margin = (args: string[], timeoutMs = 60_000) =>
    runCommand(join(app, 'node_modules', '.bin', 'margin'), args, { cwd: app, timeoutMs });

  beforeAll(async () => {
    work = await makeTempDir('packed');
    expect(work.path.startsWith(repoRoot)).toBe(false);
    packed = await packWorkingTree(work.path);
    mirror = await startPrebuildMirror(work.path);
    app = join(work.path, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'uses-margin', private: true, type: 'module' }));
    const installed = await runCommand('npm', ['install', '--no-audit', '--no-fund', packed.tarball], {
      cwd: app,
      env: outsideEnv(mirror.env),
      timeoutMs: 600_000,
    });
    installLog = describeResult('npm install <tarball>', installed);
    if (installed.code !== 0) throw new Error(`${installLog}\nmirror requests: ${mirror.requests.join(', ')}`);
  }, 900_000);

  afterAll(async () => {
    await mirror?.close();
    await work?.remove();
  });

  it('ships what runs and nothing else: compiled JavaScript, types, the built dashboard', () => {
    const files = packed.files;
    expect(files).toContain('package.json');
    expect(files).toContain('bin/margin.js');
    expect(files).toContain('dist/companion/src/cli.js');
    expect(files).toContain('dist/companion/src/client/index.js');
    expect(files).toContain('dist/companion/src/client/index.d.ts');
    expect(files).toContain('companion/dashboard-dist/index.html');
    expect(files).toContain('README.md');
    expect(files).toContain('LICENSE');
    expect(files).toContain('CHANGELOG.md');
    const typescriptSources = files.filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'));
    expect(typescriptSources).toEqual([]);
    expect(files.filter((file) => /^(test|extension|bench|docs|shared|companion\/src)\//.test(file))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'margin', 'package.json'), 'utf8'));
    expect(manifest.private).toBeUndefined();
    expect(manifest.scripts?.postinstall).toBeUndefined();
  });

  it('installs without dev dependencies: no tsx, no build tools', () => {
    for (const dev of ['tsx', 'wxt', 'vite', 'typescript', 'preact']) {
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    }
    for (const dependency of Object.keys(rootPackage.dependencies)) {
      expect(existsSync(join(app, 'node_modules', dependency, 'package.json')), dependency).toBe(true);
    }
    expect(Object.keys(rootPackage.dependencies)).not.toContain('tsx');
  });

  it('margin --version and --help work from the installed package', async () => {
    const version = await margin(['--version']);
    expect(version.code, describeResult('margin --version', version)).toBe(0);
    expect(version.stdout.trim()).toBe(rootPackage.version);
    const help = await margin(['--help']);
    expect(help.code, describeResult('margin --help', help)).toBe(0);
    for (const command of ['serve', 'token', 'export', 'import', 'dashboard', 'service', 'purge']) {
      expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });

  describe('margin serve', () => {
    let server: ChildProcess;
    let url = '';
    let token = '';
    let dataDir = '';
    let output = '';

    beforeAll(async () => {
      dataDir = join(work.path, 'data');
      server = spawn(join(app, 'node_modules', '.bin', 'margin'), ['serve', '--port', '0', '--data-dir', dataDir], {
        cwd: app,
        env: outsideEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`margin serve did not start:\n${output}`)), 60_000);
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        };
        server.stdout?.on('data', read);
        server.stderr?.on('data', read);
        server.once('exit', (code) => reject(new Error(`margin serve exited with ${code}:\n${output}`)));
      });
      const printed = await margin(['token', '--data-dir', dataDir]);
      token = printed.stdout.trim();
    }, 120_000);

    afterAll(async () => {
      if (server && server.exitCode === null) {
        server.kill('SIGTERM');
        await new Promise((resolve) => server.once('exit', resolve));
      }
    });

    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${token}`,
          [PROTOCOL_HEADER]: String(PROTOCOL.current),
          ...(init.body ? { 'Content-Type': 'application/json' } : {}),
        },
      });

    it('sends the person to the browser stores for the extension (the package ships none)', async () => {
      const deadline = Date.now() + 30_000;
      while (!output.includes('Later, "margin dashboard"') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(output).toContain('Install the Margin extension from the Chrome Web Store or Firefox Add-ons.');
      expect(output).not.toContain('npm run build');
      expect(output).toContain(`address: ${url}`);
    });

    it('answers health with its version and protocols, and serves the built dashboard', async () => {
      const health = await fetch(`${url}/api/v1/health`);
      expect(await health.json()).toEqual({ ok: true, version: rootPackage.version, protocol: PROTOCOL });
      const dashboard = await fetch(`${url}/`);
      expect(dashboard.status).toBe(200);
      expect(await dashboard.text()).toContain('<div id="app">');
    });

    it('stores a push and exports it', async () => {
      const annotation = makeAnnotation({ response: 'Packed, installed, and exported.' });
      const pushed = await api('/api/v1/sync/push', {
        method: 'POST',
        body: JSON.stringify({ deviceId: 'packed-test', annotations: [annotation], comparisons: [] }),
      });
      expect(pushed.status, await pushed.clone().text()).toBe(200);
      const exported = await api('/api/v1/export?format=openai-sft');
      expect(exported.status).toBe(200);
      const lines = (await exported.text()).trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] as string).messages.at(-1)).toEqual({
        role: 'assistant',
        content: 'Packed, installed, and exported.',
      });
      // The CLI reads the same data directory.
      const cli = await margin(['export', '--format', 'openai-sft', '--out', '-', '--data-dir', dataDir]);
      expect(cli.code, describeResult('margin export', cli)).toBe(0);
      expect(cli.stdout).toContain('Packed, installed, and exported.');
    });

    it('margin/client works from the installed package, its types checked by tsc', async () => {
      writeFileSync(join(app, 'consumer.ts'), consumerSource(url, token));
      writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
      // The compiler is the repository's; everything it checks against comes from the consumer's node_modules.
      const tsc = await runCommand(
        process.execPath,
        [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'],
        { cwd: app, timeoutMs: 180_000 },
      );
      expect(tsc.code, describeResult('tsc', tsc)).toBe(0);
      const run = await runCommand(process.execPath, [join(app, 'out', 'consumer.js')], {
        cwd: app,
        timeoutMs: 60_000,
      });
      expect(run.code, describeResult('node out/consumer.js', run)).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ title: 'Dr', firstName: 'Ada', rejectedError: 'ReviewRejectedError' });
    });
  });
});
