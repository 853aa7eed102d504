import { dirname } from 'node:path';
import type { DatabaseTarget } from '../storage/open-database.ts';
import { describePostgresUrl } from '../storage/postgres/connect.ts';
import { backupsCheck, dataDirCheck, diskCheck } from './data-dir-checks.ts';
import { type DoctorCheck, type DoctorReport, reportOf } from './doctor-check.ts';
import { postgresChecks } from './postgres-checks.ts';
import { sqliteChecks } from './sqlite-checks.ts';

export interface DoctorOptions {
  dataDir: string;
  target: DatabaseTarget;
  /** More directories to look for backups in, besides `<data-dir>/backups` and the data directory. */
  backupDirs?: readonly string[];
  now?: number;
}

/**
 * Checks the data directory and the store without changing either: a SQLite file is opened read-only
 * and never migrated, a PostgreSQL database is only read. Every finding is one line of the report.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { dataDir, target } = options;
  const now = options.now ?? Date.now();
  const checks: DoctorCheck[] = [dataDirCheck(dataDir)];
  if (target.kind === 'sqlite') {
    const sqlite = sqliteChecks(target.path);
    checks.push(...sqlite.checks, diskCheck(dirname(target.path), sqlite.databaseBytes));
  } else {
    checks.push(...(await postgresChecks(target.url)));
  }
  const where = target.kind === 'sqlite' ? target.path : describePostgresUrl(target.url);
  checks.push(backupsCheck(dataDir, options.backupDirs ?? [], now, where));
  return reportOf(where, checks);
}
