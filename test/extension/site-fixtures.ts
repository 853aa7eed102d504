import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { siteFixturesDir } from '../support/paths.ts';

/** What a fixture's `expected.json` says extraction must return. */
export interface FixtureExpectation {
  /** The real site URL the page was captured at (and is served at in the browser tests). */
  url: string;
  conversationId: string | null;
  /** Role of every turn in document order; null for a virtualized placeholder. */
  turns: ('user' | 'assistant' | null)[];
  /** One entry per assistant turn, in order. */
  responses: {
    /** Index into `turns`. */
    turn: number;
    streaming: boolean;
    hasAnchor: boolean;
    /** What capture returns; null while streaming or before the conversation has an id. */
    capture: {
      conversationId: string;
      messageId: string;
      model: string | null;
      modelSource: string;
      context: { role: string; content: string }[];
      response: string;
      /** The model's visible reasoning, when the page shows some. */
      reasoning?: string;
      variant: { index: number; count: number; group: string | null } | null;
      missingContextTurns: number;
      /** What the capture holds only as placeholders, by kind, when anything. */
      completeness?: Partial<Record<'images' | 'files' | 'artifacts' | 'toolOutputs', number>>;
    } | null;
  }[];
}

export interface SiteFixture {
  site: string;
  name: string;
  html: string;
  expected: FixtureExpectation;
}

export function fixtureSites(): string[] {
  return existsSync(siteFixturesDir) ? readdirSync(siteFixturesDir).sort() : [];
}

export function loadSiteFixtures(site: string): SiteFixture[] {
  const dir = join(siteFixturesDir, site);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => ({
      site,
      name,
      html: readFileSync(join(dir, name, 'source.html'), 'utf8'),
      expected: JSON.parse(readFileSync(join(dir, name, 'expected.json'), 'utf8')) as FixtureExpectation,
    }));
}

/** Parses `html` into a happy-dom document at `url` (no scripts run). */
export function parsePage(url: string, html: string): { document: Document; close: () => Promise<void> } {
  const window = new Window({ url, settings: { disableJavaScriptEvaluation: true } });
  const document = new window.DOMParser().parseFromString(html, 'text/html') as unknown as Document;
  return { document, close: () => window.happyDOM.close() };
}

/** Parses a fixture page into a happy-dom document at the fixture's URL (no scripts run). */
export function parseFixture(fixture: SiteFixture): { document: Document; close: () => Promise<void> } {
  return parsePage(fixture.expected.url, fixture.html);
}
