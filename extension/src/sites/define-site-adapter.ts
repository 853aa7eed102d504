/**
 * What Margin knows about one chat site. Adapters are data plus pure functions of a `Document`:
 * they never touch `browser.*`, storage or globals, so a fixture page is all a test needs.
 */
export interface SiteAdapter {
  /** Kebab-case id, equal to the adapter's file name (`chatgpt` for `chatgpt.ts`). */
  id: string;
  /** Name shown to people. */
  label: string;
  /** MV3 match patterns of the pages the content script runs on. */
  matches: string[];
  /** Real conversation URLs this adapter must match; the registry test checks them. */
  testUrls: string[];
}

/** Identity helper that gives adapter files one declarative shape. */
export function defineSiteAdapter(adapter: SiteAdapter): SiteAdapter {
  return adapter;
}
