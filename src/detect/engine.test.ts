import { describe, expect, it } from 'vitest';
import { byDetector, fail, HOUR, MIN, ok, run, SEC, T0 } from './testkit.js';
import { DetectionEngine } from './engine.js';
import { buildRuleSet } from './rules.js';
import type { AuthEvent } from './event.js';

describe('detection engine', () => {
  it('counts an event with repeat: N as N attempts', () => {
    const ev = [fail(T0, 'root', '203.0.113.10'), fail(T0 + SEC, 'root', '203.0.113.10', { repeat: 9, raw: 'message repeated 9 times: [ Failed password for root ]' })];
    const a = byDetector(run(ev).alerts, 'brute-force.fast');
    expect(a).toHaveLength(1);
    expect(a[0]!.count).toBe(10);
    expect(byDetector(run([fail(T0, 'root', '203.0.113.10', { repeat: 8 })]).alerts, 'brute-force.fast')).toHaveLength(0);
  });

  it('groups IPv6 sources by /64', () => {
    const ev = Array.from({ length: 12 }, (_, i) => fail(T0 + i * SEC, 'root', `2001:db8:dead:beef::${i + 1}`));
    const a = byDetector(run(ev).alerts, 'brute-force.fast');
    expect(a).toHaveLength(1);
    expect(a[0]!.distinctSources).toBe(1);
    // The addresses seen from the trigger on are listed; they count as one source.
    expect(a[0]!.entities.sources).toEqual(['2001:db8:dead:beef::10', '2001:db8:dead:beef::11', '2001:db8:dead:beef::12']);
    const spread = Array.from({ length: 10 }, (_, i) => fail(T0 + i * SEC, 'root', `2001:db8:dead:${i + 1}::1`));
    expect(byDetector(run(spread).alerts, 'brute-force.fast')).toHaveLength(0);
  });

  describe('allow-lists', () => {
    const attack = Array.from({ length: 30 }, (_, i) => fail(T0 + i * SEC, 'root', '192.0.2.77'));

    it('drops allow-listed sources and users everywhere', () => {
      const rs = buildRuleSet({ allow: { sources: ['192.0.2.0/24'], users: [] } });
      const r = run(attack, { ruleSet: rs });
      expect(r.alerts).toEqual([]);
      expect(r.engine.stats.allowListed).toBe(30);
      expect(run(attack, { ruleSet: buildRuleSet({ allow: { users: ['ROOT'] } }) }).alerts).toEqual([]);
    });

    it('applies a rule allow-list to that rule only', () => {
      const rs = buildRuleSet({ rules: [{ id: 'brute-force.fast', allow: { sources: ['192.0.2.77'] } }] });
      const { alerts } = run(attack, { ruleSet: rs });
      expect(byDetector(alerts, 'brute-force.fast')).toHaveLength(0);
      expect(byDetector(alerts, 'brute-force.slow')).toHaveLength(1);
    });

    it('matches IPv6 ranges', () => {
      const v6 = Array.from({ length: 12 }, (_, i) => fail(T0 + i * SEC, 'root', `2001:db8:aa::${i + 1}`));
      expect(run(v6, { ruleSet: buildRuleSet({ allow: { sources: ['2001:db8:aa::/48'] } }) }).alerts).toEqual([]);
    });
  });

  describe('time', () => {
    it('tolerates bounded disorder and skips what is older, with a reason', () => {
      const ev: AuthEvent[] = Array.from({ length: 10 }, (_, i) => fail(T0 + 10 * MIN + i * SEC, 'root', '203.0.113.10'));
      ev.splice(5, 0, fail(T0 + 8 * MIN, 'root', '203.0.113.10')); // 2 minutes late: counted
      ev.push(fail(T0, 'root', '203.0.113.10')); // 10 minutes late: skipped
      const r = run(ev);
      expect(r.engine.stats.skipped).toEqual({ 'out-of-order': 1 });
      expect(r.engine.stats.processed).toBe(11);
    });

    it('a late event still counts into its window', () => {
      const ev = Array.from({ length: 9 }, (_, i) => fail(T0 + MIN + i * SEC, 'root', '203.0.113.10'));
      ev.push(fail(T0 + 50 * SEC, 'root', '203.0.113.10'));
      expect(byDetector(run(ev).alerts, 'brute-force.fast')).toHaveLength(1);
    });

    it('skips events before --since', () => {
      const ev = Array.from({ length: 20 }, (_, i) => fail(T0 + i * SEC, 'root', '203.0.113.10'));
      const r = run(ev, { since: T0 + 15 * SEC });
      expect(r.engine.stats.skipped['before-since']).toBe(15);
      expect(r.alerts).toEqual([]);
    });

    it('skips events without a usable time', () => {
      const r = run([fail(Number.NaN, 'root', '203.0.113.10')]);
      expect(r.engine.stats.skipped['bad-time']).toBe(1);
    });
  });

  it('keeps tenants apart and names unassigned events', () => {
    const ev = Array.from({ length: 10 }, (_, i) => fail(T0 + i * SEC, 'root', '203.0.113.10', { tenant: i % 2 ? 'acme-clinic' : 'law-firm' }));
    expect(run(ev).alerts).toEqual([]);
    const un = run(ev.map((e) => ({ ...e, tenant: undefined }))).alerts;
    expect(un.map((a) => a.tenant)).toEqual(['unassigned']);
    expect(run(ev.map((e) => ({ ...e, tenant: undefined })), { tenant: 'acme-clinic' }).alerts[0]!.tenant).toBe('acme-clinic');
  });

  it('bounds its state by the active windows, not by the input', () => {
    const engine = new DetectionEngine();
    // 200 000 failures from 100 000 sources, spread over 10 hours.
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const k = i % 100_000;
      engine.process(fail(T0 + Math.floor((i * 10 * HOUR) / n), `u${i % 5000}`, `10.${k >> 16}.${(k >> 8) & 255}.${k & 255}`, { reason: i % 7 ? 'bad-password' : 'unknown-user' }));
    }
    const busy = engine.stateSize();
    // Then a quiet day goes by: only a trickle from one source.
    for (let h = 0; h < 30; h++) engine.process(fail(T0 + 10 * HOUR + h * HOUR, 'svc', '198.51.100.1'));
    const quiet = engine.stateSize();
    expect(busy).toBeGreaterThan(10_000);
    expect(quiet).toBeLessThan(200);
    expect(engine.shed()).toBe(0);
  });

  it('sheds the least recently seen keys past the cap, and counts them', () => {
    const engine = new DetectionEngine({ ruleSet: buildRuleSet({ maxKeysPerRule: 1_000, distinctCap: 100 }) });
    for (let i = 0; i < 50_000; i++) engine.process(fail(T0 + i * 10, `u${i}`, `10.0.${i >> 8}.${i & 255}`));
    expect(engine.shed()).toBeGreaterThan(40_000);
    // At most a thousand keys per rule with at most 100 values each, whatever the input.
    expect(engine.stateSize()).toBeLessThan(30_000);
  });

  it('never alerts on successes alone', () => {
    const ev = Array.from({ length: 500 }, (_, i) => ok(T0 + i * SEC, `u${i % 50}`, `10.1.0.${i % 200}`));
    expect(run(ev).alerts).toEqual([]);
  });
});
