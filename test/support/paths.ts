import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
// MARGIN_EXTENSION_OUT points the browser tests at another build's output (e.g. one made with its own
// WXT config while someone else builds into extension/.output).
const outputDir =
  process.env.MARGIN_EXTENSION_OUT ?? fileURLToPath(new URL('../../extension/.output', import.meta.url));
export const chromeExtensionDir = `${outputDir}/chrome-mv3`;
export const firefoxExtensionDir = `${outputDir}/firefox-mv3`;
export const siteFixturesDir = fileURLToPath(new URL('../fixtures/sites', import.meta.url));
