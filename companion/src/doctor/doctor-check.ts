/**
 * One line of `margin doctor`'s report: what was checked, what was found and, when something is wrong,
 * what to do about it. `warn` is worth knowing but loses nothing; only `fail` makes the exit code non-zero.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface DoctorCheck {
  /** Stable id for scripts reading `--json` (`sqlite.integrity`, `disk.free`, …). */
  id: string;
  /** A few words for people: "Integrity", "Free disk space". */
  label: string;
  status: CheckStatus;
  /** What was found, in one line. */
  detail: string;
  /** How to recover, when the status is not ok. */
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  database: string;
  checks: DoctorCheck[];
}

export function check(id: string, label: string, status: CheckStatus, detail: string, fix?: string): DoctorCheck {
  return fix === undefined ? { id, label, status, detail } : { id, label, status, detail, fix };
}

export function reportOf(database: string, checks: DoctorCheck[]): DoctorReport {
  return { ok: checks.every((item) => item.status !== 'fail'), database, checks };
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** The report as text: one line per check, the way out indented under each that is not ok. */
export function formatReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((item) => item.label.length));
  const lines = [`margin doctor: ${report.database}`, ''];
  for (const item of report.checks) {
    lines.push(`${MARK[item.status]}  ${item.label.padEnd(width)}  ${item.detail}`);
    if (item.fix !== undefined) lines.push(`${' '.repeat(width + 8)}→ ${item.fix}`);
  }
  const failed = report.checks.filter((item) => item.status === 'fail').length;
  const warned = report.checks.filter((item) => item.status === 'warn').length;
  lines.push(
    '',
    failed > 0
      ? `${failed} check${failed === 1 ? '' : 's'} failed. Nothing was changed: follow the → lines, then run margin doctor again.`
      : `No problem found${warned > 0 ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}.`,
  );
  return `${lines.join('\n')}\n`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatAge(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 1) return `${Math.max(0, Math.round(ms / 60_000))} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}
