import { describe, expect, it } from 'vitest';
import {
  API,
  API_ROUTES,
  exportPreviewQuerySchema,
  exportQuerySchema,
  matchesRoute,
  queryString,
  routePath,
  routeUrl,
} from '../../shared/index.ts';

describe('routePath', () => {
  it('puts each parameter in its place, encoded', () => {
    expect(routePath(API.sync.push)).toBe('/api/v1/sync/push');
    expect(routePath(API.reviews.decide, { id: 'a/b c' })).toBe('/api/v1/reviews/a%2Fb%20c/decision');
    expect(routePath(API.feedback.getLog, { traceId: 'chat:1?x=#' })).toBe('/api/v1/logs/chat%3A1%3Fx%3D%23');
  });

  it('throws for a missing or empty parameter, and for a pattern', () => {
    expect(() => routePath(API.reviews.get, {} as { id: string })).toThrow('reviews.get: the path needs id');
    expect(() => routePath(API.reviews.get, { id: '' })).toThrow(/needs id/);
    expect(() => routePath(API.dashboard.files)).toThrow(/pattern/);
  });
});

describe('queryString and routeUrl', () => {
  it('leaves out empty values and joins lists with commas, encoded as a form would be', () => {
    expect(queryString({})).toBe('');
    expect(queryString({ a: undefined, b: null, c: '', d: [] })).toBe('');
    expect(queryString({ site: ['chatgpt', 'claude'], q: 'reset the modem', limit: 5, hasComment: true })).toBe(
      '?site=chatgpt%2Cclaude&q=reset+the+modem&limit=5&hasComment=true',
    );
    expect(new URLSearchParams(queryString({ q: 'a&b=c +d' })).get('q')).toBe('a&b=c +d');
  });

  it('builds the path and the query of one call', () => {
    expect(routeUrl(API.sync.pull, { query: { since: 4, limit: 10 } })).toBe('/api/v1/sync/pull?since=4&limit=10');
    expect(routeUrl(API.reviews.get, { params: { id: 'r1' }, query: { wait: undefined } })).toBe('/api/v1/reviews/r1');
    expect(routeUrl(API.sync.stats, {})).toBe('/api/v1/stats');
  });
});

describe('matchesRoute', () => {
  it('matches exactly: the same segments, a parameter takes one non-empty segment, HEAD goes with GET', () => {
    expect(matchesRoute(API.sync.health, 'GET', '/api/v1/health')).toBe(true);
    expect(matchesRoute(API.sync.health, 'HEAD', '/api/v1/health')).toBe(true);
    expect(matchesRoute(API.sync.health, 'POST', '/api/v1/health')).toBe(false);
    expect(matchesRoute(API.sync.health, 'GET', '/api/v1/health/')).toBe(false);
    expect(matchesRoute(API.sync.health, 'GET', '/api/v1/healthz')).toBe(false);
    expect(matchesRoute(API.reviews.get, 'GET', '/api/v1/reviews/abc')).toBe(true);
    expect(matchesRoute(API.reviews.get, 'GET', '/api/v1/reviews/')).toBe(false);
    expect(matchesRoute(API.reviews.get, 'GET', '/api/v1/reviews/a/b')).toBe(false);
  });
});

describe('the table', () => {
  it('names each route once, and each method and path once', () => {
    expect(new Set(API_ROUTES.map((route) => route.id)).size).toBe(API_ROUTES.length);
    expect(new Set(API_ROUTES.map((route) => `${route.method} ${route.path}`)).size).toBe(API_ROUTES.length);
    for (const [group, routes] of Object.entries(API)) {
      for (const route of Object.values(routes)) expect(route.id.startsWith(`${group}.`), route.id).toBe(true);
    }
  });
});

describe('the export queries', () => {
  it('take the export options plus which file to send, with the options parsed as the CLI parses them', () => {
    expect(exportQuerySchema.parse({ format: 'raw', site: 'a,b' })).toMatchObject({
      part: 'train',
      sidecar: false,
      options: { format: 'raw', site: ['a', 'b'], dedup: true },
    });
    expect(exportQuerySchema.parse({ format: 'raw', sidecar: '1', split: '0.8', part: 'validation' })).toMatchObject({
      part: 'validation',
      sidecar: true,
      options: { split: 0.8 },
    });
    // Anything but 1 or true sends the dataset, as before the table.
    expect(exportQuerySchema.parse({ format: 'raw', sidecar: 'yes' }).sidecar).toBe(false);
  });

  it('name what is wrong by field: the part, a missing split, an unknown or invalid option', () => {
    const issues = (value: unknown) =>
      exportQuerySchema.safeParse(value).error?.issues.map((issue) => [issue.path.join('.'), issue.message]);
    expect(issues({ format: 'raw', part: 'test' })).toEqual([['part', 'part must be "train" or "validation"']]);
    expect(issues({ format: 'raw', part: 'validation' })).toEqual([
      ['part', 'part=validation needs split (the fraction of conversations for train)'],
    ]);
    expect(issues({ format: 'nope' })?.[0]?.[0]).toBe('format');
    expect(issues({ format: 'raw', nope: '1' })?.[0]?.[0]).toBe('');
  });

  it('preview at most 200 lines, 20 unless asked', () => {
    expect(exportPreviewQuerySchema.parse({ format: 'raw' })).toMatchObject({ lines: 20, part: 'train' });
    expect(exportPreviewQuerySchema.parse({ format: 'raw', lines: '0' }).lines).toBe(0);
    for (const lines of ['201', '-1', '2.5', 'x']) {
      expect(exportPreviewQuerySchema.safeParse({ format: 'raw', lines }).error?.issues[0]?.message, lines).toBe(
        'lines must be a whole number from 0 to 200',
      );
    }
  });
});
