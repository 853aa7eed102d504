import { API, parseRouteResult, routePath } from '../../../shared/api/index.ts';
import { apiErrorSchema } from '../../../shared/api-error.ts';
import { navigate, parseHash, routeHref } from './router.ts';

/**
 * The token lives in this tab's sessionStorage, not localStorage: an origin here is just
 * `http://127.0.0.1:<port>`, and any other program that later listens on the same port would be the
 * same origin and could read localStorage. sessionStorage survives a reload of the tab (so an edit
 * "visible after reload" needs no new sign-in) and is gone when the tab closes.
 */
const TOKEN_KEY = 'margin.token';
const SIGN_IN_FRAGMENT = /^#sign-in=([A-Za-z0-9_-]{20,100})(?:&next=([^&#]*))?$/;
/** Where a sign-in link without a (valid) destination lands. */
const HOME = '#/annotations';

export interface SignInLink {
  code: string;
  /** A dashboard hash route (`#/inbox/<id>`) rebuilt from the link's `next`, or null for the home page. */
  next: string | null;
}

/**
 * Reads `#sign-in=<code>&next=<route>`. `next` is a route inside this dashboard (`/inbox/<id>`,
 * URL-encoded): it must start with one `/` and name one of `pages`, and it is rebuilt from its parts,
 * so an absolute URL, another origin or an unknown page never becomes the destination (home instead).
 */
export function parseSignInLink(hash: string, pages: readonly string[]): SignInLink | null {
  const match = SIGN_IN_FRAGMENT.exec(hash);
  if (!match?.[1]) return null;
  return { code: match[1], next: match[2] === undefined ? null : dashboardRoute(match[2], pages) };
}

function dashboardRoute(encoded: string, pages: readonly string[]): string | null {
  let next: string;
  try {
    next = decodeURIComponent(encoded);
  } catch {
    return null;
  }
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return null;
  const route = parseHash(`#${next}`);
  if (!pages.includes(route.page)) return null;
  return routeHref(route.page, route.rest, route.params);
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  window.dispatchEvent(new Event('margin:signed-out'));
}

/**
 * If the page was opened with a one-time sign-in link (`/#sign-in=<code>&next=<route>`), replaces the
 * code in the address bar and the history entry with the destination first (a route of `pages`, else
 * the home page), then trades the code for the token. The code is in the fragment, so it never reached
 * a server log or a Referer header; it works once, for two minutes.
 */
export async function signInFromLink(pages: readonly string[]): Promise<'none' | 'signed-in' | { error: string }> {
  const link = parseSignInLink(window.location.hash, pages);
  if (!link) return 'none';
  // `replace` also tells the router, which read the sign-in fragment as its route before this ran.
  navigate(`${window.location.pathname}${link.next ?? HOME}`, { replace: true });
  // Not through api.ts: this call has no token yet, and a 401 here is an expired link, not a sign-out.
  const route = API.dashboard.signIn;
  const response = await fetch(routePath(route), {
    method: route.method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: link.code }),
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = apiErrorSchema.safeParse(body);
    return { error: error.success ? error.data.error.message : `Sign-in failed (${response.status}).` };
  }
  const answer = parseRouteResult(route, body);
  if (!answer.success) return { error: 'The companion answered the sign-in with something else than a token.' };
  storeToken(answer.data.token);
  return 'signed-in';
}

/** Checks a pasted token against the companion before keeping it. */
export async function signInWithToken(token: string): Promise<true | { error: string }> {
  const trimmed = token.trim();
  if (!/^[A-Za-z0-9_.-]{20,256}$/.test(trimmed)) return { error: 'That does not look like a Margin token.' };
  const response = await fetch(routePath(API.sync.stats), {
    method: API.sync.stats.method,
    headers: { authorization: `Bearer ${trimmed}` },
  });
  if (response.status === 401) return { error: 'The companion does not accept this token.' };
  if (!response.ok) {
    // A 429 (too many failed sign-ins) says how long to wait; show the companion's own words.
    const refused = apiErrorSchema.safeParse(await response.json().catch(() => null));
    return { error: refused.success ? refused.data.error.message : `The companion answered ${response.status}.` };
  }
  storeToken(trimmed);
  return true;
}
