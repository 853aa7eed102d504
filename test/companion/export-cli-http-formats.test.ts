import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParquetRows } from '../../companion/src/dataset/parquet-rows.ts';
import { openStore } from '../../companion/src/support/data-dir.ts';
import { collectExport, exportDataset, exportParquetSchema } from '../../shared/export/index.ts';
import { type ExportFormat, exportOptionsSchema, PARQUET_CONTENT_TYPE } from '../../shared/index.ts';
import { conversationRatings } from '../shared/export/conversation-rating-fixture.ts';
import { annotations, comparisons } from '../shared/export/fixture.ts';
import { validateExport } from '../shared/export/validators.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { MemoryStore } from '../support/memory-store.ts';
import { readParquetFile } from '../support/parquet-reader.ts';
import { repoRoot } from '../support/paths.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const margin = (args: string[]) =>
  run(process.execPath, [join(repoRoot, 'bin', 'margin.js'), ...args], { cwd: repoRoot, encoding: 'buffer' });
const camel = (key: string) => key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The formats and options added for today's trainers, through the CLI, HTTP and the engine in
 * memory: the same bytes for JSONL, and for Parquet too (the writer is deterministic).
 */
describe('new formats: CLI, HTTP and the engine give the same bytes', { timeout: 60_000 }, () => {
  let dir: { path: string; remove: () => Promise<void> };
  let companion: CompanionProcess;

  beforeAll(async () => {
    dir = await makeTempDir('export-formats');
    const stores = await openStore(join(dir.path, 'data'));
    await stores.sync.applyChanges({
      deviceId: 'test',
      receivedAt: '2026-11-03T00:00:00.000Z',
      annotations,
      comparisons,
      conversationRatings,
    });
    await stores.close();
    companion = await startCompanion({ dataDir: join(dir.path, 'data') });
  }, 60_000);
  afterAll(async () => {
    await companion?.stop();
    await dir?.remove();
  });

  const cases: { format: ExportFormat; query: Record<string, string> }[] = [
    { format: 'openai-rft', query: { 'exclude-tag': 'unicode' } },
    { format: 'vertex-sft', query: { 'redact-pii': 'true' } },
    { format: 'vertex-preference', query: { 'system-prompt': 'Be brief.' } },
    { format: 'bedrock-sft', query: { site: 'chatgpt,claude' } },
    { format: 'trl-sft', query: { reasoning: 'field', 'reasoning-field': 'thinking' } },
    { format: 'sharegpt', query: { reasoning: 'inline' } },
    { format: 'verl-rl', query: {} },
    { format: 'verl-sft', query: { reasoning: 'field', 'min-score': '0' } },
    { format: 'raw', query: { 'conversation-rating': 'good,unclear' } },
    { format: 'trl-dpo', query: { 'conversation-rating': 'good,needs-work' } },
    { format: 'verl-rl', query: { 'conversation-rating': 'good' } },
  ];

  it.each(cases)('$format with $query', async ({ format, query }) => {
    const parquet = format.startsWith('verl-');
    // A case of its own file: the stdout test below compares with the unfiltered verl-rl file.
    const name = query['conversation-rating'] === undefined ? format : `${format}-rated`;
    const out = join(dir.path, `${name}.${parquet ? 'parquet' : 'jsonl'}`);
    const flags = Object.entries(query).flatMap(([key, value]) =>
      value === 'true' ? [`--${key}`] : [`--${key}`, value],
    );
    const { stderr } = await margin([
      'export',
      '--data-dir',
      join(dir.path, 'data'),
      '--format',
      format,
      '--out',
      out,
      ...flags,
    ]);
    expect(stderr.toString()).toContain(`${format}: `);
    const fromCli = readFileSync(out);

    const params = new URLSearchParams({ format });
    for (const [key, value] of Object.entries(query)) params.set(camel(key), value);
    const response = await fetch(`${companion.url}/api/v1/export?${params}`, {
      headers: { authorization: `Bearer ${companion.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      parquet ? PARQUET_CONTENT_TYPE : 'application/jsonl; charset=utf-8',
    );
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="margin-${format}.${parquet ? 'parquet' : 'jsonl'}"`,
    );
    expect(Buffer.from(await response.arrayBuffer()).equals(fromCli)).toBe(true);
    // The fixture's one response with captured reasoning (schema v2) carries it where asked.
    if (query.reasoning === 'field' && !parquet)
      expect(fromCli.toString()).toContain('"thinking":"They want runnable code.');
    if (query.reasoning === 'inline') expect(fromCli.toString()).toContain('<think>\\nThey want runnable code.');

    // The engine in memory, over a store that yields the same order.
    const options = exportOptionsSchema.parse(Object.fromEntries(params));
    const memory = new MemoryStore(annotations, comparisons, conversationRatings);
    const inMemory = await collectExport(
      exportDataset(
        memory.iterateAnnotations({ order: 'conversation' }),
        memory.iterateComparisons(),
        options,
        memory.iterateConversationRatings(),
      ),
    );
    const schema = exportParquetSchema(options);
    if (schema) {
      const chunks: Uint8Array[] = [];
      const rows = new ParquetRows(schema, (bytes) => void chunks.push(bytes));
      for (const line of inMemory.train.lines.split('\n').filter(Boolean)) await rows.add(line);
      await rows.finish();
      expect(Buffer.concat(chunks).equals(fromCli)).toBe(true);
      const file = await readParquetFile(fromCli);
      expect(file.rows.length).toBeGreaterThan(0);
      expect(validateExport(format, file.rows.map((row) => `${JSON.stringify(row)}\n`).join(''))).toEqual([]);
    } else {
      expect(inMemory.train.lines).toBe(fromCli.toString());
      expect(validateExport(format, fromCli.toString())).toEqual([]);
    }

    const sidecar = readFileSync(join(dir.path, `${name}.meta.jsonl`), 'utf8')
      .trim()
      .split('\n');
    const summary = JSON.parse(sidecar[sidecar.length - 1] ?? '').summary;
    expect(summary.examplesWritten).toBe(sidecar.length - 1);
    if (query['conversation-rating'] !== undefined) {
      expect(summary.skipped['conversation-rating-not-selected']).toBeGreaterThan(0);
      const kept = query['conversation-rating'].split(',');
      for (const line of sidecar.slice(0, -1))
        for (const rating of JSON.parse(line).conversation_ratings) expect(kept).toContain(rating.rating);
    }
    const sidecarOverHttp = await fetch(`${companion.url}/api/v1/export?${params}&sidecar=1`, {
      headers: { authorization: `Bearer ${companion.token}` },
    });
    expect(sidecarOverHttp.headers.get('content-type')).toBe('application/jsonl; charset=utf-8');
    expect(await sidecarOverHttp.text()).toBe(`${sidecar.join('\n')}\n`);
  });

  it('streams Parquet to stdout and serves each part of a split', async () => {
    const { stdout } = await margin([
      'export',
      '--data-dir',
      join(dir.path, 'data'),
      '--format',
      'verl-rl',
      '--out',
      '-',
    ]);
    expect(stdout.subarray(0, 4).toString()).toBe('PAR1');
    expect(stdout.equals(readFileSync(join(dir.path, 'verl-rl.parquet')))).toBe(true);
    for (const part of ['train', 'validation']) {
      const response = await fetch(`${companion.url}/api/v1/export?format=verl-rl&split=0.5&part=${part}`, {
        headers: { authorization: `Bearer ${companion.token}` },
      });
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="margin-verl-rl.${part}.parquet"`);
      const file = await readParquetFile(Buffer.from(await response.arrayBuffer()));
      expect(file.rows.every((row) => (row.extra_info as { split: string }).split === part)).toBe(true);
      expect(file.rows.map((row) => (row.extra_info as { index: number }).index)).toEqual(file.rows.map((_, i) => i));
    }
  });

  it('writes the openai-rft grader, and refuses --grader for other formats', async () => {
    const grader = join(dir.path, 'grader.json');
    const { stderr } = await margin([
      'export',
      '--data-dir',
      join(dir.path, 'data'),
      '--format',
      'openai-rft',
      '--out',
      join(dir.path, 'rft.jsonl'),
      '--grader',
      grader,
      '--grader-model',
      'o4-mini-2025-04-16',
    ]);
    expect(stderr.toString()).toContain(`grader (score_model) -> ${grader}`);
    const definition = JSON.parse(readFileSync(grader, 'utf8'));
    expect(definition).toMatchObject({ type: 'score_model', model: 'o4-mini-2025-04-16', range: [0, 1] });
    expect(JSON.stringify(definition.input)).toContain('{{ item.reference_answer }}');
    const refused = await margin([
      'export',
      '--data-dir',
      join(dir.path, 'data'),
      '--format',
      'trl-sft',
      '--grader',
      grader,
    ]).catch((error: { code: number; stderr: Buffer }) => error);
    expect('code' in refused && refused.code).toBe(1);
    expect(refused.stderr.toString()).toContain('--grader writes the grader of an openai-rft export');
  });

  it('rejects bad reasoning options by flag and by field', async () => {
    const bad = await fetch(`${companion.url}/api/v1/export?format=trl-sft&reasoning=maybe`, {
      headers: { authorization: `Bearer ${companion.token}` },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.issues.map((issue: { path: string }) => issue.path)).toEqual(['reasoning']);
    const cli = await margin([
      'export',
      '--format',
      'trl-sft',
      '--reasoning-field',
      'thinking',
      '--data-dir',
      join(dir.path, 'data'),
    ]).catch((error: { code: number; stderr: Buffer }) => error);
    expect(cli.stderr.toString()).toContain('--reasoning-field: reasoningField names the field of reasoning=field');
  });
});
