import { randomUUID } from 'node:crypto';
import { API, type ConversationRating, conversationRatingSchema } from '../../../shared/index.ts';
import type { Accounts } from '../accounts/accounts.ts';
import { callerOf, mayTouch } from '../accounts/caller.ts';
import { DASHBOARD_DEVICE_ID } from '../storage/dashboard-store.ts';
import type { ItemStore } from '../storage/item-store.ts';
import type { SyncStore } from '../storage/store.ts';
import { HttpError } from '../support/http-error.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';
import { dashboardAnnotator } from './history.ts';

interface ConversationRatingsDeps {
  store: Pick<SyncStore, 'conversationRatingsOf' | 'applyChanges'>;
  clock: () => Date;
  /** Whose name the personal owner rates under (the extension's annotator); absent: `me`. */
  items?: Pick<ItemStore, 'captureAnnotator'> | undefined;
  accounts?: Accounts | undefined;
}

/** Splits `<site>:<conversationId>` at its first colon (a conversation id may hold colons, a site id never does). */
function splitKey(key: string): { site: string; conversationId: string } {
  const at = key.indexOf(':');
  return { site: key.slice(0, at), conversationId: key.slice(at + 1) };
}

/**
 * A conversation's ratings for the dashboard's detail view (an annotator sees only their own, like their
 * annotations), and the caller's own rating set from there: the same record the extension's conversation
 * bar makes, written through the sync store so it reaches the extension on its next pull.
 */
export function conversationRatingsRoutes(deps: ConversationRatingsDeps): RouteDefinition[] {
  const { store, clock } = deps;
  return [
    defineRoute(API.conversationRatings.list, async ({ query: { key }, res }) => {
      const caller = callerOf(res);
      const ratings = await store.conversationRatingsOf(key);
      const annotator = await dashboardAnnotator(res, deps.items);
      const mine = ratings.find((rating) => rating.annotator === annotator) ?? null;
      if (caller.role !== 'annotator') return { ratings, mine };
      return { ratings: ratings.filter((rating) => mayTouch(caller, rating.annotator)), mine };
    }),

    defineRoute(API.conversationRatings.set, async ({ body, res }) => {
      const annotator = await dashboardAnnotator(res, deps.items);
      const current = (await store.conversationRatingsOf(body.key)).find((rating) => rating.annotator === annotator);
      const now = clock().toISOString();
      let next: ConversationRating;
      if (body.rating === null) {
        if (!current) return { rating: null };
        next = { ...current, deletedAt: now, updatedAt: now, revision: current.revision + 1 };
      } else {
        const changes = { rating: body.rating, note: body.note, tags: body.tags, updatedAt: now };
        next = current
          ? { ...current, ...changes, revision: current.revision + 1 }
          : conversationRatingSchema.parse({
              schemaVersion: 1,
              id: randomUUID(),
              key: body.key,
              ...splitKey(body.key),
              ...changes,
              annotator,
              createdAt: now,
              deletedAt: null,
              revision: 1,
            });
      }
      const applied = await store.applyChanges({
        deviceId: DASHBOARD_DEVICE_ID,
        receivedAt: now,
        annotations: [],
        comparisons: [],
        conversationRatings: [next],
      });
      const [result] = applied.conversationRatings;
      if (result?.status !== 'accepted') {
        // Another device wrote a later version in the meantime: say so instead of pretending it saved.
        throw new HttpError(409, 'conflict', 'This conversation rating changed meanwhile; reload and try again.');
      }
      await deps.accounts?.log(callerOf(res).name, 'conversationRating.set', body.key, {
        rating: body.rating,
        revision: next.revision,
      });
      return { rating: body.rating === null ? null : next };
    }),
  ];
}
