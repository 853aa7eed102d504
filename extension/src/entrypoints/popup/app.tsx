import { useEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { type AnnotationCounts, countAnnotations } from '../../db/annotations.ts';
import { getDb } from '../../db/connection.ts';
import { siteAdapters } from '../../sites/index.ts';
import { DashboardLinkSection } from './dashboard-link-section.tsx';
import { DownloadDatasetSection } from './download-dataset-section.tsx';
import { HealthSection } from './health-section.tsx';
import { ReportPageSection } from './report-page-section.tsx';
import { ReviewsSection } from './reviews-section.tsx';
import { SyncStatusSection } from './sync-status-section.tsx';

/** Where the companion listens by default (`margin serve`). */
export const COMPANION_URL = 'http://127.0.0.1:8787';

export function App() {
  const [counts, setCounts] = useState<AnnotationCounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    countAnnotations(getDb(), new Date()).then(setCounts, (reason: unknown) =>
      setError(reason instanceof Error ? reason.message : String(reason)),
    );
  }, []);

  return (
    <main>
      <h1>Margin</h1>
      {error && <p role="alert">Could not read annotations: {error}</p>}
      {counts && (
        <>
          <dl class="totals">
            <div>
              <dt>Total</dt>
              <dd data-count="total">{counts.total}</dd>
            </div>
            <div>
              <dt>Today</dt>
              <dd data-count="today">{counts.today}</dd>
            </div>
          </dl>
          <table>
            <caption>Annotations per site</caption>
            <tbody>
              {siteAdapters.map((adapter) => (
                <tr key={adapter.id}>
                  <th scope="row">{adapter.label}</th>
                  <td data-site={adapter.id}>{counts.bySite[adapter.id] ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <HealthSection />
      <ReportPageSection />
      <SyncStatusSection />
      <ReviewsSection />
      <DownloadDatasetSection />
      <DashboardLinkSection />
      <p>
        <a href={COMPANION_URL} target="_blank" rel="noreferrer">
          Open the companion
        </a>{' '}
        ·{' '}
        <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
          Options
        </button>
      </p>
      <p class="version">Version {browser.runtime.getManifest().version}</p>
    </main>
  );
}
