import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFromCampaign } from '../../companion/src/dataset/export-campaign.ts';
import { campaignRecords } from '../../companion/src/queues/queue-campaign.ts';
import { ITEM_PAGE } from '../../companion/src/storage/queue-store.ts';
import type { Stores } from '../../companion/src/storage/stores.ts';
import { collectExport } from '../../shared/export/index.ts';
import {
  API,
  type ExportOptionsInput,
  exportOptionsSchema,
  type Queue,
  type QueueAnswer,
  type QueueCreateInput,
  queueCreateSchema,
  queueItemIdFor,
  routePath,
  shownOrderFor,
} from '../../shared/index.ts';
import { repoRoot } from '../support/paths.ts';
import { STORE_KINDS } from '../support/stores.ts';
import { addUser } from './support/route-samples.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

/**
 * Campaign exports (docs/queues.md, "Exporting a campaign") on both stores: a single queue with
 * overlap 3 and a pairwise queue with overlap 2, known answers and adjudications, exported by the
 * function the CLI and the routes share, by `margin export` and over HTTP.
 */

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute)).toISOString();
const user = (content: string) => ({ role: 'user' as const, content });
const sft = (prompt: string, target: string) =>
  JSON.stringify({ messages: [user(prompt), { role: 'assistant', content: target }] });
const dpo = (prompt: string, chosen: string, rejected: string) =>
  JSON.stringify({
    prompt: [user(prompt)],
    chosen: [{ role: 'assistant', content: chosen }],
    rejected: [{ role: 'assistant', content: rejected }],
  });

function queueOf(input: QueueCreateInput): Queue {
  const { filter: _filter, ...settings } = queueCreateSchema.parse(input);
  return { ...settings, createdAt: at(0), createdBy: 'lead' };
}

const single = queueOf({
  id: 'single',
  name: 'Single',
  overlap: 3,
  questions: { thumb: 'required', score: 'optional', comment: 'optional', correction: 'optional' },
});
const pairs = queueOf({ id: 'pairs', name: 'Pairs', kind: 'pairwise', overlap: 2, seed: 7 });
const itemId = (queue: Queue, key: string) => queueItemIdFor(queue.id, key);

type Given = Partial<Pick<QueueAnswer, 'thumb' | 'score' | 'comment' | 'correction' | 'preferred'>>;

async function seed(stores: Stores): Promise<void> {
  const { queues } = stores;
  await queues.create(single);
  await queues.create(pairs);
  await queues.addItems(
    single,
    ['1', '2', '3', '4', '5'].map((n) => ({
      id: itemId(single, `s${n}`),
      queueId: single.id,
      key: `s${n}`,
      origin: 'api' as const,
      messages: [user(`Q${n}`)],
      response: `R${n}`,
      responses: null,
      model: 'm-1',
      url: null,
      metadata: {},
      createdAt: at(1),
    })),
  );
  await queues.addItems(
    pairs,
    ['1', '2', '3', '4'].map((n) => ({
      id: itemId(pairs, `p${n}`),
      queueId: pairs.id,
      key: `p${n}`,
      origin: 'api' as const,
      messages: [user(`PQ${n}`)],
      response: null,
      responses: [
        { text: `P${n}a`, model: 'model-a' },
        { text: `P${n}b`, model: 'model-b' },
      ] as [{ text: string; model: string }, { text: string; model: string }],
      model: null,
      url: null,
      metadata: {},
      createdAt: at(1),
    })),
  );
  let minute = 10;
  const answer = async (queue: Queue, key: string, annotator: string, given: Given) => {
    const id = itemId(queue, key);
    const shownOrder = queue.kind === 'pairwise' ? shownOrderFor(queue.seed, id, annotator) : null;
    // The side the annotator clicked, as they saw the sides: A is whichever response was shown first.
    const preference =
      given.preferred === undefined || shownOrder === null
        ? null
        : given.preferred === 'tie'
          ? 'tie'
          : shownOrder[0] === (given.preferred === 'first' ? 0 : 1)
            ? 'A'
            : 'B';
    const result = await queues.record(
      queue,
      {
        queueId: queue.id,
        itemId: id,
        annotator,
        status: 'done',
        thumb: given.thumb ?? null,
        score: given.score ?? null,
        comment: given.comment ?? '',
        correction: given.correction ?? null,
        rubric: {},
        preference,
        shownOrder,
        preferred: given.preferred ?? null,
        reason: null,
        answeredAt: at(minute++),
      },
      new Date(at(minute)),
    );
    expect(result.ok).toBe(true);
  };
  await answer(single, 's1', 'ada', { thumb: 'up', score: 90, comment: 'clear' });
  await answer(single, 's1', 'bob', { thumb: 'up', score: 80 });
  await answer(single, 's1', 'cy', { thumb: 'down', score: 30, comment: 'too short' });
  for (const who of ['ada', 'bob', 'cy']) await answer(single, 's2', who, { thumb: 'up', score: 90 });
  await answer(single, 's3', 'ada', { thumb: 'up' });
  await answer(single, 's3', 'bob', { thumb: 'down' });
  await answer(single, 's4', 'ada', { thumb: 'down', score: 20, correction: 'R4 better' });
  await answer(single, 's4', 'bob', { thumb: 'down', score: 10, correction: 'R4  better' });
  await answer(single, 's4', 'cy', { thumb: 'up', score: 75 });
  // s5: nobody answered. A skip is not an answer.
  const skipped = await queues.record(
    single,
    {
      queueId: single.id,
      itemId: itemId(single, 's5'),
      annotator: 'ada',
      status: 'skipped',
      thumb: null,
      score: null,
      comment: '',
      correction: null,
      rubric: {},
      preference: null,
      shownOrder: null,
      preferred: null,
      reason: 'not English',
      answeredAt: at(40),
    },
    new Date(at(40)),
  );
  expect(skipped.ok).toBe(true);
  await queues.adjudicate({
    queueId: single.id,
    itemId: itemId(single, 's3'),
    thumb: 'down',
    score: null,
    comment: 'wrong year',
    correction: 'R3 fixed',
    rubric: {},
    preferred: null,
    adjudicator: 'lead',
    decidedAt: at(50),
  });

  for (const who of ['ada', 'bob']) await answer(pairs, 'p1', who, { preferred: 'first' });
  for (const who of ['ada', 'bob']) await answer(pairs, 'p2', who, { preferred: 'second' });
  await answer(pairs, 'p3', 'ada', { preferred: 'first' });
  await answer(pairs, 'p3', 'bob', { preferred: 'second' });
  for (const who of ['ada', 'bob']) await answer(pairs, 'p4', who, { preferred: 'tie' });
  await queues.adjudicate({
    queueId: pairs.id,
    itemId: itemId(pairs, 'p3'),
    thumb: null,
    score: null,
    comment: '',
    correction: null,
    rubric: {},
    preferred: 'second',
    adjudicator: 'lead',
    decidedAt: at(51),
  });
}

const run = promisify(execFile);
async function margin(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repoRoot, 'bin', 'margin.js'), ...args], {
      cwd: repoRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const linesOf = (text: string) => text.split('\n').filter((line) => line !== '');

describe.each(STORE_KINDS)('campaign exports (%s)', (kind) => {
  let server: TestServer;
  let stores: Stores;
  let annotator: { name: string; token: string };
  let viewer: { name: string; token: string };

  beforeAll(async () => {
    server = await startTestServer({ store: kind });
    stores = await server.database.open();
    await seed(stores);
    annotator = await addUser(server, 'annotator', 'ann');
    viewer = await addUser(server, 'viewer', 'vera');
  }, 180_000);
  afterAll(async () => {
    await stores?.close();
    await server?.close();
  });

  async function exported(input: Omit<ExportOptionsInput, 'queue'> & { queue: string }, users = [] as never[]) {
    const options = exportOptionsSchema.parse(input);
    const run = exportFromCampaign(await campaignRecords(stores.queues, input.queue), options, users);
    const files = await collectExport(run);
    return {
      lines: linesOf(files.train.lines),
      meta: linesOf(files.train.meta).map((line) => JSON.parse(line) as Record<string, unknown>),
      summary: run.summary(),
    };
  }

  it('reads a queue’s items a page at a time, in insertion order', async () => {
    const many = queueOf({ id: 'many', name: 'Many' });
    await stores.queues.create(many);
    const keys = Array.from({ length: ITEM_PAGE * 2 + 50 }, (_, n) => `k${n}`);
    await stores.queues.addItems(
      many,
      keys.map((key) => ({
        id: itemId(many, key),
        queueId: many.id,
        key,
        origin: 'api' as const,
        messages: [user(key)],
        response: key,
        responses: null,
        model: null,
        url: null,
        metadata: {},
        createdAt: at(1),
      })),
    );
    const read: string[] = [];
    for await (const item of stores.queues.iterateItems(many.id)) read.push(item.key);
    expect(read).toEqual(keys);
  });

  it('openai-sft from a single queue: one line per item under each aggregate, one per answer under all', async () => {
    const adjudicated = await exported({ format: 'openai-sft', queue: 'single' });
    expect(adjudicated.lines).toEqual([
      sft('Q1', 'R1'),
      sft('Q2', 'R2'),
      sft('Q3', 'R3 fixed'),
      sft('Q4', 'R4 better'),
    ]);
    expect(adjudicated.summary.skipped).toEqual({ 'no-answers': 1 });
    expect(adjudicated.summary.campaign).toEqual({
      queue: 'single',
      kind: 'single',
      aggregate: 'adjudicated',
      minAgreement: null,
      answers: 11,
      adjudications: 1,
    });

    const majority = await exported({ format: 'openai-sft', queue: 'single', aggregate: 'majority' });
    expect(majority.lines).toEqual([sft('Q1', 'R1'), sft('Q2', 'R2'), sft('Q4', 'R4 better')]);
    expect(majority.summary.skipped).toEqual({ 'no-majority': 1, 'no-answers': 1 });

    const all = await exported({ format: 'openai-sft', queue: 'single', aggregate: 'all' });
    // Each answer as given: bob's correction differs from ada's by a space, so it is a line of its own.
    expect(all.lines).toEqual([
      sft('Q1', 'R1'),
      sft('Q2', 'R2'),
      sft('Q3', 'R3'),
      sft('Q4', 'R4 better'),
      sft('Q4', 'R4  better'),
      sft('Q4', 'R4'),
    ]);
    // Two annotators approving one response write the same line: dedup keeps one (--no-dedup keeps both).
    expect(all.summary.skipped).toEqual({ duplicate: 3, 'rated-bad': 2, 'no-answers': 1 });
    const undeduped = await exported({ format: 'openai-sft', queue: 'single', aggregate: 'all', dedup: false });
    expect(undeduped.lines).toHaveLength(9);

    // `annotator` narrows the answers that count: ada and cy alone split on s1 and s4.
    const two = await exported({
      format: 'openai-sft',
      queue: 'single',
      aggregate: 'majority',
      annotator: ['ada', 'cy', 'zed'],
    });
    expect(two.lines).toEqual([sft('Q2', 'R2'), sft('Q3', 'R3')]);
    expect(two.summary.skipped).toEqual({ 'no-majority': 2, 'no-answers': 1 });
    expect(two.summary.warnings).toEqual(['annotator "zed" has no answer in queue "single"']);
  });

  it('raw lines carry the aggregated score: the median under majority, the mean under mean', async () => {
    const scores = async (aggregate: 'majority' | 'mean' | 'all') =>
      (await exported({ format: 'raw', queue: 'single', aggregate })).lines.map((line) => {
        const record = JSON.parse(line) as { response: string; score: number | null; annotator: string };
        return `${record.response}:${record.annotator}:${record.score}`;
      });
    expect(await scores('majority')).toEqual(['R1:majority:80', 'R2:majority:90', 'R4:majority:20']);
    expect(await scores('mean')).toEqual(['R1:mean:67', 'R2:mean:90', 'R4:mean:35']);
    expect(await scores('all')).toHaveLength(11);
  });

  it('--min-agreement skips items whose annotators agree less, but keeps adjudicated items under adjudicated', async () => {
    // Item agreements (the lowest question's share of α): s1 −0.310, s2 1, s3 −0.964, s4 −0.310.
    const strict = await exported({ format: 'openai-sft', queue: 'single', aggregate: 'majority', minAgreement: 0 });
    expect(strict.lines).toEqual([sft('Q2', 'R2')]);
    expect(strict.summary.skipped).toEqual({ 'below-min-agreement': 3, 'no-answers': 1 });
    const loose = await exported({ format: 'openai-sft', queue: 'single', aggregate: 'majority', minAgreement: -0.5 });
    expect(loose.lines).toEqual([sft('Q1', 'R1'), sft('Q2', 'R2'), sft('Q4', 'R4 better')]);
    expect(loose.summary.skipped).toEqual({ 'below-min-agreement': 1, 'no-answers': 1 });
    const settled = await exported({ format: 'openai-sft', queue: 'single', minAgreement: 0 });
    expect(settled.lines).toEqual([sft('Q2', 'R2'), sft('Q3', 'R3 fixed')]);
    expect(settled.summary.skipped).toEqual({ 'below-min-agreement': 2, 'no-answers': 1 });
    const overlapOne = await exported({ format: 'openai-sft', queue: 'pairs', minAgreement: 0 }).catch(
      (error: Error) => error.message,
    );
    expect(overlapOne).toContain('queue "pairs" is pairwise');
  });

  it('trl-dpo from a pairwise queue: chosen is the preferred response, whatever side it was shown on', async () => {
    const adjudicated = await exported({ format: 'trl-dpo', queue: 'pairs' });
    expect(adjudicated.lines).toEqual([dpo('PQ1', 'P1a', 'P1b'), dpo('PQ2', 'P2b', 'P2a'), dpo('PQ3', 'P3b', 'P3a')]);
    expect(adjudicated.summary.skipped).toEqual({ 'comparison-tie': 1 });
    expect(adjudicated.summary.pairs).toBe(3);

    const majority = await exported({ format: 'trl-dpo', queue: 'pairs', aggregate: 'majority' });
    expect(majority.lines).toEqual([dpo('PQ1', 'P1a', 'P1b'), dpo('PQ2', 'P2b', 'P2a')]);
    expect(majority.summary.skipped).toEqual({ 'no-majority': 1, 'comparison-tie': 1 });

    const all = await exported({ format: 'trl-dpo', queue: 'pairs', aggregate: 'all' });
    expect(all.lines).toEqual([
      dpo('PQ1', 'P1a', 'P1b'),
      dpo('PQ2', 'P2b', 'P2a'),
      dpo('PQ3', 'P3a', 'P3b'),
      dpo('PQ3', 'P3b', 'P3a'),
    ]);
    expect(all.summary.skipped).toEqual({ duplicate: 2, 'comparison-tie': 2 });

    // p3's annotators split (first vs second): its agreement is 1 − 1/0.75 = −0.333.
    const agreed = await exported({ format: 'trl-dpo', queue: 'pairs', aggregate: 'majority', minAgreement: 0.5 });
    expect(agreed.lines).toEqual([dpo('PQ1', 'P1a', 'P1b'), dpo('PQ2', 'P2b', 'P2a')]);
    expect(agreed.summary.skipped).toEqual({ 'below-min-agreement': 1, 'comparison-tie': 1 });

    // A single queue's pairs come from corrections: the corrected text is chosen over the response.
    const corrected = await exported({ format: 'trl-dpo', queue: 'single' });
    expect(corrected.lines).toEqual([dpo('Q3', 'R3 fixed', 'R3'), dpo('Q4', 'R4 better', 'R4')]);
  });

  it('the sidecar lists every answer behind a line, its agreement and the adjudication', async () => {
    const { meta } = await exported({ format: 'openai-sft', queue: 'single' }, [
      { name: 'cy', kind: 'model' },
    ] as never[]);
    expect(meta[0]).toMatchObject({
      line: 1,
      basis: 'thumb-up',
      annotators: ['ada', 'bob', 'cy'],
      campaign: {
        queue: 'single',
        item_id: itemId(single, 's1'),
        item_key: 's1',
        aggregate: 'adjudicated',
        decided_by: 'majority',
        agreement: -0.31,
        adjudication: null,
      },
    });
    const s1 = meta[0]?.campaign as { answers: unknown[] };
    expect(s1.answers).toEqual([
      {
        annotator: 'ada',
        kind: 'human',
        status: 'done',
        thumb: 'up',
        score: 90,
        preference: null,
        shown_order: null,
        preferred: null,
        comment: 'clear',
        correction: null,
        rubric: {},
        answered_at: at(10),
      },
      expect.objectContaining({ annotator: 'bob', thumb: 'up', score: 80 }),
      expect.objectContaining({ annotator: 'cy', kind: 'model', thumb: 'down', score: 30, comment: 'too short' }),
    ]);
    expect(meta[2]).toMatchObject({
      basis: 'correction',
      annotators: ['ada', 'bob'],
      campaign: {
        decided_by: 'adjudication',
        agreement: -0.964,
        adjudication: { adjudicator: 'lead', thumb: 'down', correction: 'R3 fixed', comment: 'wrong year' },
      },
    });

    const pairwise = await exported({ format: 'trl-dpo', queue: 'pairs', aggregate: 'all' });
    const p3 = itemId(pairs, 'p3');
    const lines = pairwise.meta.filter((entry) => (entry.campaign as { item_id: string }).item_id === p3);
    expect(lines.map((entry) => [entry.annotators, (entry.campaign as { answer_of: string }).answer_of])).toEqual([
      [['ada'], 'ada'],
      [['bob'], 'bob'],
    ]);
    const answers = (lines[0]?.campaign as { answers: Array<Record<string, unknown>> } | undefined)?.answers ?? [];
    expect(answers).toHaveLength(2);
    for (const entry of answers) {
      const shown = shownOrderFor(pairs.seed, p3, entry.annotator as string);
      // A is the response shown first: the preference as shown and as preferred name the same response.
      const side = entry.preferred === 'first' ? 0 : 1;
      expect(entry).toMatchObject({ shown_order: shown, preference: shown[0] === side ? 'A' : 'B' });
    }
    expect(answers.map((entry) => entry.preferred)).toEqual(['first', 'second']);
  });

  it('over HTTP: the export and its preview take queue, aggregate and minAgreement; annotators may not run them', async () => {
    const get = (query: string, token?: string) =>
      server.send({ method: 'GET', path: `${routePath(API.export.download)}?${query}`, ...(token ? { token } : {}) });
    const download = await get('format=trl-dpo&queue=pairs');
    expect(download.status, download.text).toBe(200);
    expect(linesOf(download.text)).toEqual([
      dpo('PQ1', 'P1a', 'P1b'),
      dpo('PQ2', 'P2b', 'P2a'),
      dpo('PQ3', 'P3b', 'P3a'),
    ]);
    const sidecar = linesOf(
      (await get('format=trl-dpo&queue=pairs&aggregate=majority&minAgreement=0.5&sidecar=1', viewer.token)).text,
    );
    expect(sidecar).toHaveLength(3);
    expect(JSON.parse(sidecar[2] ?? '{}').summary).toMatchObject({
      pairs: 2,
      skipped: { 'below-min-agreement': 1, 'comparison-tie': 1 },
      campaign: { queue: 'pairs', aggregate: 'majority', minAgreement: 0.5 },
    });

    const preview = await server.send({
      method: 'GET',
      path: `${routePath(API.export.preview)}?format=openai-sft&queue=single&aggregate=majority&lines=2`,
    });
    expect(preview.status, preview.text).toBe(200);
    const body = preview.json() as { lines: string[]; summary: { examplesWritten: number; skipped: object } };
    expect(body.lines).toEqual([sft('Q1', 'R1'), sft('Q2', 'R2')]);
    expect(body.summary).toMatchObject({ examplesWritten: 3, skipped: { 'no-majority': 1, 'no-answers': 1 } });

    // A blind queue's answers stay with admins and viewers: annotators cannot export at all.
    expect((await get('format=trl-dpo&queue=pairs', annotator.token)).status).toBe(403);

    const refused = async (query: string, status: number, text: string) => {
      const response = await get(query);
      expect(response.status, response.text).toBe(status);
      expect(response.text).toContain(text);
    };
    await refused('format=trl-dpo&aggregate=majority', 400, 'give queue');
    await refused('format=trl-dpo&minAgreement=0.5', 400, 'give queue');
    await refused('format=trl-dpo&queue=pairs&minAgreement=2', 400, 'must be from -1 to 1');
    await refused('format=trl-dpo&queue=pairs&aggregate=vote', 400, 'must be majority, mean, adjudicated, all');
    await refused('format=trl-dpo&queue=pairs&source=api', 400, 'leave out source');
    await refused('format=trl-dpo&queue=pairs&tag=x', 400, 'queue items carry no tags');
    await refused('format=openai-sft&queue=pairs', 400, 'is pairwise');
    await refused('format=trl-dpo&queue=nope', 404, 'There is no queue \\"nope\\"');
  });

  it('margin export --queue writes the same lines, and names the flag behind each mistake', async () => {
    const cli = await margin([
      'export',
      '--database',
      server.database.option,
      '--format',
      'openai-sft',
      '--queue',
      'single',
      '--aggregate',
      'majority',
      '--min-agreement',
      '-0.5',
      '--out',
      '-',
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(linesOf(cli.stdout)).toEqual([sft('Q1', 'R1'), sft('Q2', 'R2'), sft('Q4', 'R4 better')]);
    expect(cli.stderr).toContain('below-min-agreement');

    const bad = await margin([
      'export',
      '--database',
      server.database.option,
      '--format',
      'trl-dpo',
      '--min-agreement',
      '0.5',
      '--source',
      'api',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--min-agreement: minAgreement skips a queue’s items');
    const wrong = await margin([
      'export',
      '--database',
      server.database.option,
      '--format',
      'trl-dpo',
      '--queue',
      'pairs',
      '--source',
      'api',
    ]);
    expect(wrong.stderr).toContain('--source: a queue export reads the queue’s items');
    const missing = await margin([
      'export',
      '--database',
      server.database.option,
      '--format',
      'trl-dpo',
      '--queue',
      'nope',
      '--out',
      '-',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no queue "nope"');
  }, 120_000);
});
