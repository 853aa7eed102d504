import type { HttpMethod, QueryValue, RouteCall, RouteContract, RouteParams } from './contract.ts';

type ParamsArgument<C extends RouteContract> = keyof RouteParams<C> extends never
  ? [params?: Record<string, never>]
  : [params: RouteParams<C>];

/**
 * The concrete path of a route: `routePath(API.reviews.get, { id })` is `/api/v1/reviews/<id>`, each
 * parameter encoded. A parameter left out (or empty) throws: a request to `/api/v1/reviews/` would
 * reach another route.
 */
export function routePath<C extends RouteContract>(route: C, ...[params]: ParamsArgument<C>): string {
  return buildPath(route, params);
}

function buildPath(route: RouteContract, params: Record<string, string | undefined> = {}): string {
  const values = params;
  return route.path
    .split('/')
    .map((segment) => {
      if (segment.includes('*') || segment.includes('{')) {
        throw new TypeError(`${route.id}: ${route.path} is a pattern, not a path one can build`);
      }
      if (!segment.startsWith(':')) return segment;
      const name = segment.slice(1);
      const value = values[name];
      if (value === undefined || value === '') throw new TypeError(`${route.id}: the path needs ${name}`);
      return encodeURIComponent(value);
    })
    .join('/');
}

/**
 * `?a=1&b=x,y`, or `''`. Empty values are left out (the schemas read a missing key as "no filter"),
 * and a list is one comma-joined value, which the list filters split again.
 */
export function queryString(query: Record<string, QueryValue> = {}): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    const text = Array.isArray(value) ? value.join(',') : String(value);
    pairs.push(`${formEncode(key)}=${formEncode(text)}`);
  }
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

/** As a form (and `URLSearchParams`) encodes: spaces as `+`. (shared/ runs where the DOM types are not.) */
function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+');
}

/** The path and query of one call: `routeUrl(API.sync.pull, { query: { since: 4 } })`. */
export function routeUrl<C extends RouteContract>(route: C, call: RouteCall<C>): string {
  const { params, query } = call as { params?: Record<string, string>; query?: Record<string, QueryValue> };
  return `${buildPath(route, params)}${queryString(query)}`;
}

/**
 * Whether a request is exactly this route: the same segments (a `:name` takes any one non-empty
 * segment), no trailing slash, and HEAD for a GET route. Stricter than Express's routing on purpose:
 * the token check lets only this through without a token.
 */
export function matchesRoute(route: Pick<RouteContract, 'method' | 'path'>, method: string, path: string): boolean {
  const wanted = method === 'HEAD' ? 'GET' : (method as HttpMethod);
  if (route.method !== wanted) return false;
  const pattern = route.path.split('/');
  const actual = path.split('/');
  if (pattern.length !== actual.length) return false;
  return pattern.every((segment, index) => {
    const part = actual[index] as string;
    return segment.startsWith(':') ? part !== '' : segment === part;
  });
}
