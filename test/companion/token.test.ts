import { describe, expect, it } from 'vitest';
import { generateToken } from '../../companion/src/support/token.ts';

describe('pairing tokens', () => {
  it('are 43 base64url characters and never start with "-" (a script would read it as an option)', () => {
    // Without the rule, 1 draw in 64 starts with "-": 3,000 draws miss it with odds of about 1e-21.
    const tokens = Array.from({ length: 3_000 }, generateToken);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{42}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});
