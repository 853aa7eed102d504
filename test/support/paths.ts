import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const chromeExtensionDir = fileURLToPath(new URL('../../extension/.output/chrome-mv3', import.meta.url));
export const firefoxExtensionDir = fileURLToPath(new URL('../../extension/.output/firefox-mv3', import.meta.url));
export const siteFixturesDir = fileURLToPath(new URL('../fixtures/sites', import.meta.url));
