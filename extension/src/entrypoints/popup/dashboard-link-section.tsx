import { useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { getDb } from '../../db/connection.ts';
import { dashboardSignInLink, pairedCompanion } from '../../sync/companion-api.ts';
import { type CompanionEndpoint, CompanionError } from '../../sync/companion-client.ts';

/**
 * One link to the paired companion's dashboard, at the address that was paired (not a default port).
 * A click asks the companion for a one-time sign-in link and opens that instead, so the person lands
 * signed in; the code works once, for two minutes, and the pairing token itself never goes in a URL.
 */
export function DashboardLinkSection() {
  const [endpoint, setEndpoint] = useState<CompanionEndpoint | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void pairedCompanion(getDb()).then(setEndpoint);
  }, []);
  if (!endpoint) return null;
  const paired = endpoint;

  async function openDashboard(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await browser.tabs.create({ url: await dashboardSignInLink(paired) });
    } catch (reason) {
      setError(
        reason instanceof CompanionError && reason.kind === 'unreachable'
          ? `The companion at ${paired.url} is not reachable: is \`npx margin serve\` running?`
          : reason instanceof CompanionError && reason.kind === 'unauthorized'
            ? 'The companion refused the token: pair again in Options.'
            : `Could not open the dashboard: ${reason instanceof Error ? reason.message : String(reason)}`,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <p class="dashboard-link">
      <a
        href={paired.url}
        target="_blank"
        rel="noreferrer"
        aria-disabled={busy}
        onClick={(event) => void openDashboard(event)}
      >
        Open dashboard
      </a>{' '}
      <span class="hint" data-paired-url>
        at {paired.url}
      </span>
      {error && <span class="error"> {error}</span>}
    </p>
  );
}
