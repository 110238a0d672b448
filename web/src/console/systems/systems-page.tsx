import { useEffect, useState } from 'react';
import type { ResultOf } from '../../shared/graphql';
import type { GatewayError } from '../../shared/gateway-client';
import { useConsole } from '../console-context';
import { FieldState, StatusBadge } from '../field-state';
import { SystemsQuery } from '../operations';

type Systems = ResultOf<typeof SystemsQuery>;

/**
 * Every connected system at a glance: dialect, health, latency, circuit, API usage,
 * delivery backlog and dead rows. A problem is a red cell: it needs no reading.
 */
export function SystemsPage() {
  const { client } = useConsole();
  const [answer, setAnswer] = useState<{ data: Systems | undefined; errors: GatewayError[] } | null>(null);
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
  return (
    <main className="systems-page">
      <h1>Connected systems</h1>
      <FieldState errors={errors} path={['systems']}>
        <table className="systems" data-testid="systems-table">
          <thead>
            <tr><th>System</th><th>Dialect</th><th>Health</th><th>Circuit</th><th>Latency</th><th>API usage</th><th>Backlog</th><th>Oldest pending</th><th>Dead</th><th>Drift</th><th>Last error</th></tr>
          </thead>
          <tbody>
            {data?.systems?.map((system) => {
              const usage = system.health.apiUsage;
              const usageShare = usage && usage.limit > 0 ? usage.used / usage.limit : null;
              return (
                <tr key={system.name} data-testid={`system-${system.name}`}>
                  <th scope="row">{system.name}</th>
                  <td>{system.dialect}</td>
                  <td><StatusBadge status={system.health.status} /></td>
                  <td><StatusBadge status={system.health.circuit} /></td>
                  <td>{system.health.recentLatencyMs === null ? '–' : `${Math.round(system.health.recentLatencyMs)} ms`}</td>
                  <td className={usageShare !== null && usageShare > 0.8 ? 'bad' : undefined}>{usage ? `${usage.used} / ${usage.limit}` : '–'}</td>
                  <td className={(system.backlog ?? 0) > 100 ? 'bad' : undefined}>{system.backlog ?? '–'}</td>
                  <td className={(system.oldestPendingAge ?? 0) > 300 ? 'bad' : undefined}>{system.oldestPendingAge === null ? '–' : `${Math.round(system.oldestPendingAge ?? 0)} s`}</td>
                  <td className={(system.deadCount ?? 0) > 0 ? 'bad' : undefined}>{system.deadCount ?? '–'}</td>
                  <td className={system.driftCount > 0 ? 'warn' : undefined}>{system.driftCount}</td>
                  <td>{system.health.lastError ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </FieldState>
    </main>
  );
}
