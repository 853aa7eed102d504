import {
  healthResponseSchema,
  statsResponseSchema,
  syncPullQuerySchema,
  syncPullResponseSchema,
  syncPushRequestSchema,
  syncPushResponseSchema,
} from '../sync.ts';
import { ANNOTATOR_ROLES, ANY_ROLE, jsonResponse, PUBLIC_ACCESS, routeContract } from './contract.ts';

/** Sync between the extension (or any client) and the companion: docs/sync-protocol.md. */
export const SYNC_API = {
  health: routeContract({
    id: 'sync.health',
    method: 'GET',
    path: '/api/v1/health',
    access: PUBLIC_ACCESS,
    summary: 'Says a Margin companion is there, and its version; nothing about its data.',
    response: jsonResponse(healthResponseSchema),
  }),
  stats: routeContract({
    id: 'sync.stats',
    method: 'GET',
    path: '/api/v1/stats',
    access: ANY_ROLE,
    summary: 'Counts for the extension’s "Test connection" and the dashboard.',
    response: jsonResponse(statsResponseSchema),
  }),
  push: routeContract({
    id: 'sync.push',
    method: 'POST',
    path: '/api/v1/sync/push',
    access: ANNOTATOR_ROLES,
    summary: 'Stores a batch of annotations and comparisons, each checked on its own.',
    body: syncPushRequestSchema,
    names: { body: 'push' },
    response: jsonResponse(syncPushResponseSchema),
  }),
  pull: routeContract({
    id: 'sync.pull',
    method: 'GET',
    path: '/api/v1/sync/pull',
    access: ANNOTATOR_ROLES,
    summary: 'Changes after a checkpoint, in sequence order.',
    query: syncPullQuerySchema,
    response: jsonResponse(syncPullResponseSchema),
  }),
} as const;
