import { z } from 'zod';
import { identitySchema, meResponseSchema } from '../../../shared/index.ts';

/**
 * What sync remembers between runs (rows of the `syncMeta` table, `db/sync-tables.ts`) and what the
 * options page sends to pair. Each value is parsed with its schema whenever it is read.
 */

/** How the companion is reached. Written by the options page (through the background). */
export const companionSettingsSchema = z.strictObject({
  /** e.g. http://127.0.0.1:8787, no path. */
  url: z.string(),
  /** The pairing token (`margin token`). Kept here, in the extension origin, never in storage.local. */
  token: z.string(),
  /** How often to sync when all is well, and the first retry delay when the companion is down. */
  intervalSeconds: z.int().min(1).max(86_400),
});
export type CompanionSettings = z.infer<typeof companionSettingsSchema>;

export const DEFAULT_SYNC_INTERVAL_SECONDS = 60;

/**
 * Whom the paired token signs in as, from `GET /api/v1/me` when pairing (and again when missing). On a
 * team server that is a person with a role, and their name is every annotation's annotator; `user` is
 * null for a companion older than accounts.
 */
export const signedInSchema = z.strictObject({
  /** The companion this was asked of: a new pairing with another URL makes it stale. */
  url: z.string(),
  user: identitySchema.nullable(),
  team: z.boolean(),
  version: z.string(),
});
export type SignedIn = z.infer<typeof signedInSchema>;

/** Why the last sync run did not finish, or null when it did. */
export const syncFailureSchema = z.strictObject({
  kind: z.enum([
    'not-paired',
    'unreachable',
    'unauthorized',
    'incompatible',
    'rate-limited',
    'server-error',
    'invalid-response',
    'not-margin',
    'refused',
    'local-error',
  ]),
  message: z.string(),
  /** When this kind of failure started (kept across retries that fail the same way). */
  since: z.int(),
});
export type SyncFailure = z.infer<typeof syncFailureSchema>;

/** The persisted schedule and outcome; the popup reads it, the engine writes it after every run. */
export const syncStateSchema = z.strictObject({
  /** Last run that pushed and pulled everything, ms since the epoch. */
  lastSuccessAt: z.int().nullable(),
  failure: syncFailureSchema.nullable(),
  /** Consecutive failed runs: the exponent of the backoff. */
  attempt: z.int().min(0),
  /** When the alarm should fire next (ms since the epoch); null when nothing is scheduled. */
  nextAttemptAt: z.int().nullable(),
});
export type SyncState = z.infer<typeof syncStateSchema>;

export const INITIAL_SYNC_STATE: SyncState = { lastSuccessAt: null, failure: null, attempt: 0, nextAttemptAt: null };

export const syncMetaSchemas = {
  /** Names this browser profile to the companion (the last tie-break of the conflict rule). */
  deviceId: z.string(),
  /** The highest companion sequence number applied locally (pull `since`). */
  checkpoint: z.int().min(0),
  /** The last value of the local order counter (RecordOrder.seq). */
  orderCounter: z.int().min(0),
  companion: companionSettingsSchema,
  signedIn: signedInSchema,
  state: syncStateSchema,
} as const;
export type SyncMetaKey = keyof typeof syncMetaSchemas;
export type SyncMetaValue<K extends SyncMetaKey> = z.infer<(typeof syncMetaSchemas)[K]>;

export type ConfigureResult = { ok: true } | { ok: false; error: string };

/** What the options page sends to pair; checked again by the engine, since a message is only as good as its sender. */
export const configureInputSchema = z.strictObject({
  url: z.string().max(2_000),
  token: z.string().max(1_000),
  intervalSeconds: z.number(),
  /** What `GET /api/v1/me` answered the options page for this URL and token (null: a companion without it). */
  me: meResponseSchema.nullable().optional(),
});
export type ConfigureInput = z.infer<typeof configureInputSchema>;
