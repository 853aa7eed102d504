import { useMemo } from 'preact/hooks';
import type { QueueProgress as Progress } from '../../../../shared/queue-views.ts';
import { formatCount } from '../format.ts';
import { barSeries, Chart, COLORS, categoryAxis } from './chart.tsx';

/** Whole seconds, or tenths under ten seconds, where a quick campaign's medians live. */
const seconds = (value: number | null) =>
  value === null ? '—' : value < 10 ? `${value.toFixed(1)} s` : `${Math.round(value)} s`;

/**
 * A queue's progress: answers given against the target (items × overlap), and per annotator the
 * answers, skips and items held now, and the median seconds from lease to answer.
 */
export function QueueProgressView({ progress }: { progress: Progress }) {
  const { counts, annotators } = progress;
  const share = progress.target === 0 ? 0 : Math.min(100, (100 * counts.done) / progress.target);
  const names = annotators.map((row) => row.name);
  const work = useMemo(
    () => ({
      options: {
        ...categoryAxis(names),
        series: [
          {},
          barSeries('Done', COLORS.green, -1),
          barSeries('Skipped', COLORS.orange, 0),
          barSeries('In progress', COLORS.blue, 1),
        ],
      },
      data: [
        names.map((_, index) => index),
        annotators.map((row) => row.done),
        annotators.map((row) => row.skipped),
        annotators.map((row) => row.inProgress),
      ] as [number[], number[], number[], number[]],
    }),
    [progress],
  );
  const pace = useMemo(
    () => ({
      options: { ...categoryAxis(names), series: [{}, barSeries('Median seconds per item', COLORS.purple)] },
      data: [names.map((_, index) => index), annotators.map((row) => row.medianSeconds ?? 0)] as [number[], number[]],
    }),
    [progress],
  );

  return (
    <section class="queue-progress" aria-labelledby="queue-progress-heading">
      <h3 id="queue-progress-heading">Progress</h3>
      <p data-progress-done={counts.done} data-progress-target={progress.target}>
        <progress max={100} value={share} aria-label="Answers given of those needed" /> {formatCount(counts.done)} of{' '}
        {formatCount(progress.target)} answers ({formatCount(counts.completeItems)} of {formatCount(counts.items)} items
        complete) · {formatCount(counts.skipped)} skipped · {formatCount(counts.inProgress)} in progress · median{' '}
        {seconds(counts.medianSeconds)} per item
      </p>
      {annotators.length === 0 ? (
        <p class="muted">Nobody has worked this queue yet.</p>
      ) : (
        <>
          <table class="admin-table" aria-label="Progress per annotator">
            <thead>
              <tr>
                <th scope="col">Annotator</th>
                <th scope="col">Done</th>
                <th scope="col">Skipped</th>
                <th scope="col">In progress</th>
                <th scope="col">Median per item</th>
              </tr>
            </thead>
            <tbody>
              {annotators.map((row) => (
                <tr key={row.name} data-annotator={row.name}>
                  <td>{row.name}</td>
                  <td data-done>{formatCount(row.done)}</td>
                  <td data-skipped>{formatCount(row.skipped)}</td>
                  <td data-in-progress>{formatCount(row.inProgress)}</td>
                  <td>{seconds(row.medianSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="cards">
            <section class="card" data-chart="queue-work">
              <h4>Answers per annotator</h4>
              <Chart title="Done, skipped and in progress per annotator" options={work.options} data={work.data} />
            </section>
            <section class="card" data-chart="queue-pace">
              <h4>Median seconds per item</h4>
              <Chart title="Median seconds per item per annotator" options={pace.options} data={pace.data} />
            </section>
          </div>
        </>
      )}
    </section>
  );
}
