import { API, type AuditResponse, type UserTokenResponse } from '../../../shared/index.ts';
import { AccountError, type Accounts } from '../accounts/accounts.ts';
import { callerOf } from '../accounts/caller.ts';
import { HttpError } from '../support/http-error.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

const STATUS: Record<AccountError['code'], number> = {
  unknown_user: 404,
  duplicate_user: 409,
  revoked_user: 409,
  invalid_name: 400,
};

/** The accounts' own errors as the API's: a 404 for an unknown user, a 409 for a taken name. */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AccountError) throw new HttpError(STATUS[error.code], error.code, error.message);
    throw error;
  }
}

/** Users and the audit log, for admins (the dashboard's settings page; the CLI does the same). */
export function usersRoutes(accounts: Accounts): RouteDefinition[] {
  return [
    defineRoute(API.users.list, async () => ({ users: await accounts.listWithActivity() })),

    defineRoute(API.users.add, async ({ body, res }) => {
      const created: UserTokenResponse = await answer(() =>
        accounts.add(callerOf(res).name, body.name, body.role, body.kind),
      );
      res.status(201);
      return created;
    }),

    defineRoute(API.users.rotate, ({ params: { name }, res }) =>
      answer(() => accounts.rotate(callerOf(res).name, name)),
    ),

    defineRoute(API.users.revoke, async ({ params: { name }, res }) => ({
      user: await answer(() => accounts.revoke(callerOf(res).name, name)),
    })),

    defineRoute(API.audit.list, async ({ query }) => {
      // One more than asked tells whether an older page exists without a second count query.
      const entries = await accounts.listAudit({
        actor: query.user,
        action: query.action,
        since: query.since,
        until: query.until,
        before: query.before,
        limit: query.limit + 1,
      });
      const page = entries.slice(0, query.limit);
      const body: AuditResponse = {
        entries: page,
        next: entries.length > query.limit ? (page.at(-1)?.id ?? null) : null,
      };
      return body;
    }),
  ];
}
