import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MatchPattern } from 'wxt/utils/match-patterns';
import { allSiteMatches, siteAdapters } from '../../extension/src/sites/index.ts';
import { fixtureSites, loadSiteFixtures, parseFixture } from './site-fixtures.ts';

const sitesDir = fileURLToPath(new URL('../../extension/src/sites/', import.meta.url));
/** Modules of sites/ that are not a site's adapter: the registry, the self-hosted apps' list and the adapters' shared structural helpers (the generic adapter is in sites/generic/). */
const NOT_SITES = new Set(['index', 'self-hosted', 'structure']);
const adapterFiles = readdirSync(sitesDir)
  .filter((name) => name.endsWith('.ts') && !name.startsWith('define-'))
  .map((name) => name.replace(/\.ts$/, ''))
  .filter((name) => !NOT_SITES.has(name));

describe('site registry', () => {
  it('lists every adapter file exactly once, with ids equal to file names', () => {
    const ids = siteAdapters.map((adapter) => adapter.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...adapterFiles].sort());
  });

  it('has no fixture folder without an adapter', () => {
    expect(fixtureSites().filter((site) => !siteAdapters.some((adapter) => adapter.id === site))).toEqual([]);
  });

  it('gives every host to one adapter only, so the content script picks the right one', () => {
    const hosts = siteAdapters.flatMap((adapter) =>
      adapter.matches.map((pattern) => new URL(pattern.replace('/*', '/')).host),
    );
    expect(new Set(hosts).size).toBe(hosts.length);
  });

  describe.each(siteAdapters.map((adapter) => [adapter.id, adapter] as const))('%s', (_id, adapter) => {
    it('finds a conversation id in every test URL', () => {
      for (const url of adapter.testUrls) expect(adapter.conversationId(new URL(url)), url).not.toBeNull();
    });

    it("tells its own pages from every other site's, when it can detect them", async () => {
      if (adapter.selfHosted) expect(adapter.detect, 'a self-hosted adapter must have detect()').toBeTypeOf('function');
      if (!adapter.detect) return;
      for (const site of fixtureSites()) {
        for (const fixture of loadSiteFixtures(site)) {
          const { document, close } = parseFixture(fixture);
          expect(adapter.detect(document), `${site}/${fixture.name}`).toBe(site === adapter.id);
          await close();
        }
      }
    }, 60_000);
  });

  describe.each(siteAdapters.filter((adapter) => adapter.selfHosted).map((adapter) => [adapter.id, adapter] as const))(
    '%s (self-hosted)',
    (_id, adapter) => {
      it('has a label, no static match pattern (its origin is added by the user) and http(s) test URLs', () => {
        expect(adapter.label.trim()).not.toBe('');
        expect(adapter.matches).toEqual([]);
        expect(
          allSiteMatches.filter((pattern) => adapter.testUrls.some((url) => new MatchPattern(pattern).includes(url))),
        ).toEqual([]);
        expect(adapter.testUrls.length).toBeGreaterThan(0);
        for (const url of adapter.testUrls) expect(new URL(url).protocol).toMatch(/^https?:$/);
      });

      it('has committed fixtures covering a finished response, a streaming one and a new chat', () => {
        const fixtures = loadSiteFixtures(adapter.id);
        expect(fixtures.length, `test/fixtures/sites/${adapter.id}/ has no fixtures`).toBeGreaterThan(0);
        const responses = fixtures.flatMap((fixture) => fixture.expected.responses);
        expect(responses.some((response) => response.capture !== null)).toBe(true);
        expect(responses.some((response) => response.streaming)).toBe(true);
        expect(fixtures.some((fixture) => fixture.expected.conversationId === null)).toBe(true);
      });
    },
  );

  describe.each(siteAdapters.filter((adapter) => !adapter.selfHosted).map((adapter) => [adapter.id, adapter] as const))(
    '%s',
    (_id, adapter) => {
      it('has a label, valid match patterns and test URLs they match', () => {
        expect(adapter.label.trim()).not.toBe('');
        expect(adapter.matches.length).toBeGreaterThan(0);
        const patterns = adapter.matches.map((pattern) => new MatchPattern(pattern));
        expect(adapter.testUrls.length).toBeGreaterThan(0);
        for (const url of adapter.testUrls) {
          expect(
            patterns.some((pattern) => pattern.includes(url)),
            url,
          ).toBe(true);
        }
      });

      it('has committed fixtures covering a finished response, a streaming one and a new chat', () => {
        const fixtures = loadSiteFixtures(adapter.id);
        expect(fixtures.length, `test/fixtures/sites/${adapter.id}/ has no fixtures`).toBeGreaterThan(0);
        const responses = fixtures.flatMap((fixture) => fixture.expected.responses);
        expect(responses.some((response) => response.capture !== null)).toBe(true);
        expect(responses.some((response) => response.streaming)).toBe(true);
        expect(fixtures.some((fixture) => fixture.expected.conversationId === null)).toBe(true);
        for (const fixture of fixtures) {
          const patterns = adapter.matches.map((pattern) => new MatchPattern(pattern));
          expect(
            patterns.some((pattern) => pattern.includes(fixture.expected.url)),
            fixture.name,
          ).toBe(true);
        }
      });

      it('matches https pages only on its own hosts (or one path of a shared host)', () => {
        for (const pattern of adapter.matches) {
          expect(pattern).toMatch(/^https:\/\/[a-z0-9.-]+\/(?:[a-z0-9_-]+\/)*\*$/);
        }
      });
    },
  );
});
