import { describe, expect, it } from 'vitest';
import { apiErrorSchema, comparisonSchema, messageSchema, toApiIssues } from '../../shared/index.ts';

const comparison = {
  schemaVersion: 1,
  id: 'cmp-1',
  a: 'ann-1',
  b: 'ann-2',
  winner: 'a',
  annotator: 'ada',
  createdAt: '2026-11-01T10:00:00.000Z',
  updatedAt: '2026-11-01T10:00:00.000Z',
  deletedAt: null,
  revision: 1,
};

function issuePaths(result: { success: boolean; error?: Parameters<typeof toApiIssues>[0] }): string[] {
  return result.error ? toApiIssues(result.error).map((issue) => issue.path) : [];
}

describe('messageSchema', () => {
  it.each(['system', 'user', 'assistant', 'tool'])('accepts role %s', (role) => {
    expect(messageSchema.safeParse({ role, content: 'hi' }).success).toBe(true);
  });
  it.each([
    ['a developer role', { role: 'developer', content: 'hi' }, 'role'],
    ['a missing content', { role: 'user' }, 'content'],
    ['non-string content', { role: 'user', content: 5 }, 'content'],
    ['an unknown key', { role: 'user', content: 'hi', weight: 1 }, '(root)'],
  ])('rejects %s', (_name, value, path) => {
    expect(issuePaths(messageSchema.safeParse(value))).toContain(path);
  });
});

describe('comparisonSchema', () => {
  it.each(['a', 'b', 'tie'])('accepts winner %s', (winner) => {
    expect(comparisonSchema.safeParse({ ...comparison, winner }).success).toBe(true);
  });
  it.each([
    ['an unknown winner', { winner: 'both' }, 'winner'],
    ['the same annotation twice', { b: 'ann-1' }, 'b'],
    ['an unknown key', { note: 'x' }, '(root)'],
    ['an empty id', { a: '' }, 'a'],
  ])('rejects %s', (_name, overrides, path) => {
    expect(issuePaths(comparisonSchema.safeParse({ ...comparison, ...overrides }))).toContain(path);
  });
});

describe('apiErrorSchema', () => {
  it('accepts an error with field issues', () => {
    const value = { error: { code: 'invalid', message: 'bad', issues: [{ path: 'score', message: 'too big' }] } };
    expect(apiErrorSchema.safeParse(value).success).toBe(true);
  });
  it.each([
    ['a missing code', { error: { message: 'bad' } }, 'error.code'],
    [
      'an issue without a path',
      { error: { code: 'x', message: 'bad', issues: [{ message: 'm' }] } },
      'error.issues.0.path',
    ],
    ['extra keys (stack traces must never leak)', { error: { code: 'x', message: 'm', stack: 'at …' } }, 'error'],
  ])('rejects %s', (_name, value, path) => {
    expect(issuePaths(apiErrorSchema.safeParse(value))).toContain(path);
  });
});
