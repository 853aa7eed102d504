import { createHash } from 'node:crypto';
import { userNameSchema } from '../../../shared/index.ts';
import type { StoredToken, TokenPurpose } from '../storage/user-store.ts';
import { generateToken } from '../support/token.ts';

/**
 * What is stored for a token: its SHA-256, base64url. A slow password hash (scrypt, argon2) exists to
 * make guessing a *low-entropy* secret from its hash expensive; these tokens are 32 random bytes, so
 * there is nothing to guess (2^256 candidates) and a fast hash is as safe, while letting every request
 * find its user with one indexed lookup instead of a salted comparison against every user.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * A user's token names them: `<name, base64url>.<256 random bits, base64url>`. The name is no secret
 * (it is on every annotation they push); it lets a failed sign-in be counted against the user it
 * claims to be, from whatever address it comes (sign-in-throttle.ts). Tokens made before carry no
 * name and still work; `margin user rotate` gives a named one.
 */
export function namedToken(user: string): string {
  return `${Buffer.from(user, 'utf8').toString('base64url')}.${generateToken()}`;
}

/** The user a token claims to be (whether or not it is valid), or undefined for a token that names nobody. */
export function tokenUser(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || parts[1]?.length !== 43) return undefined;
  const name = Buffer.from(parts[0], 'base64url').toString('utf8');
  return userNameSchema.safeParse(name).success ? name : undefined;
}

/** A new token for `user` (named, 256 random bits) and what the store keeps of it. */
export function newToken(
  purpose: TokenPurpose,
  now: Date,
  user: string,
  expiresAt: Date | null = null,
): { token: string; stored: StoredToken } {
  const token = namedToken(user);
  return {
    token,
    stored: {
      hash: hashToken(token),
      purpose,
      createdAt: now.toISOString(),
      expiresAt: expiresAt?.toISOString() ?? null,
    },
  };
}
