import { API } from '../../../shared/index.ts';
import type { SyncStore } from '../storage/store.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** Counts for the extension's "Test connection" and the dashboard; needs the token like every data route. */
export function statsRoutes(store: SyncStore): RouteDefinition[] {
  return [defineRoute(API.sync.stats, () => store.stats())];
}
