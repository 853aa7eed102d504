import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreementFromStore } from '../../companion/src/agreement/agreement-from-store.ts';
import {
  type AgreementReport,
  agreementOptionsSchema,
  agreementReportSchema,
  krippendorffAlpha,
  type QuestionAgreement,
  unitsFromMatrix,
} from '../../shared/agreement/index.ts';
import type { Annotation } from '../../shared/index.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { type CompanionProcess, startCompanion } from '../support/companion.ts';
import { repoRoot } from '../support/paths.ts';
import { createDatabase, STORE_KINDS, type TestDatabase } from '../support/stores.ts';
import { makeTempDir } from '../support/temp-dir.ts';

const run = promisify(execFile);
const margin = async (args: string[]) => {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repoRoot, 'bin', 'margin.js'), ...args], {
      cwd: repoRoot,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
};

/** Krippendorff (2011)'s reliability data: observers A–D, twelve responses, blanks as null. */
const MATRIX: Record<string, (number | null)[]> = {
  A: [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  B: [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  C: [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  D: [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
};
const WORDS = ['one', 'two', 'three', 'four', 'five'];

/**
 * The paper's values carried by real annotations, one per observer and response: the score (×20),
 * a rubric number `quality` and a rubric choice `grade` (the value as a word), a thumb (up from 3),
 * the tag "excellent" on 5s. Around them: a lone rating, a deleted one, and another site.
 */
function fixture(): Annotation[] {
  const annotations: Annotation[] = [];
  for (const [annotator, row] of Object.entries(MATRIX)) {
    row.forEach((value, unit) => {
      if (value === null) return;
      annotations.push(
        makeAnnotation({
          conversationId: 'conv-agreement',
          messageId: `m-${unit + 1}`,
          annotator,
          score: value * 20,
          thumb: value >= 3 ? 'up' : 'down',
          tags: value === 5 ? ['excellent'] : [],
          rubric: { version: 1, answers: { quality: value, grade: WORDS[value - 1] ?? '' } },
        }),
      );
    });
  }
  annotations.push(makeAnnotation({ conversationId: 'conv-lone', messageId: 'm-1', annotator: 'E', score: 10 }));
  annotations.push(
    makeAnnotation({
      conversationId: 'conv-agreement',
      messageId: 'm-12',
      annotator: 'E',
      score: 100,
      deletedAt: '2026-11-02T00:00:00.000Z',
    }),
  );
  for (const annotator of ['A', 'B'])
    annotations.push(makeAnnotation({ site: 'claude', conversationId: 'c-claude', messageId: 'm-1', annotator }));
  return annotations;
}

const question = (report: AgreementReport, id: string): QuestionAgreement => {
  const found = report.questions.find((q) => q.id === id);
  if (!found) throw new Error(`no question ${id} in ${report.questions.map((q) => q.id).join(', ')}`);
  return found;
};
const alphaOf = (report: AgreementReport, id: string, scope = 'all') =>
  question(report, id).figures.find((figure) => figure.scope === scope)?.alpha ?? null;
const three = (value: number | null) => (value === null ? null : Number(value.toFixed(3)));

describe.each(STORE_KINDS)('margin agreement over the store (%s)', (kind) => {
  let database: TestDatabase;
  let dir: { path: string; remove: () => Promise<void> };
  let companion: CompanionProcess;

  beforeAll(async () => {
    database = await createDatabase(kind, 'agreement');
    const stores = await database.open();
    await stores.sync.applyChanges({
      deviceId: 'test',
      receivedAt: '2026-11-03T00:00:00.000Z',
      annotations: fixture(),
      comparisons: [],
    });
    await stores.close();
    dir = await makeTempDir('agreement');
    companion = await startCompanion({ dataDir: join(dir.path, 'data'), database: database.option });
  }, 60_000);
  afterAll(async () => {
    await companion?.stop();
    await database?.remove();
    await dir?.remove();
  });

  const report = async (input: Record<string, unknown>) => {
    const stores = await database.open();
    try {
      return await agreementFromStore(stores.sync, agreementOptionsSchema.parse({ resamples: 200, ...input }));
    } finally {
      await stores.close();
    }
  };

  it("reproduces Krippendorff (2011)'s four α from stored annotations, at the levels they are declared", async () => {
    const inferred = await report({ site: 'chatgpt' });
    expect(three(alphaOf(inferred, 'rubric:grade'))).toBe(0.743); // words: nominal
    expect(three(alphaOf(inferred, 'rubric:quality'))).toBe(0.849); // numbers: interval
    expect(three(alphaOf(inferred, 'score'))).toBe(0.849); // ×20 changes nothing at the interval level
    const declared = await report({
      site: 'chatgpt',
      level: ['quality=ordinal', 'score=ratio', 'grade=ordinal:one<two<three<four<five'],
    });
    expect(three(alphaOf(declared, 'rubric:quality'))).toBe(0.815);
    expect(three(alphaOf(declared, 'score'))).toBe(0.797);
    expect(three(alphaOf(declared, 'rubric:grade'))).toBe(0.815);
    expect(question(declared, 'rubric:quality').declared).toBe(true);
  });

  it('counts units, annotators, pairs and rater counts as the data has them', async () => {
    const result = await report({ site: 'chatgpt' });
    // Responses 1–11 have two or more raters; 12 has B alone (E's rating there is deleted); E's lone one is no unit.
    expect(result.responses).toBe(11);
    expect(result.annotationsRead).toBe(42); // the paper's 41 values and E's lone rating
    expect(result.annotators.map((a) => [a.name, a.responses])).toEqual([
      ['A', 9],
      ['B', 10],
      ['C', 10],
      ['D', 11],
      ['E', 0],
    ]);
    const grade = question(result, 'rubric:grade');
    const all = grade.figures[0];
    expect(all).toMatchObject({ scope: 'all', units: 11, annotators: 4, values: 40, fleissConstantRaters: false });
    // A and B both rated responses 1–9 and agree on 8: κ worked by hand = 0.845 (p_o = 8/9, p_e = 23/81).
    const ab = grade.pairs.find((pair) => pair.a === 'A' && pair.b === 'B');
    expect(ab).toMatchObject({ units: 9, kind: 'human-human' });
    expect(three(ab?.cohenKappa ?? null)).toBe(0.845);
    expect(ab?.percentAgreement).toBeCloseTo(8 / 9, 12);
    expect(question(result, 'score').pairs).toEqual([]); // interval: no κ
    expect(question(result, 'tag:excellent').level).toBe('nominal');
    expect(all?.alphaInterval?.low).toBeLessThan(all?.alpha ?? 0);
    expect(all?.alphaInterval?.high).toBeGreaterThanOrEqual(all?.alpha ?? 0);
  });

  it('reports models apart: humans only, and each model against each human', async () => {
    const result = await report({ site: 'chatgpt', models: 'D' });
    expect(result.annotators.find((a) => a.name === 'D')?.kind).toBe('model');
    const humans = unitsFromMatrix([MATRIX.A ?? [], MATRIX.B ?? [], MATRIX.C ?? []]);
    expect(alphaOf(result, 'rubric:quality', 'human')).toBeCloseTo(
      krippendorffAlpha(humans, { level: 'interval' }).alpha ?? Number.NaN,
      12,
    );
    // Machine vs human: one two-value unit per (D, human) pair on each response.
    const crossed = (MATRIX.D ?? []).flatMap((model, unit) =>
      model === null
        ? []
        : ['A', 'B', 'C'].flatMap((human) => {
            const value = MATRIX[human]?.[unit] ?? null;
            return value === null ? [] : [[model, value]];
          }),
    );
    expect(alphaOf(result, 'rubric:quality', 'machine-vs-human')).toBeCloseTo(
      krippendorffAlpha(crossed, { level: 'interval' }).alpha ?? Number.NaN,
      12,
    );
    expect(question(result, 'rubric:grade').pairs.filter((pair) => pair.kind === 'machine-human')).toHaveLength(3);
  });

  it('prints a table per question and pairwise κ; --json is the report the route answers', async () => {
    const text = await margin(['agreement', '--database', database.option, '--site', 'chatgpt', '--resamples', '200']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/rubric:grade\s+nominal\s+all\s+11\s+4\s+0\.743\s+\[\d\.\d{3}, \d\.\d{3}\]/);
    expect(text.stdout).toMatch(/rubric:grade\s+A\s+B\s+human-human\s+9\s+0\.845\s+88\.9%/);
    expect(text.stdout).toContain('Agreement over 11 responses rated by two or more annotators (42 annotations read).');

    const args = ['--site', 'chatgpt', '--models', 'D', '--level', 'quality=ordinal', '--seed', '7'];
    const json = await margin(['agreement', '--database', database.option, '--json', ...args]);
    expect(json.code).toBe(0);
    const fromCli = agreementReportSchema.parse(JSON.parse(json.stdout));
    expect(three(alphaOf(fromCli, 'rubric:quality'))).toBe(0.815);
    const response = await fetch(
      `${companion.url}/api/v1/agreement?site=chatgpt&models=D&level=quality%3Dordinal&seed=7`,
      {
        headers: { authorization: `Bearer ${companion.token}` },
      },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(json.stdout));
  }, 60_000);

  it('says clearly when fewer than two annotators overlap', async () => {
    const lone = await margin(['agreement', '--database', database.option, '--annotator', 'E']);
    expect(lone.stdout).toContain('by one annotator: agreement needs two or more annotators');
    const none = await margin(['agreement', '--database', database.option, '--since', '2027-01-01']);
    expect(none.stdout).toContain('No annotation matches these filters, so there is nothing to compare.');
    const apart = await report({ annotator: 'A,E' });
    expect(apart.responses).toBe(0);
    expect(apart.questions).toEqual([]);
    expect(apart.message).toBe(
      '2 annotators rated 11 responses, but no response was rated by two or more of them: agreement needs overlap (the same response rated by several people).',
    );
  }, 60_000);

  it('answers --queue and bad options with what is wrong', async () => {
    const queue = await margin(['agreement', '--database', database.option, '--queue', 'q1']);
    expect(queue.code).toBe(1);
    expect(queue.stderr).toContain('there is no queue "q1"');
    expect(agreementOptionsSchema.safeParse({ level: 'quality=fuzzy' }).error?.issues[0]?.message).toContain(
      '"quality=fuzzy" is not QUESTION=LEVEL',
    );
    await expect(report({ level: 'grade=interval' })).rejects.toThrow(
      'rubric:grade: the interval level compares numbers, but "one" is not one (declared with --level grade=…)',
    );
    const http = await fetch(`${companion.url}/api/v1/agreement?queue=q1`, {
      headers: { authorization: `Bearer ${companion.token}` },
    });
    expect(http.status).toBe(404);
    expect(JSON.stringify(await http.json())).toContain('There is no queue \\"q1\\"');
  }, 60_000);

  // Last in this block: it adds a user, and a user of kind model changes every later report.
  it('counts a user of kind model as a model without --models, in the CLI and the route', async () => {
    const added = await margin([
      'user',
      'add',
      'D',
      '--role',
      'annotator',
      '--kind',
      'model',
      '--database',
      database.option,
    ]);
    expect(added.code).toBe(0);
    const json = await margin([
      'agreement',
      '--database',
      database.option,
      '--json',
      '--site',
      'chatgpt',
      '--seed',
      '7',
    ]);
    expect(json.code).toBe(0);
    const fromCli = agreementReportSchema.parse(JSON.parse(json.stdout));
    expect(fromCli.annotators.find((a) => a.name === 'D')?.kind).toBe('model');
    expect(fromCli.annotators.filter((a) => a.kind === 'model').map((a) => a.name)).toEqual(['D']);
    // The same report as naming D with --models.
    const named = await margin([
      'agreement',
      '--database',
      database.option,
      '--json',
      '--site',
      'chatgpt',
      '--seed',
      '7',
      '--models',
      'D',
    ]);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(named.stdout));
    expect(question(fromCli, 'rubric:grade').pairs.filter((pair) => pair.kind === 'machine-human')).toHaveLength(3);
    const response = await fetch(`${companion.url}/api/v1/agreement?site=chatgpt&seed=7`, {
      headers: { authorization: `Bearer ${companion.token}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(json.stdout));
  }, 60_000);
});
