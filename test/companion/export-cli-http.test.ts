import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFromStore } from '../../companion/src/dataset/export-run.ts';
import { collectExport, exportDataset } from '../../shared/export/index.ts';
import { type ExportFormat, exportOptionsSchema } from '../../shared/index.ts';
import { annotations, comparisons } from '../shared/export/fixture.ts';
import { validateExport } from '../shared/export/validators.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { repoRoot } from '../support/paths.ts';
import { createDatabase, STORE_KINDS, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const margin = (args: string[]) =>
  run(process.execPath, [join(repoRoot, 'bin', 'margin.js'), ...args], { cwd: repoRoot });

describe.each(STORE_KINDS)('CLI, HTTP and the engine in memory give the same bytes (%s)', (kind) => {
  let dir: { path: string; remove: () => Promise<void> };
  let database: TestDatabase;
  let companion: CompanionProcess;

  beforeAll(async () => {
    dir = await makeTempDir('export');
    database = await createDatabase(kind, 'export_cli_http');
    const stores = await database.open();
    await stores.sync.applyChanges({
      deviceId: 'test',
      receivedAt: '2026-11-03T00:00:00.000Z',
      annotations,
      comparisons,
    });
    await stores.close();
    companion = await startCompanion({ dataDir: join(dir.path, 'data'), database: database.option });
  }, 60_000);
  afterAll(async () => {
    await companion?.stop();
    await database?.remove();
    await dir?.remove();
  });

  const cases: { format: ExportFormat; query: Record<string, string>; skipped?: Record<string, number> }[] = [
    { format: 'openai-sft', query: {} },
    { format: 'trl-dpo', query: { site: 'chatgpt,claude', 'exclude-tag': 'unicode' } },
    { format: 'trl-kto', query: { since: '2026-11-01', 'max-score': '95', 'min-score': '0' } },
    { format: 'hh-rlhf', query: { annotator: 'ada', 'redact-pii': 'true' } },
    { format: 'sharegpt-dpo', query: { 'system-prompt': 'Be brief.' } },
    { format: 'trl-sft', query: { 'skip-partial': 'true' }, skipped: { 'partial-capture': 1 } },
    // Sources beyond chat capture are opted in the same way on both (the review's rows reach trl-sft).
    { format: 'trl-sft', query: { source: 'capture,review,api,import' } },
  ];

  it.each(cases)('$format with $query', async ({ format, query, skipped }) => {
    const out = join(dir.path, `${format}.jsonl`);
    const flags = Object.entries(query).flatMap(([key, value]) =>
      value === 'true' ? [`--${key}`] : [`--${key}`, value],
    );
    const { stderr } = await margin([
      'export',
      '--database',
      database.option,
      '--format',
      format,
      '--out',
      out,
      ...flags,
    ]);
    expect(stderr).toContain(`${format}: `);
    const fromCli = readFileSync(out, 'utf8');

    const params = new URLSearchParams({ format });
    for (const [key, value] of Object.entries(query))
      params.set(
        key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
        value,
      );
    const response = await fetch(`${companion.url}/api/v1/export?${params}`, {
      headers: { authorization: `Bearer ${companion.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="margin-${format}.jsonl"`);
    const fromHttp = await response.text();
    expect(fromHttp).toBe(fromCli);

    const options = exportOptionsSchema.parse(Object.fromEntries(params));
    const memory = new MemoryStore(annotations, comparisons);
    const inMemory = await collectExport(
      exportDataset(memory.iterateAnnotations({ order: 'conversation' }), memory.iterateComparisons(), options),
    );
    expect(inMemory.train.lines).toBe(fromCli);

    expect(fromCli.length).toBeGreaterThan(0);
    expect(validateExport(format, fromCli)).toEqual([]);
    const sidecar = readFileSync(join(dir.path, `${format}.meta.jsonl`), 'utf8')
      .trim()
      .split('\n');
    expect(sidecar).toHaveLength(fromCli.split('\n').length); // one per line, plus the summary
    const summary = JSON.parse(sidecar[sidecar.length - 1] ?? '').summary;
    expect(summary.examplesWritten).toBe(sidecar.length - 1);
    // The fixture holds one partial capture (docs/capture.md): counted whether kept or skipped.
    expect(summary.partialCaptures).toBe(1);
    if (skipped) expect(summary.skipped).toMatchObject(skipped);
    expect(stderr).toContain(skipped ? 'partial captures: 1 (skipped)' : 'partial captures: 1 (kept');
  });

  it('--split writes train and validation files and sidecars; HTTP serves each part', async () => {
    const out = join(dir.path, 'split.jsonl');
    await margin(['export', '--database', database.option, '--format', 'trl-sft', '--split', '0.5', '--out', out]);
    const train = readFileSync(join(dir.path, 'split.train.jsonl'), 'utf8');
    const validation = readFileSync(join(dir.path, 'split.validation.jsonl'), 'utf8');
    expect(train.length).toBeGreaterThan(0);
    expect(validation.length).toBeGreaterThan(0);
    expect(validateExport('trl-sft', train)).toEqual([]);
    expect(validateExport('trl-sft', validation)).toEqual([]);
    for (const part of ['train', 'validation'] as const) {
      const response = await fetch(`${companion.url}/api/v1/export?format=trl-sft&split=0.5&part=${part}`, {
        headers: { authorization: `Bearer ${companion.token}` },
      });
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="margin-trl-sft.${part}.jsonl"`);
      expect(await response.text()).toBe(part === 'train' ? train : validation);
    }
    const meta = readFileSync(join(dir.path, 'split.validation.meta.jsonl'), 'utf8');
    expect(JSON.parse(meta.split('\n')[0] ?? '').line).toBe(1);
  });

  it('answers bad options with 400 naming the field, and needs the token', async () => {
    const bad = await fetch(`${companion.url}/api/v1/export?format=trl-dpo&minScore=abc&colour=red`, {
      headers: { authorization: `Bearer ${companion.token}` },
    });
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(
      expect.arrayContaining(['minScore']),
    );
    const anonymous = await fetch(`${companion.url}/api/v1/export?format=trl-dpo`);
    expect(anonymous.status).toBe(401);
  });

  it('the CLI rejects bad flags by name and writes nothing', async () => {
    const out = join(dir.path, 'bad.jsonl');
    const failure = await margin([
      'export',
      '--database',
      database.option,
      '--format',
      'trl-dpo',
      '--min-score',
      '500',
      '--out',
      out,
    ]).catch((error: { stderr: string; code: number }) => error);
    expect('code' in failure && failure.code).toBe(1);
    expect(failure.stderr).toContain('--min-score: must be from 0 to 100');
    expect(() => readFileSync(out)).toThrow();
  });

  it('--explain prints the rules with the thresholds in force', async () => {
    const { stdout } = await margin(['export', '--explain', '--pair-min-gap', '25']);
    expect(stdout).toContain('score gap >= 25');
    expect(stdout).toContain('trl-reward');
  });
});

/** Conversation ids a locale would sort otherwise than bytes do ("A-2" < "B" < "_x" < "a" < "a-10" < "a-9" < "é" in bytes). */
const LOCALE_SENSITIVE = ['é', 'a', 'B', '_x', 'A-2', 'a-10', 'a-9'].flatMap((conversationId, index) =>
  ['m1', 'm2'].map((messageId, turn) =>
    makeAnnotation({
      site: index % 2 === 0 ? 'chatgpt' : 'claude',
      conversationId,
      messageId,
      thumb: turn === 0 ? 'up' : 'down',
      score: turn === 0 ? 90 : 20,
      response: `answer ${turn} in ${conversationId}`,
      variant: { index: turn + 1, count: 2, group: `${conversationId}-g` },
    }),
  ),
);

describe('both stores export the same bytes', () => {
  it('for the same records, in the same order, even where a locale would sort otherwise', {
    timeout: 60_000,
  }, async () => {
    const outputs: Record<string, string> = {};
    for (const kind of STORE_KINDS) {
      const database = await createDatabase(kind, 'same_bytes');
      const stores = await database.open();
      try {
        // Pushed in an order unlike the export's, in two batches, one record edited in between.
        await stores.sync.applyChanges({
          deviceId: 'd',
          receivedAt: '2026-11-03T00:00:00.000Z',
          annotations: [...LOCALE_SENSITIVE].reverse().slice(0, 7),
          comparisons: [],
        });
        await stores.sync.applyChanges({
          deviceId: 'd',
          receivedAt: '2026-11-03T00:00:01.000Z',
          annotations: [...LOCALE_SENSITIVE].reverse().slice(7),
          comparisons,
        });
        for (const format of ['raw', 'trl-dpo', 'openai-sft'] as const) {
          const run = exportFromStore(stores.sync, exportOptionsSchema.parse({ format }));
          outputs[`${kind} ${format}`] = (await collectExport(run)).train.lines;
        }
      } finally {
        await stores.close();
        await database.remove();
      }
    }
    for (const format of ['raw', 'trl-dpo', 'openai-sft']) {
      expect(outputs[`postgres ${format}`], format).toBe(outputs[`sqlite ${format}`]);
      expect(outputs[`sqlite ${format}`]?.length, format).toBeGreaterThan(0);
    }
    const order = (outputs['sqlite raw'] ?? '')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).conversationId as string);
    // By site (chatgpt, then claude), then conversation id in byte order: a locale would put "a" before "B".
    expect([...new Set(order)]).toEqual(['A-2', 'B', 'a-9', 'é', '_x', 'a', 'a-10']);
  });
});
