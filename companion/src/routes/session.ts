import { API, type MeResponse, PROTOCOL, type ProtocolRange } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { callerOf } from '../accounts/caller.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** `GET /api/v1/me`: who the token belongs to, so the extension and the dashboard can say it. */
export function sessionRoutes(
  accounts: Accounts | undefined,
  version: string,
  protocol: ProtocolRange = PROTOCOL,
): RouteDefinition[] {
  return [
    defineRoute(API.session.me, async ({ res }) => {
      const { name, role, kind } = callerOf(res);
      const body: MeResponse = {
        user: { name, role, kind },
        server: { team: (await accounts?.isTeam()) ?? false, version, protocol },
      };
      return body;
    }),
  ];
}
