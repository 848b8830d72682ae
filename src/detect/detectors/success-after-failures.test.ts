import { describe, expect, it } from 'vitest';
import { byDetector, fail, HOUR, MIN, ok, run, SEC, T0 } from '../testkit.js';
import type { AuthEvent } from '../event.js';

const failures = (n: number, user = 'alice', ip = '198.51.100.77', start = T0): AuthEvent[] =>
  Array.from({ length: n }, (_, i) => fail(start + i * 5 * SEC, user, ip));

describe('success after failures', () => {
  it('raises a high-severity alert: likely compromise', () => {
    const { alerts } = run([...failures(8), ok(T0 + 45 * SEC, 'alice', '198.51.100.77')]);
    const a = byDetector(alerts, 'success-after-failures');
    expect(a).toHaveLength(1);
    expect(a[0]!.severity).toBe('high');
    expect(a[0]!.count).toBe(9);
    expect(a[0]!.evidence.at(-1)?.raw).toContain('Accepted');
  });

  it('stays quiet below the threshold, and a success resets the streak', () => {
    expect(run([...failures(4), ok(T0 + MIN, 'alice', '198.51.100.77')]).alerts).toEqual([]);
    const twice = [
      ...failures(4),
      ok(T0 + MIN, 'alice', '198.51.100.77'),
      ...failures(4, 'alice', '198.51.100.77', T0 + 2 * MIN),
      ok(T0 + 3 * MIN, 'alice', '198.51.100.77'),
    ];
    expect(byDetector(run(twice).alerts, 'success-after-failures')).toHaveLength(0);
  });

  it('needs the failures within the window', () => {
    const ev = [...Array.from({ length: 6 }, (_, i) => fail(T0 + i * 20 * MIN, 'alice', '198.51.100.77')), ok(T0 + 3 * HOUR, 'alice', '198.51.100.77')];
    expect(byDetector(run(ev).alerts, 'success-after-failures')).toHaveLength(0);
  });

  it('groups by user and source: a success from elsewhere is not it', () => {
    expect(byDetector(run([...failures(8), ok(T0 + MIN, 'alice', '10.0.0.8')]).alerts, 'success-after-failures')).toHaveLength(0);
  });

  it('MFA approved after repeated denials is critical', () => {
    const ev: AuthEvent[] = [
      ...Array.from({ length: 3 }, (_, i) => fail(T0 + i * MIN, 'cfo', '198.51.100.3', { reason: 'mfa-denied', mfa: 'denied', activity: 'mfa' })),
      ok(T0 + 4 * MIN, 'cfo', '198.51.100.3', { mfa: 'approved', activity: 'mfa' }),
    ];
    const a = byDetector(run(ev).alerts, 'mfa-fatigue.accepted');
    expect(a).toHaveLength(1);
    expect(a[0]!.severity).toBe('critical');
  });
});
