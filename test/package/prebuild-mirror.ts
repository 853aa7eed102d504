import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../support/paths.ts';

export interface PrebuildMirror {
  /** `npm_config_better_sqlite3_binary_host`: where better-sqlite3's install looks for its binary. */
  env: NodeJS.ProcessEnv;
  /** Paths asked for, to tell a download from a compile in a failure message. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * better-sqlite3 installs by downloading a prebuilt binary from its GitHub releases (prebuild-install),
 * compiling for minutes only when that fails. GitHub is out of reach here, so this mirror serves what
 * a release asset holds (build/Release/better_sqlite3.node in a .tar.gz), taken from the repository's
 * own install of the same version: the packed install then takes the path a user's takes. Any other
 * version is a 404, and the install compiles from source as it would anywhere without the asset.
 */
export async function startPrebuildMirror(workDir: string): Promise<PrebuildMirror> {
  const moduleDir = join(repoRoot, 'node_modules', 'better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(moduleDir, 'package.json'), 'utf8')) as { version: string };
  const archive = join(workDir, 'better-sqlite3-prebuild.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', moduleDir, 'build/Release/better_sqlite3.node']);
  const body = readFileSync(archive);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.method === 'GET' && req.url?.startsWith(`/v${version}/`) && req.url.endsWith('.tar.gz')) {
      res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': body.length }).end(body);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    env: { npm_config_better_sqlite3_binary_host: `http://127.0.0.1:${port}` },
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
