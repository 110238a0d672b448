import { CircuitState } from 'cockatiel';
import { SourceHealth } from '../../../src/adapters/http/source-health';

describe('SourceHealth', () => {
  it('is HEALTHY with no latency before any call', () => {
    expect(new SourceHealth().snapshot(CircuitState.Closed)).toEqual({
      status: 'HEALTHY',
      circuit: 'CLOSED',
      lastError: null,
      recentLatencyMs: null,
      apiUsage: null,
    });
  });

  it('reports the median of the most recent latencies only', () => {
    const health = new SourceHealth({ windowSize: 3 });
    for (const ms of [1000, 1000, 1000, 10, 20, 30]) health.recordLatency(ms);
    expect(health.snapshot(CircuitState.Closed).recentLatencyMs).toBe(20);
    health.recordLatency(40);
    expect(health.snapshot(CircuitState.Closed).recentLatencyMs).toBe(30);
  });

  it('is DEGRADED for a while after a degrading failure, and keeps the last error label', () => {
    const health = new SourceHealth({ degradedForMs: 50 });
    health.recordError('UNAVAILABLE HTTP 503', true);
    expect(health.snapshot(CircuitState.Closed)).toMatchObject({ status: 'DEGRADED', lastError: 'UNAVAILABLE HTTP 503' });
  });

  it('stays HEALTHY after an answer that is not trouble (a rejected request)', () => {
    const health = new SourceHealth();
    health.recordError('BAD_REQUEST HTTP 400 INVALID_FIELD', false);
    expect(health.snapshot(CircuitState.Closed)).toMatchObject({ status: 'HEALTHY', lastError: 'BAD_REQUEST HTTP 400 INVALID_FIELD' });
  });

  it('follows the circuit: OPEN is UNAVAILABLE, HALF_OPEN is DEGRADED', () => {
    const health = new SourceHealth();
    expect(health.snapshot(CircuitState.Open)).toMatchObject({ status: 'UNAVAILABLE', circuit: 'OPEN' });
    expect(health.snapshot(CircuitState.Isolated)).toMatchObject({ status: 'UNAVAILABLE', circuit: 'OPEN' });
    expect(health.snapshot(CircuitState.HalfOpen)).toMatchObject({ status: 'DEGRADED', circuit: 'HALF_OPEN' });
  });

  it('reports the API usage the vendor last gave', () => {
    const health = new SourceHealth();
    health.recordApiUsage(18, 15000);
    expect(health.snapshot(CircuitState.Closed).apiUsage).toEqual({ used: 18, limit: 15000 });
  });
});
