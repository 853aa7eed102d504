import {
  auditQuerySchema,
  auditResponseSchema,
  createUserRequestSchema,
  meResponseSchema,
  userListResponseSchema,
  userResponseSchema,
  userTokenResponseSchema,
} from '../account.ts';
import { ADMIN_ONLY, ANY_ROLE, ignoredBodySchema, jsonResponse, routeContract } from './contract.ts';

/** Who the caller is (docs/accounts.md). */
export const SESSION_API = {
  me: routeContract({
    id: 'session.me',
    method: 'GET',
    path: '/api/v1/me',
    access: ANY_ROLE,
    summary: 'Who the token belongs to (name, role, kind) and what server this is (team or personal).',
    response: jsonResponse(meResponseSchema),
  }),
} as const;

/** A team server's users, for admins: the same as `margin user …`. */
export const USERS_API = {
  list: routeContract({
    id: 'users.list',
    method: 'GET',
    path: '/api/v1/users',
    access: ADMIN_ONLY,
    summary: 'Every user, revoked ones included.',
    response: jsonResponse(userListResponseSchema),
  }),
  add: routeContract({
    id: 'users.add',
    method: 'POST',
    path: '/api/v1/users',
    access: ADMIN_ONLY,
    summary: 'Adds a user and answers their personal token, this once (only its hash is kept).',
    body: createUserRequestSchema,
    names: { body: 'new user' },
    response: jsonResponse(userTokenResponseSchema, [201]),
  }),
  rotate: routeContract({
    id: 'users.rotate',
    method: 'POST',
    path: '/api/v1/users/:name/rotate',
    access: ADMIN_ONLY,
    summary: 'Gives a user a new token, answered once; every token they had stops working.',
    body: ignoredBodySchema,
    response: jsonResponse(userTokenResponseSchema),
  }),
  revoke: routeContract({
    id: 'users.revoke',
    method: 'POST',
    path: '/api/v1/users/:name/revoke',
    access: ADMIN_ONLY,
    summary: 'Revokes a user: their tokens stop working at once; their annotations stay.',
    body: ignoredBodySchema,
    response: jsonResponse(userResponseSchema),
  }),
} as const;

/** The audit log, for admins: the same as `margin audit`. */
export const AUDIT_API = {
  list: routeContract({
    id: 'audit.list',
    method: 'GET',
    path: '/api/v1/audit',
    access: ADMIN_ONLY,
    summary: 'Who created, edited, deleted, decided, exported and managed users, newest first.',
    query: auditQuerySchema,
    response: jsonResponse(auditResponseSchema),
  }),
} as const;
