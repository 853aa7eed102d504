import type { Annotation } from '../../../shared/index.ts';

const EXCERPT_CHARS = 160;

/** The first words of a text on one line, as the dashboard's table shows them. */
export function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT_CHARS ? flat : `${flat.slice(0, EXCERPT_CHARS - 1)}…`;
}

/** What the dashboard's index keeps of an annotation: its filter, sort and chart columns and its excerpts. */
export interface DashboardValues {
  id: string;
  site: string;
  model: string | null;
  annotator: string;
  thumb: 'up' | 'down' | null;
  score: number | null;
  createdAt: string;
  createdMs: number;
  updatedAt: string;
  deleted: boolean;
  hasComment: boolean;
  hasCorrection: boolean;
  commentExcerpt: string;
  responseExcerpt: string;
  tags: string[];
}

/** The same for both stores, computed in JS so it matches the export's rules to the letter (JS trim, Date.parse). */
export function dashboardValues(annotation: Annotation): DashboardValues {
  return {
    id: annotation.id,
    site: annotation.site,
    model: annotation.model,
    annotator: annotation.annotator,
    thumb: annotation.thumb,
    score: annotation.score,
    createdAt: annotation.createdAt,
    createdMs: Date.parse(annotation.createdAt),
    updatedAt: annotation.updatedAt,
    deleted: annotation.deletedAt !== null,
    hasComment: annotation.comment.trim() !== '',
    hasCorrection: annotation.correction !== null,
    commentExcerpt: excerpt(annotation.comment),
    responseExcerpt: excerpt(annotation.response),
    tags: annotation.tags,
  };
}
