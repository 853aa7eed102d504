import { API } from '../../../shared/index.ts';
import { callerOf, mayTouch } from '../accounts/caller.ts';
import type { SyncStore } from '../storage/store.ts';
import { defineRoute, type RouteDefinition } from './define-route.ts';

/** A conversation's ratings for the dashboard's detail view: an annotator sees only their own, like their annotations. */
export function conversationRatingsRoutes(store: Pick<SyncStore, 'conversationRatingsOf'>): RouteDefinition[] {
  return [
    defineRoute(API.conversationRatings.list, async ({ query: { key }, res }) => {
      const caller = callerOf(res);
      const ratings = await store.conversationRatingsOf(key);
      if (caller.role !== 'annotator') return { ratings };
      return { ratings: ratings.filter((rating) => mayTouch(caller, rating.annotator)) };
    }),
  ];
}
