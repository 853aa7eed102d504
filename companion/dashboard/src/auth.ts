import { API, parseRouteResult, routePath } from '../../../shared/api/index.ts';
import { apiErrorSchema } from '../../../shared/api-error.ts';

/**
 * The token lives in this tab's sessionStorage, not localStorage: an origin here is just
 * `http://127.0.0.1:<port>`, and any other program that later listens on the same port would be the
 * same origin and could read localStorage. sessionStorage survives a reload of the tab (so an edit
 * "visible after reload" needs no new sign-in) and is gone when the tab closes.
 */
const TOKEN_KEY = 'margin.token';
const SIGN_IN_FRAGMENT = /^#sign-in=([A-Za-z0-9_-]{20,100})$/;

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
 * If the page was opened with a one-time sign-in link (`/#sign-in=<code>`), removes the code from
 * the address bar and the history entry first, then trades it for the token. The code is in the
 * fragment, so it never reached a server log or a Referer header; it works once, for two minutes.
 */
export async function signInFromLink(): Promise<'none' | 'signed-in' | { error: string }> {
  const match = SIGN_IN_FRAGMENT.exec(window.location.hash);
  if (!match?.[1]) return 'none';
  history.replaceState(null, '', `${window.location.pathname}#/annotations`);
  // Not through api.ts: this call has no token yet, and a 401 here is an expired link, not a sign-out.
  const route = API.dashboard.signIn;
  const response = await fetch(routePath(route), {
    method: route.method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: match[1] }),
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
  if (!/^[A-Za-z0-9_-]{20,256}$/.test(trimmed)) return { error: 'That does not look like a Margin token.' };
  const response = await fetch(routePath(API.sync.stats), {
    method: API.sync.stats.method,
    headers: { authorization: `Bearer ${trimmed}` },
  });
  if (response.status === 401) return { error: 'The companion does not accept this token.' };
  if (!response.ok) return { error: `The companion answered ${response.status}.` };
  storeToken(trimmed);
  return true;
}
