import { z } from 'zod';

/**
 * What a capture could not read from the page, recorded in an annotation's `metadata` (scalars only, so
 * every export and database keeps them as they are). docs/capture.md, "Fields", describes each key.
 * Keys under `capture.` are Margin's: a capture rewrites all of them on every save.
 */

/** `true` when anything was not captured: the context or response is not the whole of what the page had. */
export const CAPTURE_PARTIAL_KEY = 'capture.partial';

/** One count per kind of thing the capture saw but could not read, present only when above 0. */
export const CAPTURE_COUNT_KEYS = {
  /** Earlier turns missing from `context`: virtualized away before they were seen, or over the limits. */
  unrenderedTurns: 'capture.unrenderedTurns',
  /** Images, replaced in the text by `[image: <alt or file name>]`. */
  images: 'capture.images',
  /** Attached files, replaced by `[file: <name>]`. */
  files: 'capture.files',
  /** Canvases and artifacts (documents, apps, charts shown beside the chat), replaced by `[artifact: <title>]`. */
  artifacts: 'capture.artifacts',
  /** Tool calls whose output the page did not show, replaced by `[tool output not captured]`. */
  toolOutputs: 'capture.toolOutputs',
} as const;
export type CaptureCountKind = keyof typeof CAPTURE_COUNT_KEYS;

const COUNT_KINDS = Object.keys(CAPTURE_COUNT_KEYS) as CaptureCountKind[];
const CAPTURE_KEYS = new Set<string>([CAPTURE_PARTIAL_KEY, ...Object.values(CAPTURE_COUNT_KEYS)]);

const countSchema = z.int().min(0).max(1_000_000);

/** The counts a capture reports (absent = 0). */
export const captureCountsSchema = z.strictObject({
  unrenderedTurns: countSchema.optional(),
  images: countSchema.optional(),
  files: countSchema.optional(),
  artifacts: countSchema.optional(),
  toolOutputs: countSchema.optional(),
});
export type CaptureCounts = z.infer<typeof captureCountsSchema>;

type ScalarRecord = Record<string, string | number | boolean | null>;

/** The metadata entries for these counts: each count above 0, then `capture.partial: true` if any was. */
export function completenessMetadata(counts: CaptureCounts): Record<string, number | true> {
  const entries: Record<string, number | true> = {};
  for (const kind of COUNT_KINDS) {
    const count = counts[kind] ?? 0;
    if (count > 0) entries[CAPTURE_COUNT_KEYS[kind]] = count;
  }
  if (Object.keys(entries).length > 0) entries[CAPTURE_PARTIAL_KEY] = true;
  return entries;
}

/** `metadata` without the completeness keys, so a fresh capture's can replace them. */
export function withoutCompleteness<T extends ScalarRecord>(metadata: T): T {
  return Object.fromEntries(Object.entries(metadata).filter(([key]) => !CAPTURE_KEYS.has(key))) as T;
}

/** The counts recorded in `metadata` (kinds not recorded, or not a positive whole number, are left out). */
export function readCompleteness(metadata: ScalarRecord): CaptureCounts {
  const counts: CaptureCounts = {};
  for (const kind of COUNT_KINDS) {
    const value = metadata[CAPTURE_COUNT_KEYS[kind]];
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) counts[kind] = value;
  }
  return counts;
}

/**
 * Whether the annotation's capture is incomplete: `capture.partial` is true, or a count is recorded
 * (an upgraded record whose metadata was full may carry the count alone).
 */
export function isPartialCapture(metadata: ScalarRecord): boolean {
  return metadata[CAPTURE_PARTIAL_KEY] === true || Object.keys(readCompleteness(metadata)).length > 0;
}
