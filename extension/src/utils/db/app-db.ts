import { Dexie, type EntityTable } from 'dexie';
import type { Annotation } from '../../../../shared/index.ts';

export const DATABASE_NAME = 'margin';

/**
 * The extension's IndexedDB, opened only in the extension origin (background, popup, options).
 * Add a version by appending `this.version(N + 1).stores({...}).upgrade(...)`; never edit or remove an
 * older `version()` call (CONTRIBUTING.md, "Add a database version").
 */
export class AppDB extends Dexie {
  annotations!: EntityTable<Annotation, 'id'>;

  constructor(name = DATABASE_NAME, options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    // v1: one row per annotation; `[key+annotator]` is unique (one annotation per response per person).
    // Large strings (response, context) are not indexed.
    this.version(1).stores({
      annotations: 'id, &[key+annotator], key, [site+conversationId], site, createdAt, updatedAt',
    });
  }
}
