import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE = 'token';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function tokenPath(dataDir: string): string {
  return join(dataDir, TOKEN_FILE);
}

/**
 * 256 random bits, base64url: 43 characters to paste into the extension. Never one that starts with
 * `-`: `--token "$(npx margin token)"` would then read as an option to the script it is passed to
 * (Python's argparse refuses it; seen with docs/examples/review_pipeline.py). That leaves out 1 in 64.
 */
export function generateToken(): string {
  for (;;) {
    const token = randomBytes(32).toString('base64url');
    if (!token.startsWith('-')) return token;
  }
}

/** Writes the token user-only (0600) through a temporary file and a rename, so no reader sees half a token. */
export function writeToken(dataDir: string, token: string): void {
  const path = tokenPath(dataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${token}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temporary, 0o600); // the umask cannot loosen it, and an old file's mode is not inherited
  renameSync(temporary, path);
}

/** Reads the token, tightening the file to 0600 if someone loosened it. */
export function readToken(dataDir: string): string | undefined {
  const path = tokenPath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const token = text.trim();
  if (!TOKEN_PATTERN.test(token)) {
    throw new Error(`the token file ${path} is damaged; run "margin token --rotate" to make a new one`);
  }
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  return token;
}

export function readOrCreateToken(dataDir: string): string {
  const existing = readToken(dataDir);
  if (existing !== undefined) return existing;
  const token = generateToken();
  writeToken(dataDir, token);
  return token;
}

export function rotateToken(dataDir: string): string {
  const token = generateToken();
  writeToken(dataDir, token);
  return token;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Checks presented tokens against the token file. Both sides are hashed first so the comparison is
 * constant-time and of equal length whatever was presented. The file is re-read when it changes, so
 * `margin token --rotate` takes effect on a running companion at once.
 */
export class TokenVerifier {
  #expected: Buffer;
  #stamp: string;

  constructor(private readonly dataDir: string) {
    this.#expected = digest(readOrCreateToken(dataDir));
    this.#stamp = this.#fileStamp();
  }

  verify(candidate: string): boolean {
    this.#reloadIfChanged();
    return timingSafeEqual(digest(candidate), this.#expected);
  }

  #fileStamp(): string {
    try {
      const stat = statSync(tokenPath(this.dataDir));
      return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    } catch {
      return 'missing';
    }
  }

  #reloadIfChanged(): void {
    const stamp = this.#fileStamp();
    if (stamp === this.#stamp) return;
    const token = readToken(this.dataDir);
    // A deleted token file keeps the last known token rather than locking everyone out mid-session.
    if (token !== undefined) this.#expected = digest(token);
    this.#stamp = stamp;
  }
}
