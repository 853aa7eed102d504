/** The extension's IndexedDB (app-db.ts), named apart from Dexie so the popup's first paint can open it. */
export const DATABASE_NAME = 'margin';

/**
 * The newest version app-db.ts declares (Dexie's numbering: IndexedDB's is ten times it). The popup's
 * first paint reads the counts without Dexie only from a database at exactly this version; raise it
 * with every `this.version(N)` added (test/extension/popup-counts-direct.test.ts checks they agree).
 */
export const DATABASE_VERSION = 6;
