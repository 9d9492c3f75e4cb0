import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '@syncfleet/core';
import { metricsPort } from './observability.ts';

const config = (metrics: Record<string, unknown> = {}) =>
  parseConfig(
    JSON.stringify({
      metrics,
      pipelines: [
        {
          name: 'orders',
          source: { kind: 'postgres', url: 'postgres://h/a', table: 'public.orders', key: ['id'], cursor: 'updated_at' },
          destination: { kind: 'postgres', url: 'postgres://h/b', table: 'public.orders' },
        },
      ],
    }),
    {},
  );

describe('metricsPort', () => {
  it('is off unless configured; SYNCFLEET_METRICS_PORT wins over metrics.port', () => {
    expect(metricsPort(config(), {})).toBeNull();
    expect(metricsPort(config({ port: 9464 }), {})).toBe(9464);
    expect(metricsPort(config({ port: 9464 }), { SYNCFLEET_METRICS_PORT: '0' })).toBe(0);
    expect(metricsPort(config(), { SYNCFLEET_METRICS_PORT: '' })).toBeNull();
  });

  it('rejects a variable that is not a port, saying how to fix it', () => {
    expect(() => metricsPort(config(), { SYNCFLEET_METRICS_PORT: 'http' })).toThrow(ConfigError);
    expect(() => metricsPort(config(), { SYNCFLEET_METRICS_PORT: '70000' })).toThrow(/0-65535/);
  });
});
