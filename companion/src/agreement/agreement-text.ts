import type { AgreementFigure, AgreementReport } from '../../../shared/agreement/index.ts';

/**
 * The report as `margin agreement` prints it: one table of figures per question and scope, then
 * Cohen's κ for each pair of annotators, then the notes (why a figure is missing).
 */
export function agreementText(report: AgreementReport): string {
  const lines: string[] = [];
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  if (report.message !== null) {
    lines.push(report.message);
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    `Agreement over ${report.responses} response${report.responses === 1 ? '' : 's'} rated by two or more annotators (${report.annotationsRead} annotations read).`,
  );
  lines.push(
    `Annotators: ${report.annotators
      .map((a) => `${a.name}${a.kind === 'model' ? ' [model]' : ''} (${a.responses})`)
      .join(', ')}`,
  );
  lines.push('');

  const notes: string[] = [];
  let varyingRaters = false;
  const rows: string[][] = [
    ['Question', 'Level', 'Scope', 'Units', 'Annotators', 'α', '95% CI', "Fleiss' κ", 'Agreement'],
  ];
  for (const question of report.questions) {
    for (const figure of question.figures) {
      if (figure.fleissConstantRaters === false) varyingRaters = true;
      if (figure.note !== null) notes.push(`${question.id} (${figure.scope}): ${figure.note}`);
      rows.push([
        question.id,
        `${question.level}${question.declared ? '*' : ''}`,
        figure.scope,
        String(figure.units),
        String(figure.annotators),
        decimal(figure.alpha),
        interval(figure),
        figure.fleissKappa === null ? '—' : `${decimal(figure.fleissKappa)}${figure.fleissConstantRaters ? '' : '†'}`,
        percent(figure.percentAgreement),
      ]);
    }
  }
  lines.push(...table(rows));

  const pairRows: string[][] = [['Question', 'Annotator A', 'Annotator B', 'Kind', 'Units', "Cohen's κ", 'Agreement']];
  for (const question of report.questions)
    for (const pair of question.pairs)
      pairRows.push([
        question.id,
        pair.a,
        pair.b,
        pair.kind,
        String(pair.units),
        decimal(pair.cohenKappa),
        percent(pair.percentAgreement),
      ]);
  if (pairRows.length > 1) {
    lines.push('', "Cohen's κ for each pair of annotators (categorical questions, responses both rated):");
    lines.push(...table(pairRows));
  }

  const footnotes: string[] = [];
  if (report.questions.some((q) => q.declared)) footnotes.push('* level declared with --level');
  if (varyingRaters)
    footnotes.push(
      "† responses had different numbers of answers; Fleiss' formulas applied as written (docs/agreement.md)",
    );
  if (footnotes.length > 0 || notes.length > 0) lines.push('');
  lines.push(...footnotes, ...notes.map((note) => `note: ${note}`));
  return `${lines.join('\n')}\n`;
}

function decimal(value: number | null): string {
  return value === null ? '—' : value.toFixed(3);
}

function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

function interval(figure: AgreementFigure): string {
  const ci = figure.alphaInterval;
  return ci === null ? '—' : `[${ci.low.toFixed(3)}, ${ci.high.toFixed(3)}]`;
}

/** Columns padded to their widest cell; numbers stay left-aligned too, so the file diffs cleanly. */
function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
