import {
  API,
  type ApiIssue,
  apiErrorSchema,
  isPublicRoute,
  type JsonRoute,
  type MeResponse,
  PROTOCOL,
  PROTOCOL_HEADER,
  parseRouteResult,
  type RouteCall,
  type RouteResult,
  routeUrl,
  type StatsResponse,
  type SyncPullResponse,
  type SyncPushRequest,
  type SyncPushResponse,
  UNSUPPORTED_PROTOCOL_CODE,
} from '../../../shared/index.ts';
import { retryAfterMs } from './backoff.ts';

/**
 * Why a request to the companion did not give a usable answer. Each kind calls for a different
 * reaction: retry later (`unreachable`, `server-error`), wait (`rate-limited`), ask the person for a
 * new token (`unauthorized`), check the URL (`not-margin`: something answered, but not Margin), or
 * update one side (`incompatible`: the companion does not serve this extension's protocol; its message
 * says which side).
 */
export type CompanionErrorKind =
  | 'unreachable'
  | 'unauthorized'
  | 'incompatible'
  | 'rate-limited'
  | 'server-error'
  | 'invalid-response'
  | 'not-margin'
  | 'refused';

export class CompanionError extends Error {
  override name = 'CompanionError';
  constructor(
    readonly kind: CompanionErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; code?: string; issues?: ApiIssue[] } = {},
  ) {
    super(message);
  }
}

/**
 * Requests stay well under the 30 s after which Chrome stops a service worker waiting on a fetch; a
 * batch is a few MB at most, so this is plenty for a companion on the same machine.
 */
export const REQUEST_TIMEOUT_MS = 20_000;

export interface CompanionEndpoint {
  url: string;
  token: string;
}

/** A call of a route of the table (shared/api), with how long to wait for it. */
export type RequestOptions<C extends JsonRoute> = RouteCall<C> & { timeoutMs?: number };

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Where `margin serve` listens unless told otherwise. */
export const DEFAULT_COMPANION_URL = 'http://127.0.0.1:8787';

/** Loopback names the extension has host permission for (wxt.config.ts). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** Whether `url` (an origin from normalizeCompanionUrl) is the companion on this machine, which needs no permission request. */
export function isLoopbackCompanion(url: string): boolean {
  return LOOPBACK_HOSTS.has(new URL(url).hostname);
}

/**
 * Checks a companion URL typed by a person and returns its origin (`http://127.0.0.1:8787`), or an
 * error message saying what is wrong with it. The companion on this machine answers over plain http;
 * a team server on another machine only over https (docs/team.md), since the token and every
 * annotation cross the network.
 */
export function normalizeCompanionUrl(raw: string): { ok: true; url: string } | { ok: false; error: string } {
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    return {
      ok: false,
      error: 'Companion URL: not a URL (e.g. http://127.0.0.1:8787, or https://margin.example.org for a team server).',
    };
  }
  if (parsed.protocol === 'http:' && !LOOPBACK_HOSTS.has(parsed.hostname)) {
    return {
      ok: false,
      error: `Companion URL: a server on another machine must use https:// (https://${parsed.host}); plain http:// is only for the companion on this machine (127.0.0.1 or localhost).`,
    };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, error: 'Companion URL: must start with http:// (this machine) or https:// (a team server).' };
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash || parsed.pathname !== '/') {
    return {
      ok: false,
      error: `Companion URL: give only scheme, host and port (e.g. ${parsed.origin}).`,
    };
  }
  return { ok: true, url: parsed.origin };
}

/**
 * One call of a route to the companion: token header (unless the route is public), timeout, error
 * classification, and the answer parsed with the route's response schema before it is trusted.
 */
export async function companionRequest<C extends JsonRoute>(
  endpoint: CompanionEndpoint,
  route: C,
  options: RequestOptions<C>,
  fetchImpl: FetchLike = (input, init) => fetch(input, init),
): Promise<RouteResult<C>> {
  const url = new URL(routeUrl(route, options), endpoint.url);
  // The protocol goes with every request, so a companion that cannot serve it says so (and which side
  // to update) instead of failing later on a shape it does not know.
  const headers: Record<string, string> = { Accept: 'application/json', [PROTOCOL_HEADER]: String(PROTOCOL.current) };
  if (!isPublicRoute(route)) headers.Authorization = `Bearer ${endpoint.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetchImpl(url.href, {
      method: route.method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? REQUEST_TIMEOUT_MS),
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
    });
  } catch (error) {
    const timedOut = (error as { name?: string } | null)?.name === 'TimeoutError';
    throw new CompanionError(
      'unreachable',
      timedOut
        ? `no answer from ${endpoint.url} within ${(options.timeoutMs ?? REQUEST_TIMEOUT_MS) / 1000} s`
        : `cannot reach ${endpoint.url}`,
    );
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) throw errorFor(response, body);
  const parsed = parseRouteResult(route, body);
  if (!parsed.success) {
    throw new CompanionError(
      'invalid-response',
      `unexpected answer from ${url.pathname}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      {
        status: response.status,
      },
    );
  }
  return parsed.data;
}

function errorFor(response: Response, body: unknown): CompanionError {
  const apiError = apiErrorSchema.safeParse(body);
  const status = response.status;
  if (!apiError.success) {
    // Margin always answers errors in its own shape: anything else is another server on that port.
    if (status >= 500) return new CompanionError('server-error', `the companion failed (HTTP ${status})`, { status });
    return new CompanionError('not-margin', `HTTP ${status} without a Margin error body: is this a Margin companion?`, {
      status,
    });
  }
  const { code, message, issues } = apiError.data.error;
  if (status === 401) return new CompanionError('unauthorized', message, { status, code });
  if (code === UNSUPPORTED_PROTOCOL_CODE) return new CompanionError('incompatible', message, { status, code });
  if (status === 429) {
    return new CompanionError('rate-limited', message, {
      status,
      code,
      retryAfterMs: retryAfterMs(response.headers.get('Retry-After'), Date.now()),
    });
  }
  if (status >= 500) return new CompanionError('server-error', message, { status, code });
  return new CompanionError('refused', message, { status, code, ...(issues ? { issues } : {}) });
}

/**
 * A companion from before conversation ratings validates the pull query and the push strictly and names
 * the key it does not know: a 400 whose issues mention `conversationRatings`.
 */
function refusesConversationRatings(error: unknown): boolean {
  if (!(error instanceof CompanionError) || error.kind !== 'refused' || error.details.status !== 400) return false;
  return `${error.message} ${JSON.stringify(error.details.issues ?? [])}`.includes('conversationRatings');
}

/** The sync routes (docs/sync-protocol.md), each answer checked with its shared schema. */
export function createCompanionClient(endpoint: CompanionEndpoint, fetchImpl?: FetchLike) {
  let ratingsRefused = false;
  return {
    endpoint,
    async push(request: SyncPushRequest): Promise<SyncPushResponse> {
      try {
        return await companionRequest(endpoint, API.sync.push, { body: request }, fetchImpl);
      } catch (error) {
        if (request.conversationRatings === undefined || !refusesConversationRatings(error)) throw error;
        throw new CompanionError(
          'incompatible',
          'This companion is older than conversation ratings, so it refused them (they stay in this browser): update the companion to sync them.',
          { code: UNSUPPORTED_PROTOCOL_CODE },
        );
      }
    },
    async pull(since: number, limit: number): Promise<SyncPullResponse> {
      const query = { since, limit };
      if (ratingsRefused) return companionRequest(endpoint, API.sync.pull, { query }, fetchImpl);
      try {
        return await companionRequest(
          endpoint,
          API.sync.pull,
          { query: { ...query, conversationRatings: 'include' } },
          fetchImpl,
        );
      } catch (error) {
        if (!refusesConversationRatings(error)) throw error;
        // A companion from before conversation ratings knows the rest of the pull: sync that, without them.
        ratingsRefused = true;
        return companionRequest(endpoint, API.sync.pull, { query }, fetchImpl);
      }
    },
    stats(): Promise<StatsResponse> {
      return companionRequest(endpoint, API.sync.stats, {}, fetchImpl);
    },
    health() {
      return companionRequest(endpoint, API.sync.health, {}, fetchImpl);
    },
    /** Who the token belongs to, and whether this is a team server (`GET /api/v1/me`). */
    me(): Promise<MeResponse> {
      return companionRequest(endpoint, API.session.me, {}, fetchImpl);
    },
  };
}
export type CompanionClient = ReturnType<typeof createCompanionClient>;

export type ConnectionTest =
  | {
      ok: true;
      version: string;
      stats: StatsResponse;
      /** Who the token signs in as; null from a companion older than accounts (it has no /me). */
      me: MeResponse | null;
    }
  | {
      ok: false;
      kind: 'invalid-url' | 'unreachable' | 'token-rejected' | 'not-margin' | 'incompatible' | 'error';
      message: string;
    };

/**
 * "Test connection" on the options page: is something listening, is it a Margin companion (its health
 * route answers in Margin's shape), does it take this token (stats needs it), and whom does the token
 * sign in as (a team server's personal token names its user)?
 */
export async function testConnection(rawUrl: string, token: string, fetchImpl?: FetchLike): Promise<ConnectionTest> {
  const normalized = normalizeCompanionUrl(rawUrl);
  if (!normalized.ok) return { ok: false, kind: 'invalid-url', message: normalized.error };
  const client = createCompanionClient({ url: normalized.url, token: token.trim() }, fetchImpl);
  let version: string;
  try {
    ({ version } = await client.health());
  } catch (error) {
    if (!(error instanceof CompanionError)) throw error;
    if (error.kind === 'unreachable') {
      return {
        ok: false,
        kind: 'unreachable',
        message: `Unreachable: nothing answers at ${normalized.url}. Is \`npx margin serve\` running?`,
      };
    }
    if (error.kind === 'incompatible') return { ok: false, kind: 'incompatible', message: error.message };
    return {
      ok: false,
      kind: 'not-margin',
      message: `Not a Margin companion: ${normalized.url} answered, but not as Margin does (${error.message}).`,
    };
  }
  if (token.trim() === '') {
    return {
      ok: false,
      kind: 'token-rejected',
      message: 'Token rejected: paste the token that `npx margin token` prints.',
    };
  }
  try {
    const stats = await client.stats();
    return { ok: true, version, stats, me: await signedInAs(client) };
  } catch (error) {
    if (!(error instanceof CompanionError)) throw error;
    if (error.kind === 'unauthorized') {
      return {
        ok: false,
        kind: 'token-rejected',
        message:
          'Token rejected (HTTP 401): the companion does not know this token. For your own companion, run `npx margin token` and paste it again; for a team server, ask its admin for your personal token (`margin user add` or `margin user rotate`).',
      };
    }
    if (error.kind === 'unreachable')
      return { ok: false, kind: 'unreachable', message: `Unreachable: ${error.message}.` };
    if (error.kind === 'invalid-response' || error.kind === 'not-margin') {
      return { ok: false, kind: 'not-margin', message: `Not a Margin companion: ${error.message}.` };
    }
    return { ok: false, kind: 'error', message: `The companion answered with an error: ${error.message}.` };
  }
}

/** `GET /api/v1/me`, or null when the companion predates accounts (a 404: it serves one person). */
async function signedInAs(client: CompanionClient): Promise<MeResponse | null> {
  try {
    return await client.me();
  } catch (error) {
    if (error instanceof CompanionError && error.kind === 'refused' && error.details.status === 404) return null;
    throw error;
  }
}
