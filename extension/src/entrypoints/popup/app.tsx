import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import { getDb } from '../../db/connection.ts';
import { type AnnotationCounts, countAnnotations } from '../../db/counts.ts';
import { siteAdapters } from '../../sites/index.ts';
import { DEFAULT_ANNOTATOR, readSettings } from '../../utils/settings.ts';
import { DashboardLinkSection } from './dashboard-link-section.tsx';
import { DownloadDatasetSection } from './download-dataset-section.tsx';
import { HealthSection } from './health-section.tsx';
import { ReportPageSection } from './report-page-section.tsx';
import { ReviewsSection } from './reviews-section.tsx';
import { SyncStatusSection } from './sync-status-section.tsx';

/** Sites with annotations, busiest first ("ChatGPT 3, Claude 1"); sites with none are left out. */
function siteBreakdown(counts: AnnotationCounts): string {
  return siteAdapters
    .map((adapter) => ({ label: adapter.label, count: counts.bySite[adapter.id] ?? 0 }))
    .filter((site) => site.count > 0)
    .sort((a, b) => b.count - a.count)
    .map((site) => `${site.label} ${site.count}`)
    .join(', ');
}

/** The moment the counts are in the page (`npm run bench:popup` reads it: navigation → counts shown). */
export const COUNTS_SHOWN_MARK = 'margin:counts-shown';

export function App() {
  const [counts, setCounts] = useState<AnnotationCounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [annotator, setAnnotator] = useState<string | null>(null);
  useEffect(() => {
    void readSettings().then((settings) => setAnnotator(settings.annotator));
    countAnnotations(getDb(), new Date()).then(setCounts, (reason: unknown) =>
      setError(reason instanceof Error ? reason.message : String(reason)),
    );
  }, []);

  useLayoutEffect(() => {
    if (counts && performance.getEntriesByName(COUNTS_SHOWN_MARK).length === 0) performance.mark(COUNTS_SHOWN_MARK);
  }, [counts]);

  return (
    <main>
      <h1>Margin</h1>
      {annotator !== null && (
        <p class="annotator" data-annotator={annotator}>
          Annotating as <strong>{annotator}</strong>
          {annotator === DEFAULT_ANNOTATOR && ' (set your name in Options)'}
        </p>
      )}
      {error && <p role="alert">Could not read annotations: {error}</p>}
      <SyncStatusSection />
      <DashboardLinkSection />
      <HealthSection />
      <ReportPageSection />
      {counts && (
        <section aria-labelledby="work-heading">
          <h2 id="work-heading">Your work</h2>
          <p class="work" data-work>
            <strong data-count="today">{counts.today}</strong> today ·{' '}
            <strong data-count="total">{counts.total}</strong> in all
            {siteBreakdown(counts) !== '' && <span data-sites> ({siteBreakdown(counts)})</span>}
          </p>
        </section>
      )}
      <ReviewsSection />
      <DownloadDatasetSection />
      <p>
        <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
          Options
        </button>
      </p>
      <p class="version">Version {browser.runtime.getManifest().version}</p>
    </main>
  );
}
