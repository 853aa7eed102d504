import type { Response } from 'express';
import { type Identity, OWNER_NAME } from '../../../shared/index.ts';

/**
 * Who made a request, known from their token. `personal` marks the pairing token's owner: on a
 * personal server that is the one person, an admin, whose annotations keep the annotator name the
 * extension sends (so nothing changes for one person); a named user's annotations carry their name.
 */
export interface Caller extends Identity {
  personal: boolean;
}

export const OWNER: Caller = { name: OWNER_NAME, role: 'admin', kind: 'human', personal: true };

/** The caller the auth middleware put on the response; the owner when none did (an app built without accounts). */
export function callerOf(res: Response): Caller {
  return (res.locals.user as Caller | undefined) ?? OWNER;
}

/** Whether `caller` may act on a record whose annotator is `annotator`: an annotator only on their own. */
export function mayTouch(caller: Caller, annotator: string): boolean {
  return caller.role === 'admin' || caller.personal || annotator === caller.name;
}
