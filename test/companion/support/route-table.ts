import type { Express } from 'express';
import { contractOf } from '../../../companion/src/routes/define-route.ts';
import type { RouteContract } from '../../../shared/index.ts';

/** A route as Express holds it: its method (upper case) and full path. */
export interface MountedRoute {
  method: string;
  path: string;
  /** The contract it was mounted from by `mountRoutes`, or undefined for a route mounted by hand. */
  contract: RouteContract | undefined;
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> };
  handle?: { stack?: Layer[] };
  slash?: boolean;
  rawPath?: unknown;
}

/** Every route of an app, nested routers included, by walking Express's router stack. */
export function mountedRoutes(app: Express): MountedRoute[] {
  const walk = (stack: readonly Layer[], prefix: string): MountedRoute[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        const contract = layer.route.stack.map((inner) => contractOf(inner.handle)).find(Boolean);
        return Object.keys(layer.route.methods).map((method) => ({
          method: method === '_all' ? '*' : method.toUpperCase(),
          path: `${prefix}${String(layer.route?.path)}`,
          contract,
        }));
      }
      const nested = layer.handle?.stack;
      if (!Array.isArray(nested)) return [];
      return walk(nested, layer.slash ? prefix : `${prefix}${String(layer.rawPath ?? '')}`);
    });
  return walk((app.router as unknown as { stack: Layer[] }).stack, '');
}

export interface RouteTableReport {
  /** Mounted, but not a route of the table. */
  unlisted: string[];
  /** A path of the table, mounted by hand instead of from its contract (so nothing parses its input). */
  bypassed: string[];
  /** In the table, but not mounted. */
  unmounted: string[];
  /** In the table without what it must declare. */
  incomplete: string[];
}

const key = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

/** What a contract lacks: a JSON route its response schema, a route that takes a body its body schema. */
export function contractProblems(route: RouteContract): string[] {
  const problems: string[] = [];
  const isSchema = (value: unknown) => typeof (value as { safeParse?: unknown } | undefined)?.safeParse === 'function';
  if (route.response.kind === 'json' && !isSchema(route.response.schema)) problems.push('no response schema');
  if (route.response.kind === 'file' && !route.response.contentType) problems.push('no content type');
  if (route.response.kind !== 'json' && route.response.kind !== 'file') problems.push('no response description');
  if ((route.method === 'POST' || route.method === 'PATCH') && !isSchema(route.body)) problems.push('no body schema');
  if (route.query !== undefined && !isSchema(route.query)) problems.push('a query that is not a schema');
  const access = route.access as RouteContract['access'] | undefined;
  if (access?.kind !== 'public' && !(access?.kind === 'roles' && access.roles.length > 0)) problems.push('no access');
  return problems.map((problem) => `${key(route)} (${route.id}): ${problem}`);
}

/**
 * Compares what an app mounts with the route table: every mounted route must be a contract of the
 * table mounted from that contract, every contract must be mounted, and every contract complete.
 */
export function checkRouteTable(app: Express, table: readonly RouteContract[]): RouteTableReport {
  const mounted = mountedRoutes(app);
  const listed = new Map(table.map((route) => [key(route), route]));
  const mountedKeys = new Set(mounted.map(key));
  return {
    unlisted: mounted.filter((route) => !listed.has(key(route))).map(key),
    bypassed: mounted.filter((route) => listed.has(key(route)) && route.contract !== listed.get(key(route))).map(key),
    unmounted: table.filter((route) => !mountedKeys.has(key(route))).map(key),
    incomplete: table.flatMap(contractProblems),
  };
}
