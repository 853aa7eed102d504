import { z } from 'zod';
import type { UserRole } from '../account.ts';

/**
 * What a route of the companion is, in one place: its method and path, the schemas of its query,
 * body and answer, and who may call it. The companion mounts its routes from these contracts
 * (companion/src/routes/define-route.ts) and every client calls them through the same contracts, so
 * a path or a shape cannot drift between the two sides.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: anyone (a route that holds no data: health, the dashboard's files, the
 * sign-in exchange), or a caller whose token is one of a user with one of `roles`. On a personal
 * server the pairing token is the user `owner`, an admin, so every route is open to it.
 */
export type RouteAccess = { readonly kind: 'public' } | { readonly kind: 'roles'; readonly roles: readonly UserRole[] };
export const PUBLIC_ACCESS = { kind: 'public' } as const satisfies RouteAccess;
/** Reading what is shared with everyone signed in (counts, reviews to answer, who am I). */
export const ANY_ROLE = { kind: 'roles', roles: ['admin', 'annotator', 'viewer'] } as const satisfies RouteAccess;
/** Reading the whole store: the dashboard's table, insights, exports. An annotator sees only their own work. */
export const READER_ROLES = { kind: 'roles', roles: ['admin', 'viewer'] } as const satisfies RouteAccess;
/** Writing annotations and answers (each annotator only their own; an admin anyone's). */
export const ANNOTATOR_ROLES = { kind: 'roles', roles: ['admin', 'annotator'] } as const satisfies RouteAccess;
/** Users, backup and restore, imports: the server's keeper. */
export const ADMIN_ONLY = { kind: 'roles', roles: ['admin'] } as const satisfies RouteAccess;

/** A JSON answer, described by its schema; `statuses` lists the success codes when 200 is not the only one. */
export interface JsonResponse<S extends z.ZodType = z.ZodType> {
  readonly kind: 'json';
  readonly schema: S;
  readonly statuses?: readonly number[];
}

/** Anything but one JSON value (a streamed file, a download, the dashboard's own files): its type, in words. */
export interface FileResponse {
  readonly kind: 'file';
  readonly contentType: string;
  readonly description: string;
  /** Other types the route answers with, and when (the export's Parquet formats). */
  readonly alternatives?: readonly { readonly contentType: string; readonly when: string }[];
}

export function jsonResponse<S extends z.ZodType>(schema: S, statuses?: readonly number[]): JsonResponse<S> {
  return statuses ? { kind: 'json', schema, statuses } : { kind: 'json', schema };
}

export function fileResponse(
  contentType: string,
  description: string,
  alternatives?: FileResponse['alternatives'],
): FileResponse {
  return alternatives
    ? { kind: 'file', contentType, description, alternatives }
    : { kind: 'file', contentType, description };
}

/**
 * One route. `path` uses Express's syntax (`/api/v1/reviews/:id`); `query` and `body` are what the
 * companion parses the request with (a 400 with field paths otherwise), `response` what it answers.
 */
export interface RouteContract {
  /** `group.name`, e.g. `sync.push`: how tests and error messages name the route. */
  readonly id: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: RouteAccess;
  /** One line for people: what the route is for. */
  readonly summary: string;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** A request without a body is read as `{}` (the body's fields all have defaults, or the handler says what is missing). */
  readonly optionalBody?: boolean;
  /** What a 400 calls the query or body ("The push is invalid; see issues."); `query` and `body` by default. */
  readonly names?: { readonly query?: string; readonly body?: string };
  readonly response: JsonResponse | FileResponse;
}

/** Declares a contract, keeping its literal path and its schemas' types for the helpers below. */
export function routeContract<const C extends RouteContract>(contract: C): C {
  return contract;
}

/** The body of a POST that reads none: clients send `{}`, and whatever comes is ignored. */
export const ignoredBodySchema = z.unknown();

export function isPublicRoute(route: Pick<RouteContract, 'access'>): boolean {
  return route.access.kind === 'public';
}

/** Whether a caller with `role` may call `route` (a public route: anyone). */
export function routeAllows(route: Pick<RouteContract, 'access'>, role: UserRole): boolean {
  return route.access.kind === 'public' || route.access.roles.includes(role);
}

export function isJsonRoute(route: RouteContract): route is JsonRoute {
  return route.response.kind === 'json';
}

// ---- Types derived from a contract, for the clients and the companion's handlers.

type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** `{ id: string }` for `/api/v1/reviews/:id`; `{}` for a path without parameters. */
export type RouteParams<C extends { path: string }> = { [K in ParamNames<C['path']>]: string };

export type QueryValue = string | number | boolean | undefined | null | readonly string[];
/** The query a client may send: the schema's keys, each a value that goes into the query string. */
export type RouteQuery<C> = C extends { query: infer Q extends z.ZodType }
  ? { [K in keyof z.input<Q>]?: QueryValue }
  : never;
export type RouteQueryOutput<C> = C extends { query: infer Q extends z.ZodType } ? z.output<Q> : undefined;
export type RouteBody<C> = C extends { body: infer B extends z.ZodType } ? z.input<B> : never;
export type RouteBodyOutput<C> = C extends { body: infer B extends z.ZodType } ? z.output<B> : undefined;
/** What a JSON route answers, as a client sees it after parsing. */
export type RouteResult<C extends JsonRoute> = z.output<C['response']['schema']>;
/** What a JSON route's handler may answer: anything its schema accepts. */
export type RouteReply<C> = C extends { response: JsonResponse<infer S> } ? z.input<S> : never;

/**
 * One call of a route, as a client makes it: the path's parameters (when it has any), the query
 * (when the route reads one) and the body (when it reads one).
 */
export type RouteCall<C extends RouteContract> = (keyof RouteParams<C> extends never
  ? { params?: undefined }
  : { params: RouteParams<C> }) &
  (C extends { query: z.ZodType } ? { query?: RouteQuery<C> } : { query?: undefined }) &
  (C extends { body: z.ZodType } ? { body: RouteBody<C> } : { body?: undefined });

/** A route that answers JSON, so a client can parse what it answers. */
export type JsonRoute = RouteContract & { readonly response: JsonResponse };

/** Parses what a JSON route answered with its response schema: how every client reads an answer. */
export function parseRouteResult<C extends JsonRoute>(route: C, body: unknown): z.ZodSafeParseResult<RouteResult<C>> {
  const schema: C['response']['schema'] = route.response.schema;
  return schema.safeParse(body);
}
