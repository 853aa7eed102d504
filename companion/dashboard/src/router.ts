import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/annotations/<id>?site=chatgpt`): the companion serves one file at `/`, and the
 * fragment never reaches a server, a log or a Referer. A page gets the path segments after its id
 * and the query, so filters survive a reload and the back button.
 */
export interface Route {
  page: string;
  rest: string[];
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = text.split('?', 2);
  const [page = '', ...rest] = path
    .split('/')
    .filter((part) => part !== '')
    .map(decodeURIComponent);
  return { page, rest, params: new URLSearchParams(query) };
}

export function routeHref(
  page: string,
  rest: string[] = [],
  params?: URLSearchParams | Record<string, string>,
): string {
  const query = params === undefined ? '' : new URLSearchParams(params).toString();
  const path = [page, ...rest].map(encodeURIComponent).join('/');
  return `#/${path}${query === '' ? '' : `?${query}`}`;
}

/** Changes the route; `replace` keeps typing in a search box from filling the history. */
export function navigate(href: string, options: { replace?: boolean } = {}): void {
  if (options.replace) {
    history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else window.location.hash = href;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
