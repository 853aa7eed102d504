import type { AuditEntry } from '../../../shared/index.ts';

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

export interface AuditQuery {
  /** Only what this user did. */
  actor?: string | undefined;
  /** Only what happened at or after this ISO time. */
  since?: string | undefined;
  limit: number;
}

/** The audit log: who did what and when, appended and never changed (docs/accounts.md). */
export interface AuditStore {
  append(entry: NewAuditEntry): Promise<void>;
  /** The newest entries first. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
}
