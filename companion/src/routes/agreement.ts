import { API } from '../../../shared/index.ts';
import { type AgreementSource, agreementFromStore } from '../agreement/agreement-from-store.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** `GET /api/v1/agreement?site=…&models=…`: the report `margin agreement --json` prints, for the same options. */
export function agreementRoutes(store: AgreementSource): RouteDefinition[] {
  return [defineRoute(API.agreement.report, ({ query }) => agreementFromStore(store, query))];
}
