import { z } from 'zod';
import { isoDateTimeSchema } from './fields.ts';
import { protocolRangeSchema } from './protocol.ts';

/**
 * Who may do what on a companion (docs/accounts.md). A viewer reads the dashboard and exports; an
 * annotator syncs, edits and deletes their own annotations, answers reviews and rates items; an
 * admin does everything, including users, anyone's deletes, backup and restore.
 */
export const ROLES = ['admin', 'annotator', 'viewer'] as const;
export const userRoleSchema = z.enum(ROLES);
export type UserRole = z.infer<typeof userRoleSchema>;

/** A person, or a model (a pipeline that pushes annotations or asks for reviews under its own name). */
export const userKindSchema = z.enum(['human', 'model']);
export type UserKind = z.infer<typeof userKindSchema>;

/**
 * A user's name is also the `annotator` of everything they push, so it fits an annotator name; it is
 * kept to letters, digits and `. _ @ -` so it reads the same in a table, a URL and a shell.
 */
export const userNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'letters, digits and . _ @ - only, starting with a letter or digit');

/** The user a personal server's pairing token stands for: the one person who runs it. */
export const OWNER_NAME = 'owner';

export const userSchema = z.strictObject({
  name: userNameSchema,
  role: userRoleSchema,
  kind: userKindSchema,
  createdAt: isoDateTimeSchema,
  revokedAt: isoDateTimeSchema.nullable(),
});
export type User = z.infer<typeof userSchema>;

/** Who is calling, as the companion knows them from their token. */
export const identitySchema = z.strictObject({
  name: z.string(),
  role: userRoleSchema,
  kind: userKindSchema,
});
export type Identity = z.infer<typeof identitySchema>;

export const meResponseSchema = z.strictObject({
  user: identitySchema,
  server: z.strictObject({
    /** True when the server has named users (a team server), false on a personal one. */
    team: z.boolean(),
    version: z.string(),
    protocol: protocolRangeSchema,
  }),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

export const createUserRequestSchema = z.strictObject({
  name: userNameSchema,
  role: userRoleSchema,
  kind: userKindSchema.default('human'),
});
export type CreateUserRequest = z.input<typeof createUserRequestSchema>;

/** A user with their personal token: answered once, when the token is made; only its hash is kept. */
export const userTokenResponseSchema = z.strictObject({ user: userSchema, token: z.string() });
export type UserTokenResponse = z.infer<typeof userTokenResponseSchema>;

/** A user as the admins' list shows them: with when the audit log last recorded something they did. */
export const listedUserSchema = userSchema.extend({ lastActiveAt: isoDateTimeSchema.nullable() });
export type ListedUser = z.infer<typeof listedUserSchema>;

export const userListResponseSchema = z.strictObject({ users: z.array(listedUserSchema) });
export type UserListResponse = z.infer<typeof userListResponseSchema>;

export const userResponseSchema = z.strictObject({ user: userSchema });

/** What the audit log records. */
export const AUDIT_ACTIONS = [
  'annotations.push',
  'annotation.edit',
  'annotation.delete',
  'review.decide',
  'export',
  'user.add',
  'user.revoke',
  'user.rotate',
  'backup.restore',
  'conversationRating.set',
  'queue.create',
  'queue.items',
  'queue.adjudicate',
] as const;
export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof auditActionSchema>;

/** Scalar details only (counts, a format, an id): the log says who did what, not the data itself. */
export const auditDetailsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const auditEntrySchema = z.strictObject({
  id: z.int(),
  at: isoDateTimeSchema,
  actor: z.string(),
  action: auditActionSchema,
  /** What it was done to: an annotation or review id, a user's name; null for a batch or an export. */
  target: z.string().nullable(),
  details: auditDetailsSchema,
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditQuerySchema = z.strictObject({
  user: z.string().min(1).optional(),
  action: auditActionSchema.optional(),
  /** Entries at or after this time. */
  since: isoDateTimeSchema.optional(),
  /** Entries before this time (exclusive), so a day's range is `since=<day>T00:00Z&until=<next day>T00:00Z`. */
  until: isoDateTimeSchema.optional(),
  /** Paging, newest first: entries with an id below this one (the previous page's `next`). */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const auditResponseSchema = z.strictObject({
  entries: z.array(auditEntrySchema),
  /** The `before` that asks for the next (older) page; null when this page is the last. */
  next: z.int().nullable(),
});
export type AuditResponse = z.infer<typeof auditResponseSchema>;
