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

  return (
    <section class={`sync sync-${view.tone}`} aria-labelledby="sync-heading" data-sync-tone={view.tone}>
      <h2 id="sync-heading">Sync</h2>
      <p class="sync-headline" data-sync-headline>
        {view.headline}
      </p>
      {view.details.map((detail) => (
        <p class="sync-detail" key={detail}>
          {detail}
        </p>
      ))}
      {status.value.paired && (
        <button type="button" disabled={syncing} onClick={() => void syncNow()}>
          {syncing ? 'Syncing…' : 'Sync now'}
        </button>
      )}
    </section>
  );
}
