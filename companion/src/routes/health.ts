import { API, PROTOCOL, type ProtocolRange } from '../../../shared/index.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/**
 * The one data-free route without a token: it says the companion is up, its version and the
 * protocols it serves (so an extension can say which side to update), and nothing about its data.
 */
export function healthRoutes(version: string, protocol: ProtocolRange = PROTOCOL): RouteDefinition[] {
  return [defineRoute(API.sync.health, () => ({ ok: true as const, version, protocol }))];
}
