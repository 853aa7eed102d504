/**
 * "Did you mean …?" for values a person typed: a format id, a site, an annotator. shared/ may import
 * nothing but zod, so the edit distance is written here (restricted Damerau–Levenshtein: a swap of
 * two neighbours, as in "chatgtp", costs one edit, like a typo does).
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (d[(i - 1) * cols + j] as number) + 1,
        (d[i * cols + j - 1] as number) + 1,
        (d[(i - 1) * cols + j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[(i - 2) * cols + j - 2] as number) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1] as number;
}

/**
 * The candidates `value` most likely meant, best first (at most `limit`): those within a few edits
 * (about one per three characters), and those that contain it as a whole `-`-separated part, so a bare
 * "dpo" finds "trl-dpo" and "openai-dpo". Case is ignored, so "Claude" suggests "claude".
 */
export function suggestSimilar(value: string, candidates: Iterable<string>, limit = 3): string[] {
  const wanted = value.trim().toLowerCase();
  if (wanted === '') return [];
  const allowed = Math.max(1, Math.floor(wanted.length / 3));
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === value) continue;
    const lower = candidate.toLowerCase();
    const distance = editDistance(wanted, lower);
    if (distance <= allowed) scored.push({ candidate, score: distance });
    else if (lower.split(/[-_.\s/]+/).includes(wanted)) scored.push({ candidate, score: allowed + 1 });
    else if (wanted.length >= 3 && lower.startsWith(wanted)) scored.push({ candidate, score: allowed + 2 });
  }
  return scored
    .sort((x, y) => x.score - y.score)
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`: suggestions as a sentence ends them. */
export function orList(values: readonly string[]): string {
  const quoted = values.map((value) => `"${value}"`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** ` (did you mean "x"?)`, or nothing when there is no likely candidate. */
export function didYouMean(value: string, candidates: Iterable<string>): string {
  const suggestions = suggestSimilar(value, candidates);
  return suggestions.length > 0 ? ` (did you mean ${orList(suggestions)}?)` : '';
}
