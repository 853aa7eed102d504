import { useEffect, useState } from 'preact/hooks';
import type { AgreementReport, QuestionAgreement } from '../../../../shared/agreement/report.ts';
import { API } from '../../../../shared/api/index.ts';
import { api, errorText, isAbort } from '../api.ts';

const fixed = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toFixed(3));
const percent = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;

/**
 * Agreement between a queue's annotators (`GET /api/v1/agreement?queue=…`, the same report as
 * `margin agreement --queue`): per question Krippendorff's α with its bootstrap interval, Fleiss' κ,
 * percent agreement, and Cohen's κ for each pair of annotators.
 */
export function QueueAgreement({ queueId }: { queueId: string }) {
  const [report, setReport] = useState<AgreementReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    api(API.agreement.report, { query: { queue: queueId } }, controller.signal).then(setReport, (reason: unknown) => {
      if (!isAbort(reason)) setError(errorText(reason));
    });
    return () => controller.abort();
  }, [queueId]);

  if (error) return <p class="error">{error}</p>;
  if (!report) return <p class="loading">Computing agreement…</p>;
  return (
    <section class="queue-agreement" aria-labelledby="queue-agreement-heading">
      <h3 id="queue-agreement-heading">Agreement</h3>
      <p class="muted">
        {report.responses} item{report.responses === 1 ? '' : 's'} answered by two or more of {report.annotators.length}{' '}
        annotator{report.annotators.length === 1 ? '' : 's'}.
      </p>
      {report.message && <p class="empty">{report.message}</p>}
      {report.warnings.map((warning) => (
        <p key={warning} class="warning">
          {warning}
        </p>
      ))}
      {report.questions.length > 0 && (
        <table class="admin-table" aria-label="Agreement per question">
          <thead>
            <tr>
              <th scope="col">Question</th>
              <th scope="col">Level</th>
              <th scope="col">Items</th>
              <th scope="col">Krippendorff’s α</th>
              <th scope="col">95% interval</th>
              <th scope="col">Fleiss’ κ</th>
              <th scope="col">Agreement</th>
            </tr>
          </thead>
          <tbody>
            {report.questions.map((question) => (
              <QuestionRow key={question.id} question={question} />
            ))}
          </tbody>
        </table>
      )}
      {report.questions
        .filter((question) => question.pairs.length > 0)
        .map((question) => (
          <table
            key={question.id}
            class="admin-table"
            aria-label={`Cohen’s κ per pair: ${question.label}`}
            data-pairs={question.id}
          >
            <caption>Cohen’s κ per pair of annotators: {question.label}</caption>
            <thead>
              <tr>
                <th scope="col">Annotators</th>
                <th scope="col">Items both answered</th>
                <th scope="col">Cohen’s κ</th>
                <th scope="col">Agreement</th>
              </tr>
            </thead>
            <tbody>
              {question.pairs.map((pair) => (
                <tr key={`${pair.a}-${pair.b}`} data-pair={`${pair.a}|${pair.b}`}>
                  <td>
                    {pair.a} · {pair.b}
                  </td>
                  <td>{pair.units}</td>
                  <td data-kappa>{fixed(pair.cohenKappa)}</td>
                  <td>{percent(pair.percentAgreement)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

function QuestionRow({ question }: { question: QuestionAgreement }) {
  const figure = question.figures[0];
  const interval = figure?.alphaInterval;
  return (
    <tr data-question={question.id} title={figure?.note ?? undefined}>
      <td>{question.label}</td>
      <td>{question.level}</td>
      <td>{figure?.units ?? 0}</td>
      <td data-alpha>{fixed(figure?.alpha)}</td>
      <td>{interval ? `${fixed(interval.low)} to ${fixed(interval.high)}` : '—'}</td>
      <td data-fleiss>{question.categorical ? fixed(figure?.fleissKappa) : 'n/a'}</td>
      <td data-percent>{percent(figure?.percentAgreement)}</td>
    </tr>
  );
}
