import { useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { getDb } from '../../db/connection.ts';
import { dashboardSignInLink, pairedCompanion } from '../../sync/companion-api.ts';
import { CompanionError } from '../../sync/companion-client.ts';

/**
 * "Open dashboard": asks the paired companion for a one-time sign-in link and opens it in a tab. The
 * link carries a code that works once, for two minutes; the pairing token itself never goes in a URL.
 */
export function DashboardLinkSection() {
  const [paired, setPaired] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void pairedCompanion(getDb()).then((endpoint) => setPaired(endpoint !== null));
  }, []);
  if (!paired) return null;

  async function openDashboard() {
    setBusy(true);
    setError(null);
    try {
      const endpoint = await pairedCompanion(getDb());
      if (!endpoint) throw new Error('no companion is paired');
      await browser.tabs.create({ url: await dashboardSignInLink(endpoint) });
    } catch (reason) {
      setError(
        reason instanceof CompanionError && reason.kind === 'unreachable'
          ? 'The companion is not reachable: is `npx margin serve` running?'
          : reason instanceof CompanionError && reason.kind === 'unauthorized'
            ? 'The companion refused the token: update it in Options.'
            : `Could not open the dashboard: ${reason instanceof Error ? reason.message : String(reason)}`,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="dashboard-heading">
      <h2 id="dashboard-heading">Dashboard</h2>
      <button type="button" disabled={busy} onClick={() => void openDashboard()}>
        Open dashboard
      </button>
      {error && <p class="error">{error}</p>}
    </section>
  );
}
