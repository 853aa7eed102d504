/** A term longer than this is left out of PostgreSQL's index (a lexeme may not exceed 2 KB). */
const MAX_TERM_CHARS = 255;
/** Stop before PostgreSQL's 1 MB limit on one document's terms. */
const MAX_TERMS_CHARS = 500_000;

/**
 * The words of `text` as SQLite's FTS5 tokenizer (`unicode61 remove_diacritics 2`) sees them: runs of
 * letters and digits, case folded, accents removed ("Café" is "cafe"); everything else separates
 * words, `_` included. The PostgreSQL store indexes these (once each), so both stores find the same
 * annotations for the same search.
 */
export function searchTerms(text: string): string[] {
  const folded = text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
  return folded.match(/[\p{L}\p{N}\p{Co}]+/gu) ?? [];
}

/** The distinct terms of a document's texts, within the index's limits. */
export function documentTerms(...texts: string[]): string[] {
  const terms = new Set<string>();
  let chars = 0;
  for (const text of texts) {
    for (const term of searchTerms(text)) {
      if (term.length > MAX_TERM_CHARS || terms.has(term)) continue;
      chars += term.length + 1;
      if (chars > MAX_TERMS_CHARS) return [...terms];
      terms.add(term);
    }
  }
  return [...terms];
}

/**
 * What a person typed, as a PostgreSQL `tsquery`: every word must occur, each as a prefix ("rout"
 * finds "router"), as `ftsQuery` asks of FTS5. Terms are quoted, so query syntax in the input (`&`,
 * `!`, `:*`) is only text. Undefined when nothing is searchable: that matches nothing.
 */
export function tsQuery(text: string): string | undefined {
  const terms = searchTerms(text).filter((term) => term.length <= MAX_TERM_CHARS);
  if (terms.length === 0) return undefined;
  return [...new Set(terms)].map((term) => `'${term}':*`).join(' & ');
}
