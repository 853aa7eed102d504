import { AppDB } from './app-db.ts';

let instance: AppDB | undefined;

/** The one database connection of this extension context (opened lazily, on first use). */
export function getDb(): AppDB {
  instance ??= new AppDB();
  return instance;
}
