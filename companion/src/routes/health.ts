import { API } from '../../../shared/index.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** The one data-free route without a token: it says the companion is up and nothing about its data. */
export function healthRoutes(version: string): RouteDefinition[] {
  return [defineRoute(API.sync.health, () => ({ ok: true as const, version }))];
}
