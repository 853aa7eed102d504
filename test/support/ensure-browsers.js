#!/usr/bin/env node
// Runs before the browser tests. A missing browser is never a silent skip: on a Debian machine where we
// are root we install it with apt-get; anywhere else we stop with the exact command to run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BROWSERS, findBrowser, installHint } from './browser-paths.js';

/** @type {import('./browser-paths.js').BrowserName[]} */
const names = ['chromium', 'firefox'];
const missing = names.filter((name) => !findBrowser(name));
if (missing.length === 0) process.exit(0);

const canApt = process.platform === 'linux' && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
const overridden = missing.filter((name) => process.env[BROWSERS[name].envVar]);
if (canApt && overridden.length === 0) {
  const packages = missing.map((name) => BROWSERS[name].debianPackage);
  console.log(`Installing ${packages.join(', ')} with apt-get for the browser tests…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', ...packages], { stdio: 'inherit', env });
  const still = missing.filter((name) => !findBrowser(name));
  if (still.length === 0) process.exit(0);
  missing.splice(0, missing.length, ...still);
}
for (const name of missing) console.error(`\n${installHint(name)}`);
console.error('\nThe browser tests need both browsers; nothing was skipped.');
process.exit(1);
