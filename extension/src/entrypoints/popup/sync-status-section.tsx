import { useState } from 'preact/hooks';
import { getDb } from '../../db/connection.ts';
import { describeSyncStatus, readSyncStatus } from '../../sync/sync-status.ts';
import { sendMessage } from '../../utils/messaging.ts';
import { useLiveQuery } from './use-live-query.ts';
import './sections.css';

/** Sync at a glance: synced, N pending, companion unreachable since …, token rejected; and "Sync now". */
export function SyncStatusSection() {
  const status = useLiveQuery(() => readSyncStatus(getDb()));
  const [syncing, setSyncing] = useState(false);
  const [claimNote, setClaimNote] = useState<string | null>(null);
  if (status.error) return <p role="alert">Could not read the sync state: {status.error}</p>;
  if (!status.value) return null;
  const view = describeSyncStatus(status.value, Date.now());

  async function syncNow() {
    setSyncing(true);
    try {
      await sendMessage('syncNow', undefined);
    } finally {
      setSyncing(false);
    }
  }

  const signedIn = status.value.signedIn;
  const teamUser = signedIn?.team ? signedIn.user : null;

  async function useSignedInName() {
    const result = await sendMessage('useSignedInName', undefined);
    setClaimNote(
      result.ok
        ? `Your annotator name is now “${result.name}”: ${result.claimed} sent again under it${result.kept > 0 ? `; ${result.kept} kept here (you already have one for the same response under “${result.name}”)` : ''}.`
        : result.error,
    );
  }

  return (
    <section class={`sync sync-${view.tone}`} aria-labelledby="sync-heading" data-sync-tone={view.tone}>
      <h2 id="sync-heading">Sync</h2>
      {signedIn?.team && teamUser && (
        <p class="sync-detail" data-signed-in={teamUser.name}>
          Signed in as <strong>{teamUser.name}</strong> ({teamUser.role}) on {new URL(signedIn.url).host}
        </p>
      )}
      <p class="sync-headline" data-sync-headline>
        {view.headline}
      </p>
      {view.details.map((detail) => (
        <p class="sync-detail" key={detail}>
          {detail}
        </p>
      ))}
      {teamUser && status.value.refusedAnnotator.count > 0 && (
        <button type="button" data-use-signed-in-name onClick={() => void useSignedInName()}>
          Send them as {teamUser.name}
        </button>
      )}
      {claimNote && (
        <p class="sync-detail" role="status" data-claim-note>
          {claimNote}
        </p>
      )}
      {status.value.paired && (
        <button type="button" disabled={syncing} onClick={() => void syncNow()}>
          {syncing ? 'Syncing…' : 'Sync now'}
        </button>
      )}
    </section>
  );
}
