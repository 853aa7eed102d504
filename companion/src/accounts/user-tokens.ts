import { createHash } from 'node:crypto';
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

/** A new random token (256 bits, base64url) and what the store keeps of it. */
export function newToken(
  purpose: TokenPurpose,
  now: Date,
  expiresAt: Date | null = null,
): { token: string; stored: StoredToken } {
  const token = generateToken();
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
