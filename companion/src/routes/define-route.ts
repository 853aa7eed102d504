import {
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  Router,
} from 'express';
import {
  describeIssues,
  ignoredBodySchema,
  type RouteBodyOutput,
  type RouteContract,
  type RouteParams,
  type RouteQueryOutput,
  type RouteReply,
} from '../../../shared/index.ts';
import type { Caller } from '../accounts/caller.ts';
import { checkRole } from '../middleware/auth.ts';
import { HttpError, parseOrThrow } from '../support/http-error.ts';

/** What a handler gets: the query and body parsed with the route's schemas, and the path's parameters. */
export interface RouteInput<C extends RouteContract, P = RouteParams<C>> {
  query: RouteQueryOutput<C>;
  body: RouteBodyOutput<C>;
  params: P;
  req: Request;
  res: Response;
  /** For a route that lets the request go on (the dashboard's files, for a path that is not one). */
  next: NextFunction;
}

/**
 * A JSON route's handler returns the answer (after `res.status(201)` when that is the status), or
 * undefined when it has nothing to send (the caller hung up). A file route writes to `res` itself,
 * asynchronously.
 */
type Reply<C extends RouteContract> = C['response'] extends { kind: 'json' }
  ? RouteReply<C> | undefined | Promise<RouteReply<C> | undefined>
  : Promise<void>;
export type RouteHandler<C extends RouteContract, P = RouteParams<C>> = (input: RouteInput<C, P>) => Reply<C>;

export interface RouteOptions<C extends RouteContract, P> {
  /** Runs first, before anything is parsed: a check of the request itself (a 403 for the wrong origin). */
  guard?: (req: Request) => void;
  /** Checks the path's parameters (throwing a 404 for an id that cannot exist) before the query and body. */
  params?: (raw: RouteParams<C>) => P;
}

interface AnyInput {
  query: unknown;
  body: unknown;
  params: unknown;
  req: Request;
  res: Response;
  next: NextFunction;
}

/** A contract and its handler, ready for `mountRoutes`. */
export interface RouteDefinition {
  readonly route: RouteContract;
  readonly guard?: ((req: Request) => void) | undefined;
  readonly params?: ((raw: Record<string, string>) => unknown) | undefined;
  // A method, so a definition for any one contract fits in a list of all of them.
  handle(input: AnyInput): unknown;
}

export function defineRoute<C extends RouteContract, P = RouteParams<C>>(
  route: C,
  handler: RouteHandler<C, P>,
  options: RouteOptions<C, P> = {},
): RouteDefinition {
  return {
    route,
    guard: options.guard,
    params: options.params as RouteDefinition['params'],
    handle: handler as (input: AnyInput) => unknown,
  };
}

export interface MountOptions {
  /**
   * Parse every JSON answer with its route's response schema (and its status with the route's
   * statuses): a mismatch is a 500, logged. On in tests and development; it costs a parse per answer.
   */
  checkResponses: boolean;
}

type RouterMethod = 'get' | 'post' | 'patch' | 'delete';

/** The handler `mountRoutes` registered for each contract, so a check can tell them from routes mounted by hand. */
const mountedContracts = new WeakMap<object, RouteContract>();

/** The contract an Express route handler was mounted from, if `mountRoutes` mounted it. */
export function contractOf(handler: unknown): RouteContract | undefined {
  return typeof handler === 'function' ? mountedContracts.get(handler) : undefined;
}

/**
 * Mounts each route with its contract's method and path, in the order given. Before the handler:
 * the access check, the guard, the parameters, then the query and body, each with its schema (a 400
 * that names every invalid field, as `parseOrThrow` always answered).
 */
export function mountRoutes(definitions: readonly RouteDefinition[], options: MountOptions): Router {
  const router = Router();
  for (const definition of definitions) {
    const { route } = definition;
    const handler: RequestHandler = async (req, res, next) => {
      authorize(route, res);
      definition.guard?.(req);
      const rawParams = req.params as Record<string, string>;
      const params = definition.params ? definition.params(rawParams) : rawParams;
      const query = route.query ? parseOrThrow(route.query, req.query, route.names?.query ?? 'query') : undefined;
      const body =
        route.body && route.body !== ignoredBodySchema
          ? parseOrThrow(route.body, route.optionalBody ? (req.body ?? {}) : req.body, route.names?.body ?? 'body')
          : undefined;
      const result = await definition.handle({ query, body, params, req, res, next });
      if (route.response.kind !== 'json' || result === undefined) return;
      if (options.checkResponses) checkResponse(route, res.statusCode, result);
      res.json(result);
    };
    mountedContracts.set(handler, route);
    router[route.method.toLowerCase() as RouterMethod](route.path, handler);
  }
  router.use(undecodableParamErrors(definitions));
  return router;
}

/**
 * Express decodes a path's parameters while it looks for the route, and a segment that is not valid
 * percent-encoded UTF-8 (`/api/v1/annotations/%E0%A4%A`) fails there, before any handler, with a bare
 * URIError. The route whose path it is answers a 400 naming the parameter, as for any other invalid
 * input; a router that does not own the path lets the request go on (the dashboard's files, whose
 * pattern takes every path, must not answer for an API path, nor before the token check), so it ends
 * as a 404 when no route owns it.
 */
function undecodableParamErrors(definitions: readonly RouteDefinition[]): ErrorRequestHandler {
  return (error: unknown, req, _res, next) => {
    if (!(error instanceof URIError)) return next(error);
    const names = [...new Set(definitions.flatMap((definition) => undecodableParams(definition.route.path, req.path)))];
    if (names.length === 0) return next();
    const list = names.map((name) => `"${name}"`).join(', ');
    next(
      new HttpError(
        400,
        'invalid_request',
        `The path parameter ${list} is not valid percent-encoding; see issues.`,
        names.map((name) => ({
          path: name,
          message: 'Not valid percent-encoding: each % must start a %XX escape, together spelling UTF-8.',
        })),
      ),
    );
  };
}

/**
 * The parameters of a route path (`/api/v1/reviews/:id`) whose segment of `path` does not decode, when
 * `path` is that route's path but for them; otherwise none. Compared the way Express matches: literal
 * segments ignoring case, one trailing slash allowed. A pattern (`/{*file}`) owns no such path.
 */
export function undecodableParams(routePath: string, path: string): string[] {
  if (/[*{(]/.test(routePath)) return [];
  const pattern = routePath.split('/');
  const actual = path.split('/');
  if (actual.length === pattern.length + 1 && actual.at(-1) === '') actual.pop();
  if (actual.length !== pattern.length) return [];
  const names: string[] = [];
  for (const [index, segment] of pattern.entries()) {
    const part = actual[index] as string;
    if (!segment.startsWith(':')) {
      if (segment.toLowerCase() !== part.toLowerCase()) return [];
    } else if (part === '') {
      return [];
    } else if (!decodes(part)) {
      names.push(segment.slice(1));
    }
  }
  return names;
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/**
 * The token check (middleware/auth.ts) already ran for the whole app and named the caller; this is
 * the route's own rule, so a route never answers a caller its roles leave out, whatever the order
 * of the middleware.
 */
function authorize(route: RouteContract, res: Response): void {
  try {
    checkRole(route, res.locals.token === undefined ? undefined : (res.locals.user as Caller | undefined));
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) res.set('WWW-Authenticate', 'Bearer');
    throw error;
  }
}

function checkResponse(route: RouteContract, status: number, result: unknown): void {
  if (route.response.kind !== 'json') return;
  const statuses = route.response.statuses ?? [200];
  if (!statuses.includes(status)) {
    throw new Error(`${route.id} answered ${status}, which its contract does not list (${statuses.join(', ')})`);
  }
  const parsed = route.response.schema.safeParse(result);
  if (!parsed.success) {
    throw new Error(`${route.id} answered what its contract does not describe: ${describeIssues(parsed.error)}`);
  }
}
