import type { AuditAction, AuditEntry } from '../../../shared/index.ts';

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

export interface AuditQuery {
  /** Only what this user did. */
  actor?: string | undefined;
  action?: AuditAction | undefined;
  /** Only what happened at or after this ISO time. */
  since?: string | undefined;
  /** Only what happened before this ISO time (exclusive). */
  until?: string | undefined;
  /** Only entries with an id below this one: the next page, newest first. */
  before?: number | undefined;
  limit: number;
}

/** The audit log: who did what and when, appended and never changed (docs/accounts.md). */
export interface AuditStore {
  append(entry: NewAuditEntry): Promise<void>;
  /** The newest entries first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
  /** When each of `actors` last did something the log records (ISO time by name; absent: never). */
  lastActivity(actors: readonly string[]): Promise<Map<string, string>>;
}
