import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium } from '../support/chromium.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { repoRoot } from '../support/paths.ts';
import { readStoredAnnotations } from './support/annotate-driver.ts';
import { companionAnnotations, openFixture, pairThroughOptions, thumbUp, waitUntil } from './support/sync-helpers.ts';

const run = promisify(execFile);

interface Choice {
  format: string;
  site?: string;
  redactPii?: boolean;
  reasoning?: 'none' | 'field' | 'inline';
}

/** Chooses in the popup's Dataset section and clicks Download; answers the file's name and bytes. */
async function downloadFromPopup(popup: Page, choice: Choice): Promise<{ name: string; bytes: Buffer }> {
  const section = popup.getByRole('region', { name: 'Dataset' });
  const fold = section.locator('details');
  if ((await fold.getAttribute('open')) === null)
    await section.getByText('Download a dataset from this browser').click();
  await section.getByLabel('Format').selectOption(choice.format);
  await section.getByLabel('Site').selectOption(choice.site ?? '');
  await section.getByLabel(/Redact emails/).setChecked(choice.redactPii ?? false);
  await section.getByLabel('Reasoning').selectOption(choice.reasoning ?? 'none');
  const [download] = await Promise.all([
    popup.waitForEvent('download'),
    section.getByRole('button', { name: 'Download dataset' }).click(),
  ]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: await readFile(path) };
}

async function fromHttp(companion: CompanionProcess, choice: Choice): Promise<Buffer> {
  const query = new URLSearchParams({ format: choice.format });
  if (choice.site) query.set('site', choice.site);
  if (choice.redactPii) query.set('redactPii', 'true');
  if (choice.reasoning) query.set('reasoning', choice.reasoning);
  const response = await fetch(`${companion.url}/api/v1/export?${query}`, {
    headers: { Authorization: `Bearer ${companion.token}` },
  });
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function fromCli(companion: CompanionProcess, choice: Choice): Promise<Buffer> {
  const args = [join(repoRoot, 'bin', 'margin.js'), 'export', '--format', choice.format, '--out', '-'];
  args.push('--data-dir', companion.dataDir);
  if (choice.site) args.push('--site', choice.site);
  if (choice.redactPii) args.push('--redact-pii');
  if (choice.reasoning) args.push('--reasoning', choice.reasoning);
  const { stdout } = await run(process.execPath, args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

describe('Download dataset in the popup (Chromium)', () => {
  let session: ChromiumSession | undefined;
  let companion: CompanionProcess | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
    await companion?.dispose();
    companion = undefined;
  });

  it('works with no companion, and gives the same bytes as GET /api/v1/export and the CLI for the same data and options', async () => {
    session = await launchChromium();
    const chatgpt = await openFixture(session, 'chatgpt');
    await thumbUp(chatgpt.driver, 0);
    await chatgpt.driver.click(1, 'button', 'Thumbs down');
    await chatgpt.driver.waitForStatus(1, /^Saved$/);
    const claude = await openFixture(session, 'claude');
    await thumbUp(claude.driver, 0);
    await claude.driver.click(1, 'button', 'Write a better response');
    await claude.driver.type(
      1,
      'textbox',
      'Better response text',
      'Flags: -name matches, -mtime +7 is older than a week. Mail ops@example.com.',
    );
    await claude.driver.click(1, 'button', 'Save better response');
    await claude.driver.waitForStatus(1, /^Saved$/);
    const stored = await readStoredAnnotations(session.serviceWorker);
    expect(stored).toHaveLength(4);

    // No companion paired: the download still works, from this browser's own store.
    const popup = await session.openExtensionPage('popup.html');
    const offline = await downloadFromPopup(popup, { format: 'raw' });
    expect(offline.name).toBe('margin-raw.jsonl');
    const lines = offline.bytes.toString('utf8').trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { id: string }).id).sort()).toEqual(stored.map((a) => a.id).sort());

    companion = await startCompanion();
    await pairThroughOptions(session, companion, 1);
    await waitUntil(
      () => companionAnnotations(companion as CompanionProcess),
      (list) => list.length === 4,
      'sync',
    );

    const choices: Choice[] = [
      { format: 'raw' },
      { format: 'openai-sft' },
      { format: 'trl-dpo', reasoning: 'field' },
      { format: 'trl-kto', site: 'claude' },
      { format: 'sharegpt', redactPii: true, reasoning: 'inline' },
    ];
    for (const choice of choices) {
      const popupFile = await downloadFromPopup(popup, choice);
      const http = await fromHttp(companion, choice);
      const cli = await fromCli(companion, choice);
      expect(popupFile.name).toBe(`margin-${choice.format}.jsonl`);
      expect(http.length, `${JSON.stringify(choice)} exports lines`).toBeGreaterThan(0);
      expect(popupFile.bytes.equals(http), `popup = HTTP for ${JSON.stringify(choice)}`).toBe(true);
      expect(cli.equals(http), `CLI = HTTP for ${JSON.stringify(choice)}`).toBe(true);
    }
    // The summary line under the button says what was written.
    await waitUntil(
      async () => (await popup.locator('[data-dataset-result]').textContent()) ?? '',
      (text) => /^\d+ lines from \d+ annotations/.test(text),
      'the export summary',
    );
  });
});
