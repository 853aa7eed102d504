import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { ExportFormat } from '../../../shared/index.ts';
import { exportFileName } from './export-run.ts';

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * The file an export writes, checked before any annotation is read, so a wrong `--out` fails at once
 * instead of after the whole run: `-` is stdout; a folder (existing, or written with a trailing
 * slash) gets the default name inside it (`margin-<format>.jsonl`); otherwise the folder the file
 * goes in must exist and be writable.
 */
export function resolveExportTarget(out: string | undefined, format: ExportFormat, cwd = process.cwd()): string {
  if (out === '-') return '-';
  const defaultName = exportFileName(format, null, false);
  if (out === undefined || out === '') return resolve(cwd, defaultName);
  let path = resolve(cwd, out);
  const stat = statOrNull(path);
  if (stat?.isDirectory()) {
    path = join(path, defaultName);
  } else if (out.endsWith('/') || out.endsWith(sep)) {
    throw new Error(`--out ${out}: the folder ${path} does not exist`);
  }
  const folder = dirname(path);
  const folderStat = statOrNull(folder);
  if (folderStat === null) throw new Error(`--out ${out}: the folder ${folder} does not exist`);
  if (!folderStat.isDirectory()) throw new Error(`--out ${out}: ${folder} is a file, not a folder`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new Error(`--out ${out}: you cannot write in ${folder} (permission denied)`);
  }
  return path;
}
