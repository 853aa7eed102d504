import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  type Annotation,
  API,
  importRunSchema,
  nextItemSchema,
  queryString,
  queueItemsAddedSchema,
  type RouteContract,
  reviewCreatedSchema,
  routePath,
  signInCodeResponseSchema,
  type UserRole,
  uploadSchema,
  userTokenResponseSchema,
} from '../../../shared/index.ts';
import { makeAnnotation } from '../../support/annotation-factory.ts';
import { historyFixture } from './history-store.ts';
import { pushBody, type TestServer } from './test-server.ts';

type Api = typeof API;
/** `sync.push`, `reviews.get`, …: the id of every route of the table. */
export type RouteId = {
  [G in keyof Api]: { [R in keyof Api[G]]: Api[G][R] extends { id: infer I } ? I : never }[keyof Api[G]];
}[keyof Api];

/** What exists on the server before the samples run, so a sample can name it. */
export interface RouteFixtures {
  server: TestServer;
  /** Annotations to read, edit and delete (revision 1 each). */
  annotations: { read: Annotation; edit: Annotation; remove: Annotation };
  /** Pending reviews to read, decide and cancel. */
  reviews: { read: string; decide: string; cancel: string };
  /** A logged call. */
  traceId: string;
  /** A finished history import (the ChatGPT fixture export, uploaded in chunks) and one of its items. */
  historyRun: string;
  historyItem: string;
  /** A campaign queue (overlap 50, a thumb asked) and one of its items. */
  queue: string;
  queueItem: string;
}

export interface Sample {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** For a route whose path is a pattern (the dashboard's files): the path to ask for. */
  path?: string;
  /** The statuses a right request gets with the token; `[200]` unless given. */
  expect?: number[];
}

/**
 * For every route of the table, a request that succeeds given a right Host, Origin and token: the
 * boundary matrices (boundary.test.ts, dashboard-api.test.ts) send each of them wrong in every way.
 * A route without one here fails the type check and route-table.test.ts.
 */
export const ROUTE_SAMPLES: Record<RouteId, (fixtures: RouteFixtures) => Sample | Promise<Sample>> = {
  'sync.health': () => ({}),
  'sync.stats': () => ({}),
  'sync.push': () => ({ body: pushBody([makeAnnotation()]) }),
  'sync.pull': () => ({ query: { since: '0', limit: '10' } }),
  'reviews.create': () => ({ body: { title: 'A boundary review', output: 'Fine?' }, expect: [201] }),
  'reviews.list': () => ({ query: { status: 'all' } }),
  'reviews.counts': () => ({}),
  'reviews.get': ({ reviews }) => ({ params: { id: reviews.read }, query: { wait: '0' } }),
  'reviews.decide': ({ reviews }) => ({
    params: { id: reviews.decide },
    body: { decision: 'approve', reviewer: 'ada' },
  }),
  'reviews.cancel': ({ reviews }) => ({ params: { id: reviews.cancel }, body: { reason: 'not needed' } }),
  'feedback.log': () => ({
    body: { trace_id: `boundary-${randomUUID()}`, messages: [{ role: 'user', content: 'Hi' }], response: 'Hello' },
    expect: [201],
  }),
  'feedback.getLog': ({ traceId }) => ({ params: { traceId } }),
  'feedback.feedback': ({ traceId }) => ({
    body: { trace_id: traceId, value: 5, source: `boundary-${randomUUID()}` },
    expect: [201],
  }),
  'annotations.list': () => ({ query: { q: 'reset', sort: 'score' } }),
  'annotations.facets': () => ({}),
  'annotations.insights': () => ({ query: { site: 'chatgpt' } }),
  'annotations.get': ({ annotations }) => ({ params: { id: annotations.read.id } }),
  'annotations.comparisons': ({ annotations }) => ({ params: { id: annotations.read.id } }),
  'annotations.edit': ({ annotations }) => ({
    params: { id: annotations.edit.id },
    body: { baseRevision: 1, comment: 'edited by the matrix' },
  }),
  'annotations.remove': ({ annotations }) => ({ params: { id: annotations.remove.id }, query: { baseRevision: '1' } }),
  'export.download': () => ({ query: { format: 'raw' } }),
  'export.preview': () => ({ query: { format: 'raw', lines: '3' } }),
  'conversationRatings.list': () => ({ query: { key: 'chatgpt:boundary-conversation' } }),
  'conversationRatings.set': () => ({ body: { key: 'chatgpt:boundary-conversation', rating: 'good' } }),
  'agreement.report': () => ({ query: { site: 'chatgpt', models: 'judge-1', resamples: '50' } }),
  'queues.list': () => ({}),
  'queues.create': () => ({ body: { id: `boundary-${randomUUID().slice(0, 8)}`, name: 'Boundary' }, expect: [201] }),
  'queues.get': ({ queue }) => ({ params: { id: queue } }),
  'queues.addItems': ({ queue }) => ({
    params: { id: queue },
    body: { items: [{ messages: [{ role: 'user', content: 'Hi' }], response: `Hello ${randomUUID()}` }] },
  }),
  'queues.items': ({ queue }) => ({ params: { id: queue }, query: { limit: '10' } }),
  'queues.item': ({ queue, queueItem }) => ({ params: { id: queue, itemId: queueItem } }),
  'queues.next': ({ queue }) => ({ params: { id: queue }, body: {} }),
  // Each answer and skip needs an item the caller has not answered yet: a fresh one per request.
  'queues.answer': async ({ server, queue }) => ({
    params: { id: queue, itemId: await freshQueueItem(server, queue) },
    body: { thumb: 'up' },
  }),
  'queues.skip': async ({ server, queue }) => ({
    params: { id: queue, itemId: await freshQueueItem(server, queue) },
    body: { reason: 'not my language' },
  }),
  'queues.progress': ({ queue }) => ({ params: { id: queue } }),
  'queues.answers': ({ queue }) => ({ params: { id: queue } }),
  'queues.disagreements': ({ queue }) => ({ params: { id: queue }, query: { threshold: '10' } }),
  'queues.adjudicate': ({ queue, queueItem }) => ({
    params: { id: queue, itemId: queueItem },
    body: { thumb: 'down', comment: 'final' },
  }),
  'queues.adjudications': ({ queue }) => ({ params: { id: queue } }),
  // The real server serves the built dashboard: 200 once `npm run build:dashboard` ran, 503 (and how to
  // build it) before. Either way without the token and without data; dashboard-api.test.ts builds its own.
  'dashboard.files': () => ({ path: '/', expect: [200, 503] }),
  'dashboard.signInCodes': () => ({ body: {} }),
  'dashboard.signIn': async ({ server }) => {
    const issued = await server.send({
      method: 'POST',
      path: routePath(API.dashboard.signInCodes),
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { code } = signInCodeResponseSchema.parse(issued.json());
    return { body: { code }, headers: { origin: `http://${server.host}` } };
  },
  'dashboard.settings': () => ({}),
  'dashboard.rotateToken': () => ({ body: {} }),
  'dashboard.backup': () => ({}),
  'dashboard.restore': () => ({
    body: { upload: '00000000-0000-4000-8000-00000000abcd', firstLine: 1, lines: [], last: true },
  }),
  'history.createUpload': () => ({ body: { fileName: 'export.zip', size: 1024 }, expect: [201] }),
  'history.appendChunk': async ({ server }) => {
    const upload = await createUpload(server, 'conversations.json', 2);
    return { params: { id: upload.id }, body: { offset: 0, data: Buffer.from('[]').toString('base64') } };
  },
  'history.startImport': async ({ server }) => {
    const upload = await uploadFile(server, 'librechat.json', Buffer.from(JSON.stringify(TINY_LIBRECHAT_EXPORT)));
    return { params: { id: upload.id }, body: { source: 'librechat' }, expect: [202] };
  },
  'history.runs': () => ({}),
  'history.run': ({ historyRun }) => ({ params: { id: historyRun } }),
  'history.next': () => ({ query: { site: 'chatgpt', minTurns: '1', hasCode: 'false' } }),
  'history.facets': () => ({}),
  'history.rate': async ({ server }) => ({
    params: { id: await nextItemId(server) },
    body: { thumb: 'up', tags: ['boundary'] },
    expect: [201],
  }),
  'history.skip': async ({ server }) => ({ params: { id: await nextItemId(server) }, body: {} }),
  'history.unskip': ({ historyItem }) => ({ params: { id: historyItem } }),
  'session.me': () => ({}),
  'users.list': () => ({}),
  'users.add': () => ({ body: { name: uniqueUserName(), role: 'viewer' }, expect: [201] }),
  'users.rotate': async ({ server }) => ({ params: { name: (await addUser(server, 'annotator')).name }, body: {} }),
  'users.revoke': async ({ server }) => ({ params: { name: (await addUser(server, 'viewer')).name }, body: {} }),
  'audit.list': () => ({ query: { limit: '5' } }),
};

/** A user name no other sample has taken. */
export function uniqueUserName(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Adds a user through the API with the server's pairing token (the owner, an admin); answers their token. */
export async function addUser(
  server: TestServer,
  role: UserRole,
  name = uniqueUserName(role),
): Promise<{ name: string; token: string }> {
  const response = await server.send({
    method: 'POST',
    path: routePath(API.users.add),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, role }),
    token: server.token,
  });
  if (response.status !== 201) throw new Error(`adding ${name} failed: ${response.status} ${response.text}`);
  return { name, token: userTokenResponseSchema.parse(response.json()).token };
}

/** A LibreChat export of one short conversation, for import samples. */
const TINY_LIBRECHAT_EXPORT = {
  conversationId: 'b0a1c2d3-0000-4000-8000-00000000cafe',
  messages: [
    {
      messageId: 'tiny-q',
      parentMessageId: '00000000-0000-0000-0000-000000000000',
      text: 'Hi?',
      isCreatedByUser: true,
    },
    { messageId: 'tiny-a', parentMessageId: 'tiny-q', text: 'Hello.', isCreatedByUser: false, model: 'gpt-4o' },
  ],
};

async function json(server: TestServer, method: string, path: string, body?: unknown) {
  const response = await server.send({
    method,
    path,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (response.status >= 300)
    throw new Error(`fixtures: ${method} ${path} answered ${response.status}: ${response.text}`);
  return response.json();
}

async function createUpload(server: TestServer, fileName: string, size: number) {
  return uploadSchema.parse(await json(server, 'POST', routePath(API.history.createUpload), { fileName, size }));
}

/** Uploads a whole file as the dashboard does: announced, then sent in chunks. */
async function uploadFile(server: TestServer, fileName: string, bytes: Buffer) {
  const upload = await createUpload(server, fileName, bytes.length);
  const chunk = 4096;
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    await json(server, 'POST', routePath(API.history.appendChunk, { id: upload.id }), {
      offset,
      data: bytes.subarray(offset, offset + chunk).toString('base64'),
    });
  }
  return upload;
}

async function nextItemId(server: TestServer): Promise<string> {
  const next = nextItemSchema.parse(await json(server, 'GET', routePath(API.history.next)));
  if (!next.item) throw new Error('fixtures: no unrated item left');
  return next.item.id;
}

/** Imports the ChatGPT fixture export through the dashboard's routes and waits for the run to end. */
async function importHistoryFixture(server: TestServer): Promise<{ run: string; item: string }> {
  const upload = await uploadFile(server, 'export.zip', readFileSync(historyFixture('chatgpt', 'export.zip')));
  const started = importRunSchema.parse(
    await json(server, 'POST', routePath(API.history.startImport, { id: upload.id }), { source: 'auto' }),
  );
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const run = importRunSchema.parse(await json(server, 'GET', routePath(API.history.run, { id: started.id })));
    if (run.status !== 'running') {
      if (run.status !== 'done') throw new Error(`fixtures: the history import ended ${run.status}: ${run.error}`);
      return { run: run.id, item: await nextItemId(server) };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('fixtures: the history import did not end within 10 s');
}

/** The routes of a table that have no sample here: a new route must get one before the matrices pass. */
export function routesWithoutSample(routes: readonly RouteContract[]): string[] {
  return routes.filter((route) => !Object.hasOwn(ROUTE_SAMPLES, route.id)).map((route) => route.id);
}

export interface SampleRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The statuses it gets with a right Host, Origin and token. */
  expect: number[];
}

/** The sample of a route as a raw request (headers given by the sample; the caller adds Host and token). */
export async function sampleRequest(route: RouteContract, fixtures: RouteFixtures): Promise<SampleRequest> {
  const make = ROUTE_SAMPLES[route.id as RouteId];
  if (make === undefined)
    throw new Error(`${route.id} has no sample request in test/companion/support/route-samples.ts`);
  const sample = await make(fixtures);
  const path = sample.path ?? routePath(route, sample.params as never);
  const headers: Record<string, string> = { ...sample.headers };
  if (sample.body !== undefined) headers['content-type'] = 'application/json';
  return {
    method: route.method,
    path: `${path}${queryString(sample.query)}`,
    headers,
    ...(sample.body === undefined ? {} : { body: JSON.stringify(sample.body) }),
    expect: sample.expect ?? [200],
  };
}

/** Creates what the samples name: three annotations, three pending reviews, one logged call. */
export async function prepareFixtures(server: TestServer): Promise<RouteFixtures> {
  const annotations = { read: makeAnnotation(), edit: makeAnnotation(), remove: makeAnnotation() };
  const pushed = await server.push(pushBody(Object.values(annotations)));
  if (pushed.status !== 200) throw new Error(`fixtures: push failed: ${pushed.text}`);
  const json = (path: string, body: unknown) =>
    server.send({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const review = async (title: string) => {
    const response = await json(routePath(API.reviews.create), { title });
    return reviewCreatedSchema.parse(response.json()).review.id;
  };
  const reviews = {
    read: await review('read me'),
    decide: await review('decide me'),
    cancel: await review('cancel me'),
  };
  const traceId = `fixture-${randomUUID()}`;
  const logged = await json(routePath(API.feedback.log), { trace_id: traceId, messages: [], response: 'Logged.' });
  if (logged.status !== 201) throw new Error(`fixtures: log failed: ${logged.text}`);
  const imported = await importHistoryFixture(server);
  const queue = `fixture-${randomUUID().slice(0, 8)}`;
  const created = await json(routePath(API.queues.create), { id: queue, name: 'Fixture queue', overlap: 50 });
  if (created.status !== 201) throw new Error(`fixtures: queue failed: ${created.text}`);
  return {
    server,
    annotations,
    reviews,
    traceId,
    historyRun: imported.run,
    historyItem: imported.item,
    queue,
    queueItem: await freshQueueItem(server, queue),
  };
}

/** Adds an item with new content to the queue; its id. */
async function freshQueueItem(server: TestServer, queue: string): Promise<string> {
  const response = await server.send({
    method: 'POST',
    path: routePath(API.queues.addItems, { id: queue }),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ response: `Answer ${randomUUID()}` }] }),
  });
  const added = queueItemsAddedSchema.parse(response.json());
  return added.itemIds[0] as string;
}
