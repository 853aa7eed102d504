import { useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import type { MeResponse } from '../../../../shared/index.ts';
import { getDb } from '../../db/connection.ts';
import { isLoopbackCompanion, normalizeCompanionUrl } from '../../sync/companion-client.ts';
import { readMeta } from '../../sync/sync-meta.ts';
import type { SignedIn } from '../../sync/sync-state.ts';
import { originPattern } from '../../utils/origin-pattern.ts';
import { annotatorNameItem } from '../../utils/settings.ts';

/**
 * The team-server side of pairing (docs/team.md, "Pairing the extension with a team server"): the
 * browser's permission to reach a server that is not on this machine, and who the token signs in as.
 */

/**
 * Asks the browser for access to the server's host, from the click that pairs: browsers show the
 * prompt only inside a user gesture, and Firefox only before the handler awaits anything, so call this
 * first. Resolves true at once for the companion on this machine (the manifest grants loopback) and
 * for an address the companion URL check refuses (that check says why).
 */
export function requestServerAccess(rawUrl: string): Promise<boolean> {
  const normalized = normalizeCompanionUrl(rawUrl);
  if (!normalized.ok || isLoopbackCompanion(normalized.url)) return Promise.resolve(true);
  return browser.permissions.request({ origins: [originPattern(normalized.url)] });
}

export function accessRefusedMessage(rawUrl: string): string {
  const normalized = normalizeCompanionUrl(rawUrl);
  const host = normalized.ok ? new URL(normalized.url).host : rawUrl;
  return `Not paired: Margin needs your permission to reach ${host}, and the browser's prompt was refused or closed. Save again and choose Allow. Nothing of the pairing was saved.`;
}

/**
 * What pairing means for the person's name, and whether this token can sync at all: a viewer may read
 * the dashboard and export, but pushes and pulls are for annotators and admins.
 */
export function teamPairingProblem(me: MeResponse | null): string | null {
  if (!me?.server.team || me.user.role !== 'viewer') return null;
  return `Not paired: "${me.user.name}" is a viewer on this team server. Viewers read the dashboard and export datasets, but cannot sync annotations from a browser: ask an admin for an annotator token. Nothing of the pairing was saved.`;
}

/**
 * On a team server the token names the annotator: the local annotator name becomes the signed-in
 * user's, so new annotations are not refused for carrying another name. Answers what to tell the person.
 */
export async function adoptTeamName(me: MeResponse | null): Promise<string> {
  if (!me?.server.team) return '';
  const previous = await annotatorNameItem.getValue();
  const signedIn = `Signed in as ${me.user.name} (${me.user.role}).`;
  if (previous === me.user.name) return signedIn;
  await annotatorNameItem.setValue(me.user.name);
  return `${signedIn} Your annotator name is now “${me.user.name}” (it was “${previous}”): a team server names every annotation after the token's user.`;
}

/** Who this browser is signed in as, and where; re-read whenever `version` changes (after a pairing). */
export function SignedInAs({ version }: { version: number }) {
  const [signedIn, setSignedIn] = useState<SignedIn | null>(null);
  useEffect(() => {
    const db = getDb();
    void Promise.all([readMeta(db, 'companion'), readMeta(db, 'signedIn')]).then(([companion, known]) =>
      setSignedIn(known && known.url === companion?.url ? known : null),
    );
  }, [version]);
  if (!signedIn) return null;
  const { user } = signedIn;
  return (
    <p class="signed-in" data-signed-in={user?.name ?? ''}>
      {signedIn.team && user ? (
        <>
          Signed in as <strong>{user.name}</strong> ({user.role}) on the team server <code>{signedIn.url}</code>
          {signedIn.version && ` (Margin ${signedIn.version})`}.
        </>
      ) : (
        <>
          Paired with your own companion at <code>{signedIn.url}</code>
          {signedIn.version && ` (Margin ${signedIn.version})`}.
        </>
      )}
    </p>
  );
}
