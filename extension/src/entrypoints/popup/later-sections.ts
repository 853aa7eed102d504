/**
 * Every popup section but the counts, loaded once the counts are on screen (app.tsx). Together they
 * bring the shared schemas (zod), the export engine and the companion's route table, whose evaluation
 * alone took longer than the popup's whole target before this split (issue 17, docs/benchmarks.md).
 */
export { AnnotatorLine } from './annotator-line.tsx';
export { DashboardLinkSection } from './dashboard-link-section.tsx';
export { DownloadDatasetSection } from './download-dataset-section.tsx';
export { HealthSection } from './health-section.tsx';
export { ReportPageSection } from './report-page-section.tsx';
export { ReviewsSection } from './reviews-section.tsx';
export { SyncStatusSection } from './sync-status-section.tsx';
