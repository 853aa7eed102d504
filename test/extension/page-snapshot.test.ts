import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { siteAdapters } from '../../extension/src/sites/index.ts';
import { snapshotDocument } from '../../extension/src/snapshot/page-snapshot.ts';
import { KEPT_VALUES, maskIds, placeholderText, sanitizeStyle } from '../../extension/src/snapshot/snapshot-policy.ts';
import { takePageSnapshot } from '../../extension/src/snapshot/take-snapshot.ts';
import { fixtureSites, loadSiteFixtures, parseFixture, parsePage } from './site-fixtures.ts';

// No "x" (the placeholder) and no characters of markup, so a secret can only appear if it leaked.
const ALPHABET = 'abcdefghijklmnopqrstuvwyzABCDEFGHIJKLMNOPQRSTUVWYZ0123456789';
const secrets: string[] = [];
/** A fresh random string, remembered so the test can look for every one of them. */
function secret(length = 24): string {
  const value = Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  secrets.push(value);
  return value;
}

/** Fails naming the first secret (or any 8-character piece of one) found in `html`. */
function expectNoSecret(html: string, candidates: readonly string[]): void {
  for (const value of candidates) {
    for (let start = 0; start + 8 <= value.length; start++) {
      const piece = value.slice(start, start + 8);
      const at = html.indexOf(piece);
      if (at >= 0) expect.fail(`"${piece}" of "${value}" survived in the snapshot: …${html.slice(at - 120, at + 40)}…`);
    }
  }
}

function page(html: string, url = 'https://chatgpt.com/c/abc') {
  return parsePage(url, html);
}

describe('page snapshot: nothing of the page survives', () => {
  it('drops every text, label, address, id and value of a page built to leak, and keeps its structure', async () => {
    secrets.length = 0;
    const s = secret;
    const html = `<!doctype html><html lang="fr-${s()}" class="dark"><head>
      <title>${s()}</title><meta name="description" content="${s()}"><link rel="icon" href="https://cdn.example/${s()}.png">
      <script>window.__DATA__ = {"conversation": "${s()}"}</script><style>.a::after { content: "${s()}" }</style>
      </head><body data-user="${s()}">
      <!-- ${s()} -->
      <nav><a href="/c/${s()}?q=${s()}#${s()}" title="${s()}" aria-label="${s()} ${s()}">${s()}</a></nav>
      <main id="conversation-${s()}">
        <article data-testid="conversation-turn-2" data-message-author-role="user" data-message-id="${s()}">
          <div class="whitespace-pre-wrap">${s()} 👋 ${s()}\nsecond line ${s()}</div>
          <img src="https://files.example/${s()}.png" srcset="/${s()}.png 2x" alt="${s()}" width="20">
          <input type="text" value="${s()}" placeholder="${s()}" name="${s()}">
          <textarea>${s()}</textarea>
        </article>
        <article data-testid="conversation-turn-3" data-message-author-role="assistant" data-message-id="3f2a9c1e-1234-4abc-8def-0123456789ab">
          <div class="markdown prose" style="background: url('https://img.example/${s()}'); --label: '${s()}'; height: 20px">
            <p>${s()} <strong>${s()}</strong> <code>${s()}</code></p>
            <pre><code class="language-python">print("${s()}")\nprint(2)</code></pre>
            <svg viewBox="0 0 24 24" aria-labelledby="t-${s()}"><title>${s()}</title><path d="M${s()}"/><use xlink:href="#${s()}"/></svg>
          </div>
          <button type="button" aria-label="${s()}" data-state="closed" DATA-TOOLTIP="${s()}">${s()}</button>
          <iframe src="https://embed.example/${s()}" srcdoc="<p>${s()}</p>"></iframe>
          <form action="/send/${s()}"><select><option value="${s()}">${s()}</option></select></form>
          <template><p>${s()}</p></template>
          <noscript>${s()}</noscript>
        </article>
        <div class="host"></div>
      </main></body></html>`;
    const { document, close } = page(html);
    try {
      const host = document.querySelector('.host') as Element;
      const shadow = host.attachShadow({ mode: 'open' });
      shadow.innerHTML = `<p title="${s()}">${s()}</p>`;
      const turns = new Map<Element, string>(
        [...document.querySelectorAll('article')].map((element) => [
          element,
          element.getAttribute('data-message-author-role') ?? 'unknown',
        ]),
      );
      const snapshot = snapshotDocument(document, { site: 'chatgpt', turns });
      expect(secrets.length).toBeGreaterThan(40);
      expectNoSecret(snapshot.html, secrets);
      expect(snapshot.html).not.toMatch(/https?:|3f2a9c1e|👋|second line|print/);

      // Structure, classes, turn roles and states stay; text keeps its length and its line breaks.
      expect(snapshot.turns).toBe(2);
      expect(snapshot.truncated).toBe(false);
      const copy = page(snapshot.html);
      try {
        const kept = copy.document;
        expect([...kept.querySelectorAll('[data-margin-turn]')].map((e) => e.getAttribute('data-margin-turn'))).toEqual(
          ['user', 'assistant'],
        );
        expect(kept.querySelector('article[data-message-author-role="assistant"] .markdown.prose')).not.toBeNull();
        expect(kept.querySelector('[data-testid="conversation-turn-3"]')).not.toBeNull();
        expect(kept.querySelector('code.language-python')?.textContent).toBe(
          placeholderText(document.querySelector('code.language-python')?.textContent ?? ''),
        );
        expect(kept.querySelector('code.language-python')?.textContent).toMatch(/^x+\nx+$/);
        expect(kept.querySelector('button')?.getAttribute('aria-label')).toMatch(/^x{24}$/);
        expect(kept.querySelector('button')?.getAttribute('data-state')).toBe('closed');
        expect(kept.querySelector('[data-message-author-role="assistant"]')?.getAttribute('data-message-id')).toBe('');
        expect(kept.querySelector('a')?.getAttribute('href')).toBe('');
        expect(kept.querySelector('img')?.getAttribute('width')).toBe('20');
        expect(kept.querySelector('svg')?.getAttribute('viewBox')).toBe('0 0 24 24');
        expect(kept.querySelector('main')?.hasAttribute('id')).toBe(true);
        expect(kept.querySelector('main')?.getAttribute('id')).toBe('');
        expect(
          kept.body.querySelectorAll('script, style, template:not([shadowrootmode]), noscript, meta, link'),
        ).toHaveLength(0);
        expect(kept.documentElement.getAttribute('class')).toBe('dark');
      } finally {
        await copy.close();
      }
      expect(snapshot.html).toContain('<template shadowrootmode="open"><p title="');
    } finally {
      await close();
    }
  });

  it('keeps inline styles to layout: numbers and layout keywords of a few properties', () => {
    expect(sanitizeStyle('display: none; height: 20px; transform: translateY(120px); top: -3.5em')).toBe(
      'display: none; height: 20px; transform: translateY(120px); top: -3.5em',
    );
    expect(
      sanitizeStyle(
        "display: contents Secret; background: url(https://a/b.png); --label: 'Ann'; font-family: Ann; width: calc(100% - 2px); transform: translate(1px, 2px)",
      ),
    ).toBe('transform: translate(1px, 2px)');
  });

  it('masks ids inside the values it keeps, but keeps short hashed class names', () => {
    expect(maskIds('message-3f2a9c1e-1234-4abc-8def-0123456789ab')).toBe('message-{id}');
    expect(maskIds('turn-0123456789abcdef')).toBe('turn-{id}');
    expect(maskIds('conversation-turn-3')).toBe('conversation-turn-3');
    expect(maskIds('row-12345678')).toBe('row-{id}');
    const { document, close } = page(
      '<div class="ds-message _63c77b1 css-1dbjc4n x-3f2a9c1e-1234-4abc-8def-0123456789ab" data-testid="m-a1b2c3d4e5f6"></div>',
    );
    const { html } = snapshotDocument(document, { site: 'deepseek' });
    expect(html).toContain('class="ds-message _63c77b1 css-1dbjc4n x-{id}"');
    expect(html).toContain('data-testid="m-{id}"');
    void close();
  });

  it('cuts off a page over the element limit, closing what it opened and saying so', () => {
    const { document, close } = page(`<div>${'<p><span>a</span></p>'.repeat(50)}</div>`);
    const snapshot = snapshotDocument(document, { site: 'chatgpt', maxElements: 10 });
    expect(snapshot.truncated).toBe(true);
    expect(snapshot.elements).toBe(10);
    expect(snapshot.html).toContain('cut off after 10 elements');
    expect(snapshot.html).toMatch(/<\/div><\/body><\/html>/);
    void close();
  });
});

describe('page snapshot of every committed site fixture', () => {
  const fixtures = fixtureSites().flatMap((site) => loadSiteFixtures(site));

  it('covers fixtures of every site', () => {
    expect(new Set(fixtures.map((fixture) => fixture.site))).toEqual(new Set(siteAdapters.map((a) => a.id)));
  });

  it.each(fixtures.map((fixture) => [`${fixture.site}/${fixture.name}`, fixture] as const))(
    '%s: none of its texts or values survive, even with random strings added to each, and its turns are marked',
    async (_name, fixture) => {
      const { document, close } = parseFixture(fixture);
      try {
        const originals: string[] = [];
        const planted: string[] = [];
        // Values the snapshot keeps by design (class names, roles, test ids): an original that is part
        // of one (an id "chat-history" beside a class "chat-history-scroll-container") is no leak.
        const keptValues = [...document.querySelectorAll('*')]
          .flatMap((element) => [...element.attributes])
          .filter((attribute) => KEPT_VALUES.has(attribute.name.toLowerCase()))
          .map((attribute) => attribute.value)
          .join('\n');
        const walker = document.createTreeWalker(document.body, 4 /* NodeFilter.SHOW_TEXT */);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.nodeValue ?? '';
          if (text.trim().length >= 12) originals.push(text.trim());
          const marker = secret();
          planted.push(marker);
          node.nodeValue = `${text} ${marker}`;
        }
        for (const element of document.body.querySelectorAll('*')) {
          for (const attribute of [...element.attributes]) {
            const name = attribute.name.toLowerCase();
            if (KEPT_VALUES.has(name)) continue;
            if (name !== 'style' && attribute.value.length >= 12) originals.push(attribute.value);
            const marker = secret();
            planted.push(marker);
            element.setAttribute(attribute.name, `${attribute.value} ${marker}`);
          }
        }
        const host = new URL(fixture.expected.url).host;
        const snapshot = takePageSnapshot(document, host);
        expect(planted.length).toBeGreaterThan(10);
        expectNoSecret(snapshot.html, planted);
        // The snapshot's own frame (its doctype, head and Margin's notes): a page text equal to a piece of
        // it (a code block showing `<!doctype html>`) is not the page's text surviving.
        const frame = takePageSnapshot(
          parsePage(fixture.expected.url, '<!doctype html><html><body></body></html>').document,
          host,
        ).html;
        for (const original of originals) {
          if (keptValues.includes(original) || frame.includes(original)) continue;
          if (snapshot.html.includes(original)) expect.fail(`"${original.slice(0, 80)}" survived in the snapshot`);
        }
        const adapter = siteAdapters.find((a) => a.id === fixture.site);
        expect(snapshot.turns).toBe(adapter?.turns(document).length);
        expect(snapshot.html.match(/data-margin-turn="/g)?.length ?? 0).toBe(snapshot.turns);
      } finally {
        await close();
      }
    },
  );
});
