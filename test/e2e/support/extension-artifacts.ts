import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from './dashboard-fixture.ts';

/** A full-page screenshot of an extension page in test/artifacts/extension-<name>.png (git-ignored). */
export async function extensionScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `extension-${name}.png`), fullPage: true });
}
