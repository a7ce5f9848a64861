// Server settings (src/server/config.ts): defaults resolved in one place from the environment,
// checked, frozen — here the ones that bound what callers may cost: records and metrics.
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT, resolveConfig } from '../../src/server/config.ts';

const resolve = (env: NodeJS.ProcessEnv) => resolveConfig({ env });

describe('resolveConfig', () => {
  it('defaults: metrics for a token, records of at most 64 KiB, recorded decisions a minute by role', () => {
    const c = resolve({});
    expect(c.metrics).toBe('token');
    expect(c.recordMaxBytes).toBe(65_536);
    expect(c.recordsPerMinute).toEqual({ system: 6_000_000, 'head-office': 6_000, branch: 6_000 });
    expect(Object.isFrozen(c) && Object.isFrozen(c.recordsPerMinute)).toBe(true);
  });

  it('reads them from the environment; roles not named keep their default', () => {
    const c = resolve({ ZHIDU_METRICS: 'off', ZHIDU_RECORD_MAX_BYTES: '4096', ZHIDU_RECORD_RATE: ' branch=10, system=500 ' });
    expect([c.metrics, c.recordMaxBytes, c.recordsPerMinute]).toEqual(['off', 4096, { system: 500, 'head-office': 6_000, branch: 10 }]);
  });

  it.each([
    [{ ZHIDU_METRICS: 'open' }, 'ZHIDU_METRICS must be one of token, public, off; got "open"'],
    [{ ZHIDU_RECORD_MAX_BYTES: '10' }, 'ZHIDU_RECORD_MAX_BYTES must be an integer from 1024 to 1073741824; got "10"'],
    [{ ZHIDU_RECORD_RATE: 'auditor=5' }, 'ZHIDU_RECORD_RATE is a list of role=count for head-office, branch, system (auditors are never recorded); got "auditor=5"'],
    [{ ZHIDU_RECORD_RATE: 'branch=' }, 'ZHIDU_RECORD_RATE is a list of role=count for head-office, branch, system (auditors are never recorded); got "branch="'],
    [{ ZHIDU_RECORD_RATE: 'branch=0' }, 'ZHIDU_RECORD_RATE branch must be an integer from 1 to 1000000000; got "0"'],
    [{ ZHIDU_RECORD_RATE: 'branch=1e3' }, 'ZHIDU_RECORD_RATE branch must be an integer from 1 to 1000000000; got "1e3"'],
  ])('refuses %j', (env, message) => {
    expect(() => resolve(env)).toThrow(message);
  });

  it('lists every setting it reads for `zhidu serve --help`', () => {
    const names = ENVIRONMENT.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['ZHIDU_METRICS', 'ZHIDU_RECORD_MAX_BYTES', 'ZHIDU_RECORD_RATE']));
  });
});
