/**
 * A client pushing as fast as it can, in a process of its own (as a real one would be: in the test's
 * process its writes would wait on the companion's synchronous SQLite work and arrive one by one).
 * Run with `node --import tsx test/support/push-flood.ts` through `startPushFlood`; it pushes from
 * `connections` keep-alive connections, each sending its next batch the moment the last is answered
 * (after a 429 too, 5 ms later: a client that ignores Retry-After), reports every answer to the parent,
 * and on "stop" finishes what is in flight and sends its summary.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { makeAnnotation } from './annotation-factory.ts';
import { repoRoot } from './paths.ts';

export interface PushFloodOptions {
  port: number;
  token: string;
  /** The user the token belongs to (a team user's pushes must name them). */
  annotator: string;
  connections: number;
  batch: number;
  /** Characters in each record's response. */
  responseChars: number;
}

export interface FloodSummary {
  /** Pushes answered 200 with every record accepted. */
  acknowledged: number;
  acknowledgedRecords: number;
  /** 429s by error code. */
  refused: Record<string, number>;
  retryAfter: string[];
  /** The first refusal's body, to check what the client is told. */
  refusalBody?: unknown;
  /** Anything else (status and the start of the body): should stay empty. */
  other: string[];
}

export interface PushFlood {
  /** The summary so far (updated with every answer). */
  readonly progress: FloodSummary;
  /** Stops the flood once what is in flight is answered, and resolves with the final summary. */
  stop(): Promise<FloodSummary>;
}

function emptySummary(): FloodSummary {
  return { acknowledged: 0, acknowledgedRecords: 0, refused: {}, retryAfter: [], other: [] };
}

export function startPushFlood(options: PushFloodOptions): PushFlood {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], {
    cwd: repoRoot,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let progress = emptySummary();
  let resolveFinal: (summary: FloodSummary) => void = () => {};
  const final = new Promise<FloodSummary>((resolve, reject) => {
    resolveFinal = resolve;
    child.once('exit', (code) => reject(new Error(`the push flood exited with ${code} before its summary`)));
  });
  final.catch(() => undefined);
  child.on('message', (message: { kind: 'progress' | 'final'; summary: FloodSummary }) => {
    progress = message.summary;
    if (message.kind === 'final') resolveFinal(message.summary);
  });
  return {
    get progress() {
      return progress;
    },
    stop() {
      child.send('stop');
      return final;
    },
  };
}

function push(
  agent: Agent,
  options: PushFloodOptions,
  body: string,
): Promise<{ status: number; text: string; retryAfter: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: 'POST',
        path: '/api/v1/sync/push',
        agent,
        headers: {
          host: `127.0.0.1:${options.port}`,
          authorization: `Bearer ${options.token}`,
          'content-type': 'application/json',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            retryAfter: String(res.headers['retry-after']),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function flood(options: PushFloodOptions): Promise<void> {
  const summary = emptySummary();
  let stopping = false;
  process.on('message', (message) => {
    if (message === 'stop') stopping = true;
  });
  const report = (kind: 'progress' | 'final') => process.send?.({ kind, summary });
  const loop = async (connection: number) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    while (!stopping) {
      const annotations = Array.from({ length: options.batch }, () =>
        makeAnnotation({
          // The factory's ids count from 1 in every process: the test's own would collide with these.
          id: randomUUID(),
          conversationId: `flood-${connection}`,
          annotator: options.annotator,
          response: 'x'.repeat(options.responseChars),
        }),
      );
      const body = JSON.stringify({ deviceId: `flood-${connection}`, annotations, comparisons: [] });
      const answer = await push(agent, options, body).catch((error: Error) => ({
        status: 0,
        text: error.message,
        retryAfter: '',
      }));
      if (answer.status === 200) {
        const results = (JSON.parse(answer.text) as { annotations: Array<{ status: string }> }).annotations;
        if (results.every((result) => result.status === 'accepted')) {
          summary.acknowledged += 1;
          summary.acknowledgedRecords += annotations.length;
        } else summary.other.push(`200 with a record not accepted: ${answer.text.slice(0, 200)}`);
      } else if (answer.status === 429) {
        const refusal = JSON.parse(answer.text) as { error: { code: string } };
        summary.refusalBody ??= refusal;
        const code = refusal.error.code;
        summary.refused[code] = (summary.refused[code] ?? 0) + 1;
        if (!summary.retryAfter.includes(answer.retryAfter)) summary.retryAfter.push(answer.retryAfter);
      } else summary.other.push(`${answer.status} ${answer.text.slice(0, 200)}`);
      report('progress');
      if (answer.status === 429) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    agent.destroy();
  };
  await Promise.all(Array.from({ length: options.connections }, (_, index) => loop(index)));
  report('final');
  process.disconnect?.();
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send !== undefined) {
  await flood(JSON.parse(process.argv[2] as string) as PushFloodOptions);
}
