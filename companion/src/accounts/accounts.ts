import {
  type AuditAction,
  type AuditEntry,
  didYouMean,
  type ListedUser,
  type User,
  type UserKind,
  type UserRole,
  userNameSchema,
} from '../../../shared/index.ts';
import type { AuditQuery, AuditStore } from '../storage/audit-store.ts';
import type { UserStore } from '../storage/user-store.ts';
import type { Caller } from './caller.ts';
import { hashToken, newToken } from './user-tokens.ts';

/** How long a dashboard session made by a sign-in code lasts; signing in again makes a new one. */
export const DASHBOARD_SESSION_MS = 7 * 24 * 60 * 60 * 1000;

/** A request the accounts cannot carry out, with what to do instead; `code` is the API's error code. */
export class AccountError extends Error {
  constructor(
    readonly code: 'unknown_user' | 'duplicate_user' | 'revoked_user' | 'invalid_name',
    message: string,
  ) {
    super(message);
  }
}

export interface AccountsDeps {
  users: UserStore;
  audit: AuditStore;
  clock?: () => Date;
}

/**
 * Users, their tokens and the audit log, for the CLI (`margin user …`, `margin audit`) and the
 * companion's routes alike: one place where a user is made, rotated or revoked, and each is logged.
 */
export class Accounts {
  readonly #users: UserStore;
  readonly #audit: AuditStore;
  readonly #clock: () => Date;

  constructor(deps: AccountsDeps) {
    this.#users = deps.users;
    this.#audit = deps.audit;
    this.#clock = deps.clock ?? (() => new Date());
  }

  /** The active user holding `token`, or undefined (unknown, rotated away, revoked, expired). */
  async authenticate(token: string): Promise<Caller | undefined> {
    const user = await this.#users.findByToken(hashToken(token), this.#clock().toISOString());
    return user && { name: user.name, role: user.role, kind: user.kind, personal: false };
  }

  /** True once any user exists: a team server. */
  async isTeam(): Promise<boolean> {
    return (await this.#users.countActive()) > 0;
  }

  list(): Promise<User[]> {
    return this.#users.list();
  }

  /** Every user with when the audit log last recorded something they did (the admins' list). */
  async listWithActivity(): Promise<ListedUser[]> {
    const users = await this.#users.list();
    const last = await this.#audit.lastActivity(users.map((user) => user.name));
    return users.map((user) => ({ ...user, lastActiveAt: last.get(user.name) ?? null }));
  }

  async add(actor: string, name: string, role: UserRole, kind: UserKind): Promise<{ user: User; token: string }> {
    const parsed = userNameSchema.safeParse(name);
    if (!parsed.success) {
      throw new AccountError('invalid_name', `"${name}" cannot be a user name: ${parsed.error.issues[0]?.message}`);
    }
    const now = this.#clock();
    const { token, stored } = newToken('personal', now, name);
    const createdAt = now.toISOString();
    if ((await this.#users.add({ name, role, kind, createdAt }, stored)) === 'exists') {
      throw new AccountError(
        'duplicate_user',
        `a user named "${name}" already exists; "margin user rotate ${name}" gives them a new token`,
      );
    }
    await this.log(actor, 'user.add', name, { role, kind });
    return { user: { name, role, kind, createdAt, revokedAt: null }, token };
  }

  /** A new personal token for `name`; every token they had stops working. */
  async rotate(actor: string, name: string): Promise<{ user: User; token: string }> {
    const { token, stored } = newToken('personal', this.#clock(), name);
    const user = await this.#users.replaceTokens(name, stored);
    if (user === undefined) throw await this.#missing(name);
    await this.log(actor, 'user.rotate', name, {});
    return { user, token };
  }

  async revoke(actor: string, name: string): Promise<User> {
    const before = await this.#users.get(name);
    if (before === undefined) throw await this.#missing(name);
    if (before.revokedAt !== null) return before;
    const user = (await this.#users.revoke(name, this.#clock().toISOString())) as User;
    await this.log(actor, 'user.revoke', name, {});
    return user;
  }

  /** A dashboard session token for `name` (a sign-in code they asked for); undefined once they are revoked. */
  async dashboardSession(name: string): Promise<string | undefined> {
    const now = this.#clock();
    const { token, stored } = newToken('dashboard', now, name, new Date(now.getTime() + DASHBOARD_SESSION_MS));
    return (await this.#users.addToken(name, stored)) ? token : undefined;
  }

  /** Appends to the audit log; a failure to log is not hidden from the caller. */
  log(actor: string, action: AuditAction, target: string | null, details: AuditEntry['details']): Promise<void> {
    return this.#audit.append({ at: this.#clock().toISOString(), actor, action, target, details });
  }

  listAudit(query: AuditQuery): Promise<AuditEntry[]> {
    return this.#audit.list(query);
  }

  async #missing(name: string): Promise<AccountError> {
    const user = await this.#users.get(name);
    if (user?.revokedAt) {
      return new AccountError('revoked_user', `"${name}" was revoked on ${user.revokedAt}; add a new user instead`);
    }
    const names = (await this.#users.list()).map((candidate) => candidate.name);
    const known = names.length ? didYouMean(name, names) : ' (no users yet: "margin user add NAME --role ROLE")';
    return new AccountError('unknown_user', `no user named "${name}"${known}`);
  }
}
