import {
  type JsonRoute,
  parseRouteResult,
  type QueryValue,
  type RouteCall,
  type RouteContract,
  type RouteResult,
  routeUrl,
} from '../../../shared/api/index.ts';
import { type ApiIssue, apiErrorSchema } from '../../../shared/api-error.ts';
import { signOut, storedToken } from './auth.ts';
import { issueText } from './field-labels.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ApiIssue[] = [],
  ) {
    super(message);
  }

  /** The message with each field problem, worded with the fields' labels, for showing to a person. */
  describe(): string {
    if (this.issues.length === 0) return this.message;
    // "…; see issues." points at a list a person does not see: the list follows instead.
    const lead = this.message.replace(/[;,.]?\s*see (the )?issues\.?$/i, '');
    return `${lead}: ${this.issues.map(issueText).join('; ')}.`.replace(/\.\.$/, '.');
  }
}

/** A query as the pages build it from their own address; the route's schema checks it on the companion. */
export type Query = Record<string, QueryValue>;

/** Calls a route of the table (shared/api) with the token. A 401 signs out (the token was rotated or is wrong). */
export async function request<C extends RouteContract>(
  route: C,
  call: RouteCall<C>,
  signal?: AbortSignal,
): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${storedToken() ?? ''}` };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(routeUrl(route, call), {
    method: route.method,
    headers,
    body: call.body === undefined ? null : JSON.stringify(call.body),
    signal: signal ?? null,
  });
  if (response.ok) return response;
  const body = apiErrorSchema.safeParse(await response.json().catch(() => null));
  const error = new ApiError(
    response.status,
    body.success ? body.data.error.code : 'http_error',
    body.success ? body.data.error.message : `The companion answered ${response.status}.`,
    body.success ? body.data.error.issues : undefined,
  );
  if (response.status === 401) signOut();
  throw error;
}

/** Calls a JSON route and parses its answer with the route's response schema. */
export async function api<C extends JsonRoute>(
  route: C,
  call: RouteCall<C>,
  signal?: AbortSignal,
): Promise<RouteResult<C>> {
  const response = await request(route, call, signal);
  const parsed = parseRouteResult(route, await response.json());
  if (!parsed.success) {
    throw new ApiError(
      response.status,
      'invalid_response',
      `The companion's answer to ${route.id} is not what it should be.`,
    );
  }
  return parsed.data;
}

/** Downloads a file from an authenticated route (a plain link could not send the token). */
export async function download<C extends RouteContract>(
  route: C,
  call: RouteCall<C>,
  fallbackName: string,
): Promise<number> {
  const response = await request(route, call);
  const disposition = response.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return blob.size;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  return error instanceof Error ? error.message : String(error);
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
