import type { User, UserKind, UserRole } from '../../../shared/index.ts';

/** Why a token exists: a user's personal token, or a dashboard session a sign-in code made for them. */
export type TokenPurpose = 'personal' | 'dashboard';

export interface StoredToken {
  /** The token's SHA-256 (base64url); the token itself is never stored. */
  hash: string;
  purpose: TokenPurpose;
  createdAt: string;
  /** Null: until the user is rotated or revoked. */
  expiresAt: string | null;
}

export interface NewUser {
  name: string;
  role: UserRole;
  kind: UserKind;
  createdAt: string;
}

/**
 * The users of a team server and their tokens (docs/accounts.md). Rotating or revoking a user deletes
 * every token they had, so an old token stops working at once, in every companion process.
 */
export interface UserStore {
  /** Adds the user with their first token; `exists` (and nothing stored) when the name is taken. */
  add(user: NewUser, token: StoredToken): Promise<'added' | 'exists'>;
  get(name: string): Promise<User | undefined>;
  /** Every user, revoked ones included, oldest first. */
  list(): Promise<User[]>;
  /** Users not revoked: 0 on a personal server. */
  countActive(): Promise<number>;
  /** The user holding a token with `hash`, unless they are revoked or the token expired at `now`. */
  findByToken(hash: string, now: string): Promise<User | undefined>;
  /** Deletes the user's tokens and adds `token`: the rotation. Undefined for an unknown or revoked user. */
  replaceTokens(name: string, token: StoredToken): Promise<User | undefined>;
  /** Adds one more token (a dashboard session) to an active user; false for an unknown or revoked user. */
  addToken(name: string, token: StoredToken): Promise<boolean>;
  /** Marks the user revoked at `at` and deletes their tokens; undefined for an unknown user. */
  revoke(name: string, at: string): Promise<User | undefined>;
}
