/**
 * How a campaign export (`--queue ID`) turns the answers to one item into lines (docs/queues.md,
 * "Exporting a campaign"): `majority` (the most frequent thumb, choice and preference; the median
 * of numbers), `mean` (the same, with numbers averaged), `adjudicated` (the adjudicator's final
 * answer where there is one, else `majority`), `all` (one line per annotator's answer).
 */
export const EXPORT_AGGREGATES = ['majority', 'mean', 'adjudicated', 'all'] as const;
export type ExportAggregate = (typeof EXPORT_AGGREGATES)[number];
export const DEFAULT_AGGREGATE: ExportAggregate = 'adjudicated';
