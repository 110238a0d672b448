import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Colours that keep 3:1 contrast on white, one per series. */
const palette = ['#1d4ed8', '#b91c1c', '#047857', '#7c3aed', '#b45309', '#0f766e'];

/** One line per series over shared instants (seconds since the epoch); null is a gap. */
export interface TimeSeries {
  /** The window shown, in seconds since the epoch (the last hour), whatever instants have points. */
  window: [number, number];
  times: number[];
  series: { label: string; values: (number | null)[] }[];
}

/** A time-series line chart (uPlot, drawn on a canvas) with a text summary for screen readers. */
export function TimeChart({ title, unit, data, summary }: { title: string; unit: string; data: TimeSeries; summary: string }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!holder.current) return undefined;
    const chart = new uPlot(
      {
        width: Math.max(320, holder.current.clientWidth),
        height: 220,
        scales: { x: { time: true, range: () => data.window }, y: { range: (_chart, _min, max) => [0, Math.max(1, max)] } },
        series: [{}, ...data.series.map((series, index) => ({ label: series.label, stroke: palette[index % palette.length], width: 2, spanGaps: false }))],
        axes: [{}, { label: unit, size: 60 }],
        legend: { show: true },
      },
      [data.times, ...data.series.map((series) => series.values)],
      holder.current,
    );
    return () => chart.destroy();
  }, [data, unit]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={holder} aria-hidden="true" />
      <p className="visually-hidden">{summary}</p>
    </figure>
  );
}
