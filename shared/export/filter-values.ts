import type { Annotation } from '../annotation.ts';
import { orList, suggestSimilar } from '../did-you-mean.ts';
import type { ExportOptions } from '../export-options.ts';

/** The filters whose values name something in the data, so a value nothing has is a typo. */
const CHECKED = ['site', 'model', 'annotator', 'tag', 'excludeTag'] as const;
export type CheckedFilter = (typeof CHECKED)[number];

/** A filter value no annotation of the export has, with the values it most likely meant. */
export interface UnknownFilterValue {
  option: CheckedFilter;
  value: string;
  suggestions: string[];
}

const valuesOf: Record<CheckedFilter, (annotation: Annotation) => readonly (string | null)[]> = {
  site: (a) => [a.site],
  model: (a) => [a.model],
  annotator: (a) => [a.annotator],
  tag: (a) => a.tags,
  excludeTag: (a) => a.tags,
};

/**
 * Collects, for each of these filters that the export uses, the values the data holds (the store's
 * facets as this export reads them), so `--site chatgtp` can be answered with "unknown, did you mean
 * chatgpt?" instead of an empty file. Only the filters given are tracked: nothing is kept otherwise.
 */
export class FilterValueCheck {
  private readonly seen = new Map<CheckedFilter, Set<string>>();

  constructor(private readonly options: ExportOptions) {
    for (const option of CHECKED) if (options[option] !== undefined) this.seen.set(option, new Set());
  }

  /** Records the values of one annotation (every live annotation read, before any filter). */
  see(annotation: Annotation): void {
    for (const [option, values] of this.seen) {
      for (const value of valuesOf[option](annotation)) if (value !== null) values.add(value);
    }
  }

  /** The filter values that matched no annotation, each with suggestions from the values seen. */
  unknown(): UnknownFilterValue[] {
    const unknown: UnknownFilterValue[] = [];
    for (const [option, values] of this.seen) {
      for (const value of this.options[option] ?? []) {
        if (!values.has(value)) unknown.push({ option, value, suggestions: suggestSimilar(value, values) });
      }
    }
    return unknown;
  }
}

/** The summary warning for an unknown value (people read `warnings`; programs read `unknownValues`). */
export function unknownValueWarning({ option, value, suggestions }: UnknownFilterValue): string {
  return `no annotation has ${option} "${value}"${suggestions.length > 0 ? ` (did you mean ${orList(suggestions)}?)` : ''}`;
}
