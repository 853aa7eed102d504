import type { Annotation } from '../annotation.ts';
import type { RubricAnswer } from '../rubric.ts';
import type { LevelDeclaration } from './options.ts';
import type { AgreementValue, MeasurementLevel } from './values.ts';

/**
 * What agreement needs of one annotation: who gave it and what they answered. The store is read once
 * into these, so a large store costs a few numbers per annotation, not its texts.
 */
export interface Rating {
  annotator: string;
  thumb: Annotation['thumb'];
  score: number | null;
  tags: readonly string[];
  rubric: Readonly<Record<string, RubricAnswer>>;
}

/** One response (annotation key) and the ratings of its distinct annotators. */
export interface RatedResponse {
  key: string;
  ratings: readonly Rating[];
}

export function ratingOf(annotation: Annotation): Rating {
  return {
    annotator: annotation.annotator,
    thumb: annotation.thumb,
    score: annotation.score,
    tags: annotation.tags,
    rubric: annotation.rubric?.answers ?? {},
  };
}

/**
 * One question asked of every response: its values per response, by annotator (an annotator who left
 * it unanswered is absent, which α treats as missing).
 */
export interface QuestionTable {
  id: string;
  label: string;
  level: MeasurementLevel;
  order?: readonly AgreementValue[];
  /** Whether the level was declared (`--level`) rather than read off the answers. */
  declared: boolean;
  responses: ReadonlyMap<string, AgreementValue>[];
}

/**
 * The questions the ratings answer:
 * - `thumb`: up or down, nominal;
 * - `score`: 0–100, interval;
 * - `tag:NAME`, one per tag used on any of the responses: present or not, nominal, answered by every
 *   annotator of the response (not tagging is an answer: "this tag does not apply");
 * - `rubric:ID`, one per rubric question answered: yes/no and words nominal, numbers interval, unless
 *   a level is declared for it (an ordinal scale, say).
 * `declared` overrides any of these; a declaration naming no question is reported by the caller.
 */
export function questionTables(
  responses: readonly RatedResponse[],
  declared: ReadonlyMap<string, LevelDeclaration> = new Map(),
): QuestionTable[] {
  const tables = new Map<string, { label: string; inferred: MeasurementLevel; rows: Map<string, AgreementValue>[] }>();
  const table = (id: string, label: string, inferred: MeasurementLevel) => {
    let found = tables.get(id);
    if (!found) {
      found = { label, inferred, rows: responses.map(() => new Map()) };
      tables.set(id, found);
    }
    return found;
  };
  const tagNames = [
    ...new Set(responses.flatMap((response) => response.ratings.flatMap((rating) => rating.tags))),
  ].sort();
  const rubricKinds = new Map<string, Set<string>>();
  for (const response of responses)
    for (const rating of response.ratings)
      for (const [id, answer] of Object.entries(rating.rubric)) {
        const kinds = rubricKinds.get(id) ?? new Set();
        kinds.add(typeof answer);
        rubricKinds.set(id, kinds);
      }

  responses.forEach((response, row) => {
    for (const rating of response.ratings) {
      const who = rating.annotator;
      if (rating.thumb !== null) table('thumb', 'Thumb (up or down)', 'nominal').rows[row]?.set(who, rating.thumb);
      if (rating.score !== null) table('score', 'Score (0–100)', 'interval').rows[row]?.set(who, rating.score);
      for (const tag of tagNames) {
        table(`tag:${tag}`, `Tag "${tag}" (present or not)`, 'nominal').rows[row]?.set(who, rating.tags.includes(tag));
      }
      for (const [id, answer] of Object.entries(rating.rubric)) {
        const numeric = rubricKinds.get(id)?.size === 1 && typeof answer === 'number';
        table(`rubric:${id}`, `Rubric "${id}"`, numeric ? 'interval' : 'nominal').rows[row]?.set(who, answer);
      }
    }
  });

  return [...tables.entries()]
    .sort(([a], [b]) => questionRank(a) - questionRank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, { label, inferred, rows }]) => {
      const declaration = declared.get(id);
      return {
        id,
        label,
        level: declaration?.level ?? inferred,
        ...(declaration?.order && { order: declaration.order }),
        declared: declaration !== undefined,
        responses: rows,
      };
    });
}

/** Thumb, score, rubric questions, then tags: the order of the extension's panel. */
function questionRank(id: string): number {
  if (id === 'thumb') return 0;
  if (id === 'score') return 1;
  return id.startsWith('rubric:') ? 2 : 3;
}
