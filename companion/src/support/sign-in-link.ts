import { API, parseRouteResult, routePath, type SignInCodeResponse } from '../../../shared/index.ts';

/**
 * Asks the companion at `url` for a one-time sign-in link to its dashboard (it works once, for two
 * minutes; the token is never in it). `where` names the address in errors, with how it was chosen.
 */
export async function requestSignInLink(url: string, token: string, where = url): Promise<SignInCodeResponse> {
  let response: Response;
  try {
    response = await fetch(`${url}${routePath(API.dashboard.signInCodes)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
  } catch {
    throw new Error(`no companion answers on ${where}: start it with "margin serve" (or pass --port)`);
  }
  if (response.status === 401) {
    throw new Error(`the companion on ${where} refused this data directory's token: is it another companion?`);
  }
  if (!response.ok) throw new Error(`the companion on ${where} answered ${response.status}`);
  const parsed = parseRouteResult(API.dashboard.signInCodes, await response.json());
  if (!parsed.success) throw new Error(`the companion on ${where} answered a sign-in code in an unexpected shape`);
  return parsed.data;
}
