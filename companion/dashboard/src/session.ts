import { useEffect, useState } from 'preact/hooks';
import type { MeResponse, UserRole } from '../../../shared/account.ts';
import { API } from '../../../shared/api/index.ts';
import { api, errorText } from './api.ts';

let asked: Promise<MeResponse> | null = null;

/** Who this tab is signed in as (`GET /api/v1/me`), asked once per sign-in and shared by every page. */
export function whoAmI(): Promise<MeResponse> {
  asked ??= api(API.session.me, {}).catch((error: unknown) => {
    asked = null; // a failure is not remembered: the next page asks again
    throw error;
  });
  return asked;
}

if (typeof window !== 'undefined') window.addEventListener('margin:signed-out', () => (asked = null));

export type SessionState =
  | { state: 'loading' }
  | { state: 'ready'; me: MeResponse }
  | { state: 'error'; error: string };

export function useSession(): SessionState {
  const [session, setSession] = useState<SessionState>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    whoAmI().then(
      (me) => live && setSession({ state: 'ready', me }),
      (error: unknown) => live && setSession({ state: 'error', error: errorText(error) }),
    );
    return () => {
      live = false;
    };
  }, []);
  return session;
}

/** Whether a page limited to `roles` is for this session; while the session loads, not yet. */
export function sessionMay(session: SessionState, roles: readonly UserRole[] | undefined): boolean {
  if (roles === undefined) return true;
  return session.state === 'ready' && roles.includes(session.me.user.role);
}
