import { useMemo } from 'react';
import type { SystemsData } from './systems-page';
import { TimeChart, type TimeSeries } from './time-chart';

type Sample = NonNullable<SystemsData['propagationHistory']>[number];

/** Backlog and lag (p99) per system over the last hour, one point a minute, from `propagationHistory`. */
export function PropagationCharts({ samples, systems }: { samples: readonly Sample[]; systems: readonly string[] }) {
  const [backlog, lag] = useMemo(() => [series(samples, systems, (sample) => sample.backlog), series(samples, systems, (sample) => sample.lagP99Seconds ?? null)], [samples, systems]);
  if (samples.length === 0) return <p className="muted">No minute sampled yet.</p>;
  const worst = (data: TimeSeries) => Math.max(0, ...data.series.flatMap((entry) => entry.values.filter((value): value is number => value !== null)));
  return (
    <div className="charts" data-testid="propagation-charts">
      <TimeChart title="Delivery backlog" unit="deliveries" data={backlog} summary={`Largest backlog in the last hour: ${worst(backlog)} deliveries.`} />
      <TimeChart title="Delivery lag, 99th percentile" unit="seconds" data={lag} summary={`Largest p99 lag in the last hour: ${worst(lag).toFixed(1)} s.`} />
    </div>
  );
}

/** One line per system over every sampled minute; a minute a system has no sample for is a gap. */
function series(samples: readonly Sample[], systems: readonly string[], value: (sample: Sample) => number | null): TimeSeries {
  const times = [...new Set(samples.map((sample) => Date.parse(sample.minute) / 1000))].sort((a, b) => a - b);
  const now = Date.now() / 1000;
  return {
    window: [now - 3600, now],
    times,
    series: systems.map((system) => {
      const bySecond = new Map(samples.filter((sample) => sample.system === system).map((sample) => [Date.parse(sample.minute) / 1000, value(sample)]));
      return { label: system, values: times.map((time) => bySecond.get(time) ?? null) };
    }),
  };
}
