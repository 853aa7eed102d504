// Where the end-to-end tests look for browsers. Plain JavaScript so `ensure-browsers.js` can use it
// before anything is compiled; the TypeScript harness imports it too.
import { existsSync } from 'node:fs';

/** @typedef {'chromium' | 'firefox'} BrowserName */

export const BROWSERS = {
  chromium: {
    label: 'Chromium',
    envVar: 'MARGIN_CHROMIUM',
    candidates: [
      '/usr/bin/chromium',
      '/usr/bin/chromium-browser',
      '/snap/bin/chromium',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
    ],
    debianPackage: 'chromium',
    macInstall: 'brew install --cask chromium',
  },
  firefox: {
    label: 'Firefox',
    envVar: 'MARGIN_FIREFOX',
    candidates: ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/Applications/Firefox.app/Contents/MacOS/firefox'],
    debianPackage: 'firefox-esr',
    macInstall: 'brew install --cask firefox',
  },
};

/**
 * The executable for `name`, from its environment variable or the usual places; null when absent.
 * @param {BrowserName} name
 * @returns {string | null}
 */
export function findBrowser(name) {
  const spec = BROWSERS[name];
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return spec.candidates.find((candidate) => existsSync(candidate)) ?? null;
}

/**
 * What to tell a person whose machine lacks `name`.
 * @param {BrowserName} name
 */
export function installHint(name) {
  const spec = BROWSERS[name];
  return [
    `${spec.label} was not found (looked at $${spec.envVar}, then ${spec.candidates.join(', ')}).`,
    `Install it: Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y ${spec.debianPackage}`,
    `            macOS: ${spec.macInstall}`,
    `or point ${spec.envVar} at its executable.`,
  ].join('\n');
}
