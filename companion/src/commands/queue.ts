import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  DEFAULT_DISAGREEMENT_THRESHOLD,
  type QueueSummary,
  queueCreateSchema,
  queueDisagreementsQuerySchema,
} from '../../../shared/index.ts';
import { OWNER } from '../accounts/caller.ts';
import { QueueService } from '../queues/queue-service.ts';
import { defaultDataDir } from '../support/config.ts';
import { DATABASE_OPTION_HELP, openStore } from '../support/data-dir.ts';
import { HttpError } from '../support/http-error.ts';
import { formatTable } from '../support/text-table.ts';

interface StoreOptions {
  dataDir?: string;
  database?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Which flag sets which field of the queue, so an invalid value is reported under the flag that gave it. */
const FLAG_OF: Record<string, string> = {
  id: '<id>',
  name: '--name',
  description: '--description',
  kind: '--kind',
  overlap: '--overlap',
  order: '--order',
  seed: '--seed',
  leaseSeconds: '--lease',
  'questions.thumb': '--thumb',
  'questions.score': '--score',
  'questions.comment': '--comment',
  'questions.correction': '--correction',
  'questions.rubric': '--rubric',
  'assignees.names': '--assignee',
  'assignees.roles': '--role',
  questions: '--kind',
};

function flagOf(path: readonly PropertyKey[]): string {
  const joined = path.map(String).join('.');
  if (path[0] === 'filter') return `--${String(path[1] ?? 'filter').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  for (let length = path.length; length > 0; length--) {
    const flag = FLAG_OF[path.slice(0, length).map(String).join('.')];
    if (flag) return length === path.length ? flag : `${flag} (${joined})`;
  }
  return joined || 'options';
}

/** The CLI holds the database itself: it acts as the owner (an admin), as `margin user` does. */
async function withQueues(options: StoreOptions, work: (queues: QueueService, where: string) => Promise<void>) {
  const stores = await openStore(options.dataDir ?? defaultDataDir(), options.database);
  try {
    await work(
      new QueueService({ queues: stores.queues, annotations: stores.sync, items: stores.items }),
      stores.location,
    );
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const issues = (error.issues ?? []).map((issue) => `\n  ${issue.path}: ${issue.message}`).join('');
    throw new Error(`${error.message}${issues}`);
  } finally {
    await stores.close();
  }
}

function storeOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'where the database lives (env MARGIN_DATA_DIR)')
    .option('--database <url-or-path>', DATABASE_OPTION_HELP);
}

function countsLine(summary: QueueSummary): string {
  const { counts, queue } = summary;
  return `${counts.completeItems}/${counts.items} items complete (${counts.done}/${counts.items * queue.overlap} answers), ${counts.skipped} skipped, ${counts.inProgress} in progress`;
}

interface CreateFlags extends StoreOptions {
  name?: string;
  description?: string;
  kind?: string;
  overlap?: string;
  blind?: boolean;
  order?: string;
  seed?: string;
  lease?: string;
  thumb?: string;
  score?: string;
  comment?: string;
  correction?: string;
  rubric?: string;
  assignee?: string[];
  role?: string[];
  fill?: boolean;
  from?: string;
  source?: string[];
  site?: string[];
  model?: string[];
  annotator?: string[];
  tag?: string[];
  excludeTag?: string[];
  since?: string;
  until?: string;
  skipPartial?: boolean;
  limit?: string;
  json?: boolean;
}

const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));

function readRubric(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`--rubric: cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    // A rubric as the extension exports it ({ version, questions }) or the questions alone.
    return Array.isArray(parsed) ? parsed : (parsed as { questions?: unknown }).questions;
  } catch (error) {
    throw new Error(`--rubric: ${path} is not JSON: ${(error as Error).message}`);
  }
}

function createInput(id: string, flags: CreateFlags): Record<string, unknown> {
  const defined = (entries: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
  const questions = defined({
    thumb: flags.thumb,
    score: flags.score,
    comment: flags.comment,
    correction: flags.correction,
    rubric: flags.rubric === undefined ? undefined : readRubric(flags.rubric),
  });
  const filter = defined({
    from: flags.from,
    source: flags.source,
    site: flags.site,
    model: flags.model,
    annotator: flags.annotator,
    tag: flags.tag,
    excludeTag: flags.excludeTag,
    since: flags.since,
    until: flags.until,
    skipPartial: flags.skipPartial,
    limit: number(flags.limit),
  });
  return defined({
    id,
    name: flags.name ?? id,
    description: flags.description,
    kind: flags.kind,
    overlap: number(flags.overlap),
    blind: flags.blind,
    order: flags.order,
    seed: number(flags.seed),
    leaseSeconds: number(flags.lease),
    questions: Object.keys(questions).length > 0 ? questions : undefined,
    assignees:
      flags.assignee || flags.role ? defined({ names: flags.assignee ?? [], roles: flags.role ?? [] }) : undefined,
    filter: flags.fill || Object.keys(filter).length > 0 ? filter : undefined,
  });
}

export function registerQueueCommand(program: Command): void {
  const queue = program
    .command('queue')
    .description('Annotation campaigns: queues with overlap, blind review and progress (docs/queues.md).');

  storeOptions(
    queue
      .command('create <id>')
      .description(
        'Create a queue (id: a lowercase slug). Any filter option (or --fill) fills it with the stored responses that match; items can also be sent to POST /api/v1/queues/ID/items.',
      )
      .option('--name <text>', 'what annotators see (default: the id)')
      .option('--description <text>', 'instructions for the annotators (Markdown)')
      .option('--kind <kind>', 'single (one response per item, default) or pairwise (two: A, B or tie)')
      .option('--overlap <n>', 'annotators per item (default 1)')
      .option('--open', 'annotators may see each other’s answers (default: blind)')
      .option('--order <order>', 'oldest (default) or random')
      .option('--seed <n>', 'seed of the random order and of the pairwise side shuffle (default 1)')
      .option('--lease <seconds>', 'how long a served item stays reserved (default 900)')
      .option('--thumb <mode>', 'off, optional or required (default required; off for pairwise)')
      .option('--score <mode>', 'the 0–100 score: off (default), optional or required')
      .option('--comment <mode>', 'off, optional (default) or required')
      .option('--correction <mode>', 'a corrected response: off (default), optional or required')
      .option('--rubric <file.json>', 'rubric questions (a JSON list, or a rubric with "questions")')
      .option('--assignee <name>', 'a user who may work it (repeat)', collect)
      .option('--role <role>', 'a role whose users may work it (repeat; default admin and annotator)', collect)
      .option('--fill', 'fill it from every stored response (no other filter)')
      .option(
        '--from <where>',
        'annotations (rated responses, default) or unrated (imported conversations, logged calls nobody rated yet)',
      )
      .option('--source <sources>', 'only these kinds: capture, review, api, import (default all)', collect)
      .option('--site <site>', 'only these sites', collect)
      .option('--model <model>', 'only responses of these models', collect)
      .option('--annotator <name>', 'only responses rated by these annotators', collect)
      .option('--tag <tag>', 'only responses with one of these tags', collect)
      .option('--exclude-tag <tag>', 'drop responses with any of these tags', collect)
      .option('--since <date>', 'created at or after (2026-11-01 or an ISO date-time)')
      .option('--until <date>', 'created before')
      .option('--skip-partial', 'drop responses whose capture was partial')
      .option('--limit <n>', 'at most this many items')
      .option('--json', 'print the created queue as JSON'),
  ).action((id: string, flags: CreateFlags & { open?: boolean }) =>
    withQueues(flags, async (queues) => {
      const input = createInput(id, { ...flags, ...(flags.open ? { blind: false } : {}) });
      const parsed = queueCreateSchema.safeParse(input);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${flagOf(issue.path)}: ${issue.message}`);
        throw new Error(`invalid queue:\n  ${problems.join('\n  ')}`);
      }
      const created = await queues.create(parsed.data, OWNER.name);
      if (flags.json) return void console.log(JSON.stringify(created));
      const filled = parsed.data.filter
        ? ` with ${created.added} item${created.added === 1 ? '' : 's'} (${created.matched} matching ${parsed.data.filter.from === 'unrated' ? 'unrated responses' : 'annotations'})`
        : ` (empty: send items to POST /api/v1/queues/${created.queue.id}/items)`;
      console.log(`Created queue "${created.queue.id}"${filled}.`);
    }),
  );

  storeOptions(
    queue.command('list').description('List the queues with their progress.').option('--json', 'as JSON'),
  ).action((flags: StoreOptions & { json?: boolean }) =>
    withQueues(flags, async (queues) => {
      const all = await queues.list(OWNER);
      if (flags.json) return void console.log(JSON.stringify(all));
      if (all.length === 0)
        return void console.log('No queues yet. Create one with "margin queue create ID --site …".');
      console.log(
        formatTable(
          ['ID', 'NAME', 'KIND', 'OVERLAP', 'BLIND', 'ITEMS', 'COMPLETE', 'ANSWERS', 'SKIPPED', 'IN PROGRESS'],
          all.map(({ queue: q, counts: c }) => [
            q.id,
            q.name,
            q.kind,
            String(q.overlap),
            q.blind ? 'yes' : 'no',
            String(c.items),
            String(c.completeItems),
            `${c.done}/${c.items * q.overlap}`,
            String(c.skipped),
            String(c.inProgress),
          ]),
        ),
      );
    }),
  );

  storeOptions(
    queue.command('show <id>').description('Show a queue’s settings and counts.').option('--json', 'as JSON'),
  ).action((id: string, flags: StoreOptions & { json?: boolean }) =>
    withQueues(flags, async (queues) => {
      const summary = await queues.summary(id, OWNER);
      if (flags.json) return void console.log(JSON.stringify(summary));
      const q = summary.queue;
      const builtIn = ['thumb', 'score', 'comment', 'correction'] as const;
      const asked = builtIn
        .map((key) => [key, q.questions[key]] as const)
        .filter(([, mode]) => mode !== 'off')
        .map(([key, mode]) => `${key} (${mode})`)
        .concat(q.questions.rubric.map((question) => `rubric:${question.id} (${question.kind})`));
      if (q.kind === 'pairwise') asked.unshift('preference (A, B or tie)');
      const lines = [
        `${q.id}: ${q.name}`,
        `kind ${q.kind}, overlap ${q.overlap}, ${q.blind ? 'blind' : 'open'}, ${q.order} order (seed ${q.seed}), lease ${q.leaseSeconds} s`,
        `questions: ${asked.join(', ') || 'none'}`,
        `who may work it: ${[...q.assignees.names, ...q.assignees.roles.map((role) => `any ${role}`)].join(', ') || 'nobody but the owner'}`,
        `created ${q.createdAt} by ${q.createdBy}`,
        countsLine(summary),
      ];
      console.log(lines.join('\n'));
    }),
  );

  storeOptions(
    queue
      .command('progress <id>')
      .description('Done, skipped, in progress and median seconds per item, for the queue and each annotator.')
      .option('--json', 'as JSON'),
  ).action((id: string, flags: StoreOptions & { json?: boolean }) =>
    withQueues(flags, async (queues) => {
      const progress = await queues.progress(id, OWNER);
      if (flags.json) return void console.log(JSON.stringify(progress));
      const seconds = (value: number | null) => (value === null ? '-' : value.toFixed(1));
      const c = progress.counts;
      console.log(
        `${c.completeItems}/${c.items} items complete; ${c.done}/${progress.target} answers, ${c.skipped} skipped, ${c.inProgress} in progress, median ${seconds(c.medianSeconds)} s per item`,
      );
      if (progress.annotators.length === 0) return void console.log('Nobody has worked it yet.');
      console.log(
        formatTable(
          ['ANNOTATOR', 'DONE', 'SKIPPED', 'IN PROGRESS', 'MEDIAN S'],
          progress.annotators.map((row) => [
            row.name,
            String(row.done),
            String(row.skipped),
            String(row.inProgress),
            seconds(row.medianSeconds),
          ]),
        ),
      );
    }),
  );

  storeOptions(
    queue
      .command('disagreements <id>')
      .description(
        'Items whose completed answers disagree, most disputed first, with every annotator’s answer and the final answer if set (docs/queues.md).',
      )
      .option(
        '--threshold <points>',
        `a score (or rubric number, scaled to 0–100) disagrees when its spread exceeds this (default ${DEFAULT_DISAGREEMENT_THRESHOLD})`,
      )
      .option('--json', 'as JSON'),
  ).action((id: string, flags: StoreOptions & { json?: boolean; threshold?: string }) =>
    withQueues(flags, async (queues) => {
      const parsed = queueDisagreementsQuerySchema.safeParse({ threshold: flags.threshold });
      if (!parsed.success) throw new Error(`--threshold: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      const report = await queues.disagreements(id, parsed.data.threshold, OWNER);
      if (flags.json) return void console.log(JSON.stringify(report));
      console.log(
        `${report.items.length} of ${report.compared} items with two or more answers disagree (threshold ${report.threshold} points).`,
      );
      for (const entry of report.items) {
        const decided = entry.adjudication
          ? `final answer set by ${entry.adjudication.adjudicator} at ${entry.adjudication.decidedAt}`
          : 'no final answer yet';
        console.log(`\n${entry.item.id} (#${entry.item.position}, ${entry.item.key}): ${decided}`);
        for (const question of entry.questions) {
          const spread = question.spread === null ? '' : ` (spread ${question.spread} points)`;
          console.log(`  ${question.question}: ${question.values.map(String).join(', ')}${spread}`);
        }
        for (const answer of entry.answers) {
          const parts = [
            answer.thumb && `thumb ${answer.thumb}`,
            answer.score !== null && `score ${answer.score}`,
            answer.preferred && `preferred ${answer.preferred}`,
            ...Object.entries(answer.rubric).map(([question, value]) => `${question} ${String(value)}`),
            answer.comment && `“${answer.comment}”`,
          ].filter(Boolean);
          console.log(`    ${answer.annotator}: ${parts.join(', ')}`);
        }
      }
    }),
  );
}
