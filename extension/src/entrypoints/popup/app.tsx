import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { browser } from '#imports';
import type { AnnotationCounts } from '../../db/count-rows.ts';
import { databaseErrorText } from '../../db/open-errors.ts';
import { siteAdapters } from '../../sites/index.ts';

/** The moment the counts are in the page (`npm run bench:popup` reads it: navigation → counts shown). */
export const COUNTS_SHOWN_MARK = 'margin:counts-shown';

/** The longest the other sections wait for the counts before they load anyway (a blocked database). */
const SECTIONS_WAIT_MS = 1_000;

type LaterSections = typeof import('./later-sections.ts');

/** Sites with annotations, busiest first ("ChatGPT 3, Claude 1"); sites with none are left out. */
function siteBreakdown(counts: AnnotationCounts): string {
  return siteAdapters
    .map((adapter) => ({ label: adapter.label, count: counts.bySite[adapter.id] ?? 0 }))
    .filter((site) => site.count > 0)
    .sort((a, b) => b.count - a.count)
    .map((site) => `${site.label} ${site.count}`)
    .join(', ');
}

/**
 * The toolbar popup. Only the counts are on the first paint's path (`countsRead` is started by
 * main.tsx before the first render); the other sections' code loads once they are shown, since
 * evaluating it (the shared schemas, the export engine) took longer than the counts' whole budget.
 */
export function App({ countsRead }: { countsRead: Promise<AnnotationCounts> }) {
  const [counts, setCounts] = useState<AnnotationCounts | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sections, setSections] = useState<LaterSections | null>(null);
  const [sectionsError, setSectionsError] = useState<string | null>(null);
  useLayoutEffect(() => {
    countsRead.then(setCounts, (reason: unknown) => setError(databaseErrorText(reason)));
  }, [countsRead]);
  useLayoutEffect(() => {
    if (counts && performance.getEntriesByName(COUNTS_SHOWN_MARK).length === 0) performance.mark(COUNTS_SHOWN_MARK);
  }, [counts]);
  useEffect(() => {
    const settled = countsRead.then(
      () => undefined,
      () => undefined,
    );
    const waited = new Promise((resolve) => setTimeout(resolve, SECTIONS_WAIT_MS));
    void Promise.race([settled, waited])
      .then(() => import('./later-sections.ts'))
      .then(setSections, (reason: unknown) =>
        setSectionsError(reason instanceof Error ? reason.message : String(reason)),
      );
  }, [countsRead]);

  return (
    <main>
      <h1>Margin</h1>
      {sections && <sections.AnnotatorLine />}
      {error && <p role="alert">Could not read annotations: {error}</p>}
      {sectionsError && <p role="alert">Could not load the rest of the popup: {sectionsError}</p>}
      {sections && (
        <>
          <sections.SyncStatusSection />
          <sections.DashboardLinkSection />
          <sections.HealthSection />
          <sections.ReportPageSection />
        </>
      )}
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
      {sections && (
        <>
          <sections.ReviewsSection />
          <sections.DownloadDatasetSection />
        </>
      )}
      <p>
        <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
          Options
        </button>
      </p>
      <p class="version">Version {browser.runtime.getManifest().version}</p>
    </main>
  );
}
