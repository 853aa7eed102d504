import { Window } from 'happy-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSignInLink, signInFromLink, storedToken } from '../../companion/dashboard/src/auth.ts';

const PAGES = ['annotations', 'inbox', 'settings'];
const CODE = 'abcdefghijklmnopqrstuvwxyz012345';

describe('the dashboard sign-in link and its destination', () => {
  it('reads the code alone, as links from before destinations were made', () => {
    expect(parseSignInLink(`#sign-in=${CODE}`, PAGES)).toEqual({ code: CODE, next: null });
  });

  it('keeps a destination that is one of the dashboard routes, rebuilt from its parts', () => {
    expect(parseSignInLink(`#sign-in=${CODE}&next=${encodeURIComponent('/inbox/r_42')}`, PAGES)).toEqual({
      code: CODE,
      next: '#/inbox/r_42',
    });
    expect(parseSignInLink(`#sign-in=${CODE}&next=${encodeURIComponent('/inbox?status=approved')}`, PAGES)?.next).toBe(
      '#/inbox?status=approved',
    );
  });

  it('refuses an absolute URL, another origin or an unknown page as the destination (home instead)', () => {
    for (const next of [
      'https://evil.example/steal',
      '//evil.example/inbox',
      'javascript:alert(1)',
      '/\\evil.example',
      '/unknown-page/1',
      '/',
      '%E0%A4%A',
    ]) {
      const encoded = next.startsWith('%') ? next : encodeURIComponent(next);
      expect(parseSignInLink(`#sign-in=${CODE}&next=${encoded}`, PAGES), next).toEqual({ code: CODE, next: null });
    }
  });

  it('is no sign-in link without a well-formed code', () => {
    expect(parseSignInLink('#/inbox', PAGES)).toBeNull();
    expect(parseSignInLink('#sign-in=short&next=%2Finbox', PAGES)).toBeNull();
  });

  describe('in a page', () => {
    afterEach(() => vi.unstubAllGlobals());

    function openAt(hash: string, answer: Response): { window: Window; sent: unknown[] } {
      const window = new Window({ url: `http://127.0.0.1:8787/${hash}` });
      const sent: unknown[] = [];
      vi.stubGlobal('window', window);
      vi.stubGlobal('history', window.history);
      vi.stubGlobal('sessionStorage', window.sessionStorage);
      vi.stubGlobal('HashChangeEvent', window.HashChangeEvent);
      vi.stubGlobal('fetch', async (_url: string, init: { body: string }) => {
        // The address bar no longer holds the code by the time it is sent.
        sent.push({ body: JSON.parse(init.body), hash: window.location.hash });
        return answer;
      });
      return { window, sent };
    }

    it('removes the code from the address bar before it is sent, lands on the destination, signed in', async () => {
      const token = 't'.repeat(43);
      const { window, sent } = openAt(
        `#sign-in=${CODE}&next=${encodeURIComponent('/inbox/r_42')}`,
        new Response(JSON.stringify({ token }), { status: 200, headers: { 'content-type': 'application/json' } }),
      );
      const heard: string[] = [];
      window.addEventListener('hashchange', () => heard.push(window.location.hash));
      expect(await signInFromLink(PAGES)).toBe('signed-in');
      expect(sent).toEqual([{ body: { code: CODE }, hash: '#/inbox/r_42' }]);
      expect(window.location.hash).toBe('#/inbox/r_42');
      expect(window.location.href).not.toContain(CODE);
      expect(heard).toEqual(['#/inbox/r_42']);
      expect(storedToken()).toBe(token);
    });

    it('goes home, code removed, when the destination is another origin', async () => {
      const { window } = openAt(
        `#sign-in=${CODE}&next=${encodeURIComponent('https://evil.example/')}`,
        new Response(JSON.stringify({ error: { code: 'unauthorized', message: 'This sign-in link has expired.' } }), {
          status: 401,
        }),
      );
      const result = await signInFromLink(PAGES);
      expect(window.location.href).toBe('http://127.0.0.1:8787/#/annotations');
      expect(result).toEqual({ error: expect.any(String) });
    });
  });
});
