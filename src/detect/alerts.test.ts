import { describe, expect, it } from 'vitest';
import { byDetector, fail, HOUR, MIN, run, SEC, T0 } from './testkit.js';
import { alertId, toCoreAlert } from './alerts.js';
import type { AuthEvent } from './event.js';

const burst = (n: number, start: number, gap = 2 * SEC, ip = '203.0.113.10'): AuthEvent[] =>
  Array.from({ length: n }, (_, i) => fail(start + i * gap, 'root', ip));

describe('alerts', () => {
  it('merges an ongoing attack into one alert instead of one per window', () => {
    // 600 failures, one every 2 s for 20 minutes: twenty 1-minute windows, one attack.
    const { alerts, stream } = run(burst(600, T0));
    const fast = byDetector(alerts, 'brute-force.fast');
    expect(fast).toHaveLength(1);
    expect(fast[0]!.count).toBe(600);
    expect(fast[0]!.firstSeen).toBe(new Date(T0).toISOString());
    expect(fast[0]!.lastSeen).toBe(new Date(T0 + 599 * 2 * SEC).toISOString());
    const mine = stream.filter((e) => e.alert.id === fast[0]!.id);
    expect(mine[0]!.type).toBe('opened');
    expect(mine.slice(1, -1).every((e) => e.type === 'updated')).toBe(true);
    expect(mine.at(-1)!.type).toBe('closed');
    // Updates are throttled (count doubling or 5 minutes of log time), not one per event.
    expect(mine.length).toBeLessThan(20);
    expect(mine.at(-1)!.alert.count).toBe(600);
  });

  it('opens a new alert when the attack comes back after a quiet gap', () => {
    const { alerts } = run([...burst(20, T0), ...burst(20, T0 + 2 * HOUR)]);
    const fast = byDetector(alerts, 'brute-force.fast');
    expect(fast).toHaveLength(2);
    expect(fast[0]!.id).not.toBe(fast[1]!.id);
  });

  it('keeps at most five evidence lines, with file and line', () => {
    const { alerts } = run(burst(50, T0));
    const ev = byDetector(alerts, 'brute-force.fast')[0]!.evidence;
    expect(ev).toHaveLength(5);
    expect(ev[0]).toMatchObject({ file: 'synthetic.log', raw: 'Failed password for root from 203.0.113.10' });
    expect(ev[0]!.line).toBeGreaterThan(0);
  });

  it('has deterministic ids: the same input gives the same alerts', () => {
    const a = run(burst(30, T0)).alerts.map((x) => x.id);
    const b = run(burst(30, T0)).alerts.map((x) => x.id);
    expect(a).toEqual(b);
    expect(alertId('brute-force.fast', 'k', T0, MIN)).toBe(alertId('brute-force.fast', 'k', T0 + 10 * SEC, MIN));
    expect(alertId('brute-force.fast', 'k', T0, MIN)).not.toBe(alertId('brute-force.slow', 'k', T0, MIN));
  });

  it('converts to the core Alert record', () => {
    const a = byDetector(run(burst(12, T0)).alerts, 'brute-force.fast')[0]!;
    const core = toCoreAlert(a);
    expect(core).toMatchObject({ id: a.id, tenant: 'unassigned', detector: 'brute-force.fast', count: 12 });
    expect(core.entities).toEqual({ sources: ['203.0.113.10'], users: ['root'], targets: ['web01'] });
  });

  it('lists entities up to the cap but counts them exactly', () => {
    const ev = Array.from({ length: 300 }, (_, i) => fail(T0 + i * 5 * SEC, `user${i}`, '198.51.100.9'));
    const spray = byDetector(run(ev, { alertLimits: { entityCap: 50 } }).alerts, 'spray.single-source')[0]!;
    expect(spray.entities.users).toHaveLength(50);
    expect(spray.distinctUsers).toBe(300);
    expect(spray.truncated).toBe(false);
  });
});
