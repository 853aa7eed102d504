import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { COUNT_INCREMENTS, countRange } from './chart-scales.ts';

export const COLORS = { blue: '#0969da', green: '#1a7f37', red: '#cf222e', purple: '#8250df', orange: '#bc4c00' };
const HEIGHT = 240;

interface Props {
  /** What the chart shows, also its accessible name. */
  title: string;
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
}

/** A uPlot chart (canvas) that follows its box's width and is rebuilt when its data changes. */
export function Chart({ title, options, data }: Props) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = () => Math.max(240, element.clientWidth);
    // The scales as drawn, for tests and for anyone inspecting the page: what the axes really span.
    const recordScales = (plot: uPlot) => {
      for (const [key, scale] of Object.entries(plot.scales)) {
        if (scale.min === undefined || scale.max === undefined || scale.min === null || scale.max === null) continue;
        element.setAttribute(`data-${key}-range`, `${scale.min},${scale.max}`);
      }
    };
    const hooks = { ...options.hooks, draw: [...(options.hooks?.draw ?? []), recordScales] };
    const plot = new uPlot({ ...options, hooks, width: width(), height: HEIGHT }, data, element);
    const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: HEIGHT }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [options, data]);
  return <div class="chart" role="img" aria-label={title} ref={box} data-points={data[0]?.length ?? 0} />;
}

const bars = uPlot.paths.bars;

/** Bar series for categories at x = 0, 1, 2…; `align` puts two series side by side. */
export function barSeries(label: string, color: string, align: -1 | 0 | 1 = 0, scale?: string): uPlot.Series {
  return {
    label,
    stroke: color,
    fill: `${color}cc`,
    width: 0,
    ...(scale ? { scale } : {}),
    paths: bars?.({ size: [align === 0 ? 0.6 : 0.35, 64], align }),
    points: { show: false },
  };
}

/**
 * An x axis and scale that name categories instead of numbers; bars grow from 0, up to `yMax` when
 * the values have a fixed range (percentages, scores).
 */
export function categoryAxis(labels: string[], yMax?: number): Pick<uPlot.Options, 'scales' | 'axes'> {
  return {
    scales: {
      x: { time: false, range: () => [-0.5, Math.max(0.5, labels.length - 0.5)] },
      y: { range: (_plot, _min, max) => (yMax === undefined ? countRange([max]) : [0, yMax]) },
    },
    axes: [
      {
        splits: () => labels.map((_, index) => index),
        values: (_plot, splits) => splits.map((split) => labels[split] ?? ''),
        rotate: labels.length > 6 ? -35 : 0,
        size: labels.length > 6 ? 70 : 40,
        gap: 4,
      },
      // Counts tick at whole numbers (no "0.5 annotations"); a fixed range keeps uPlot's own steps.
      yMax === undefined ? { incrs: COUNT_INCREMENTS } : {},
    ],
  } as Pick<uPlot.Options, 'scales' | 'axes'>;
}
