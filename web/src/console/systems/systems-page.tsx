import { useEffect, useState } from 'react';
import type { ResultOf } from '../../shared/graphql';
import type { GatewayError } from '../../shared/gateway-client';
import { useConsole } from '../console-context';
import { FieldState, StatusBadge, when } from '../field-state';
import { SystemsQuery } from '../operations';
import { FieldMatrix } from './field-matrix';
import { PropagationCharts } from './propagation-charts';

export type SystemsData = ResultOf<typeof SystemsQuery>;
export type SystemRow = NonNullable<SystemsData['systems']>[number];

/** Thresholds past which a cell turns red: a person sees the problem before reading a number. */
const alarm = { backlog: 100, oldestPendingSeconds: 300, apiUsageShare: 0.8 };

/**
 * Every connected system at a glance (dialect, health, latency, circuit, API usage,
 * delivery backlog, dead rows, drift per channel), which system provides which profile
 * field and how often they disagree, and the last hour of propagation as charts. One
 * query, refreshed every 15 s.
 */
export function SystemsPage() {
  const { client, channels } = useConsole();
  const [answer, setAnswer] = useState<{ data: SystemsData | undefined; errors: GatewayError[] } | null>(null);
  useEffect(() => {
    let live = true;
    const load = () => void client.query(SystemsQuery, {}).then((result) => live && setAnswer(result));
    load();
    const timer = setInterval(load, 15_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [client]);
  if (!answer) return <main aria-busy="true">Loading the systems…</main>;
  const { data, errors } = answer;
  const systems = data?.systems ?? [];
  return (
    <main className="systems-page">
      <h1>Connected systems</h1>
      <FieldState errors={errors} path={['systems']}>
        <table className="systems" data-testid="systems-table">
          <thead>
            <tr>
              <th scope="col">System</th><th scope="col">Dialect</th><th scope="col">Health</th><th scope="col">Circuit</th><th scope="col">Latency</th>
              <th scope="col">API usage</th><th scope="col">Backlog</th><th scope="col">Oldest pending</th><th scope="col">Dead</th><th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {systems.map((system) => <SystemLine key={system.name} system={system} />)}
          </tbody>
        </table>
      </FieldState>

      <h2>Consent drift</h2>
      <p className="muted">Customers each system was last seen disagreeing with the consent store about, per channel (all purposes).</p>
      <table className="drift" data-testid="drift-matrix">
        <thead><tr><th scope="col">System</th>{channels.map((channel) => <th scope="col" key={channel}>{channel}</th>)}<th scope="col">Customers</th></tr></thead>
        <tbody>
          {systems.map((system) => (
            <tr key={system.name}>
              <th scope="row">{system.name}</th>
              {channels.map((channel) => {
                const customers = system.driftByChannel.filter((drift) => drift.channel === channel).reduce((sum, drift) => sum + drift.customers, 0);
                const purposes = system.driftByChannel.filter((drift) => drift.channel === channel).map((drift) => `${drift.purpose}: ${drift.customers}`).join(', ');
                return <td key={channel} className={customers > 0 ? 'warn' : undefined} title={purposes}>{customers}</td>;
              })}
              <td className={system.driftCount > 0 ? 'warn' : undefined}>{system.driftCount}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Profile fields</h2>
      <FieldState errors={errors} path={['fieldMatrix']}>
        {data?.fieldMatrix ? <FieldMatrix matrix={data.fieldMatrix} /> : <p className="muted">No field scan yet: the first one runs shortly after the gateway starts.</p>}
      </FieldState>

      <h2>Propagation, last hour</h2>
      <FieldState errors={errors} path={['propagationHistory']}>
        <PropagationCharts samples={data?.propagationHistory ?? []} systems={systems.map((system) => system.name)} />
      </FieldState>
      <p className="muted">Refreshed every 15 s; last {when(new Date().toISOString())}.</p>
    </main>
  );
}

function SystemLine({ system }: { system: SystemRow }) {
  const { health } = system;
  const usage = health.apiUsage;
  const usageShare = usage && usage.limit > 0 ? usage.used / usage.limit : null;
  const red = (problem: boolean) => (problem ? 'bad' : undefined);
  return (
    <tr data-testid={`system-${system.name}`}>
      <th scope="row">{system.name}</th>
      <td>{system.dialect}</td>
      <td className={red(health.status !== 'HEALTHY')}><StatusBadge status={health.status} /></td>
      <td className={red(health.circuit !== 'CLOSED')}><StatusBadge status={health.circuit} /></td>
      <td>{health.recentLatencyMs === null || health.recentLatencyMs === undefined ? '–' : `${Math.round(health.recentLatencyMs)} ms`}</td>
      <td className={red(usageShare !== null && usageShare > alarm.apiUsageShare)}>{usage ? `${usage.used} / ${usage.limit}` : '–'}</td>
      <td className={red((system.backlog ?? 0) > alarm.backlog)}>{system.backlog ?? '–'}</td>
      <td className={red((system.oldestPendingAge ?? 0) > alarm.oldestPendingSeconds)}>{system.oldestPendingAge === null || system.oldestPendingAge === undefined ? '–' : `${Math.round(system.oldestPendingAge)} s`}</td>
      <td className={red((system.deadCount ?? 0) > 0)}>{system.deadCount ?? '–'}</td>
      <td>{health.lastError ?? ''}</td>
    </tr>
  );
}
