import { describe, expect, it } from 'vitest';
import { byDetector, fail, MIN, ok, run, SEC, T0 } from '../testkit.js';
import type { AuthEvent } from '../event.js';

/** The shape the authlog generator uses: 60 sources, 2 tries each, 120 users. */
function distributed(sources = 60, perSource = 2, start = T0): AuthEvent[] {
  const ev: AuthEvent[] = [];
  for (let k = 0; k < sources; k++) {
    for (let j = 0; j < perSource; j++) {
      ev.push(fail(start + k * 7 * SEC + j * 5 * MIN, `user${String(k * perSource + j).padStart(3, '0')}`, `100.64.${k >> 8}.${(k % 250) + 1}`));
    }
  }
  return ev.sort((a, b) => a.time - b.time);
}

describe('distributed password spray', () => {
  it('is found while every source stays below every per-source threshold', () => {
    const { alerts } = run(distributed());
    const d = byDetector(alerts, 'spray.distributed');
    expect(d).toHaveLength(1);
    expect(d[0]!.distinctUsers).toBe(120);
    expect(d[0]!.distinctSources).toBe(60);
    expect(d[0]!.entities.sources).toHaveLength(60);
    expect(d[0]!.count).toBe(120);
    expect(d[0]!.severity).toBe('high');
    expect(d[0]!.controls).toContain('hg.ctl.prevent.password-spraying');
    // Nothing else sees it: that is the point.
    expect(alerts.filter((a) => a.detector !== 'spray.distributed')).toEqual([]);
  });

  it('needs enough distinct sources and users', () => {
    expect(byDetector(run(distributed(9, 2)).alerts, 'spray.distributed')).toHaveLength(0); // 18 users, 9 sources
    expect(byDetector(run(distributed(5, 5)).alerts, 'spray.distributed')).toHaveLength(0); // 25 users, 5 sources
  });

  it('leaves loud sources to the per-source rules', () => {
    // 20 sources each trying 10 users: every source is a single-source spray, none is quiet.
    const ev: AuthEvent[] = [];
    for (let k = 0; k < 20; k++) for (let j = 0; j < 10; j++) ev.push(fail(T0 + (k * 10 + j) * 10 * SEC, `u${k * 10 + j}`, `198.18.0.${k + 1}`));
    const { alerts } = run(ev);
    expect(byDetector(alerts, 'spray.distributed')).toHaveLength(0);
    expect(byDetector(alerts, 'spray.single-source')).toHaveLength(20);
  });

  it('forgives typos followed by a success: benign users never alert', () => {
    const ev: AuthEvent[] = [];
    for (let k = 0; k < 100; k++) {
      const t = T0 + k * 30 * SEC;
      ev.push(fail(t, `emp${k}`, `10.0.${k}.5`));
      ev.push(ok(t + 6 * SEC, `emp${k}`, `10.0.${k}.5`));
    }
    expect(run(ev).alerts).toEqual([]);
  });

  it('keeps benign typos out of an open spray alert', () => {
    const spray = distributed();
    const after = spray[spray.length - 1]!.time + MIN;
    const benign: AuthEvent[] = [];
    for (let k = 0; k < 20; k++) {
      benign.push(fail(after + k * MIN, `emp${k}`, `10.0.${k}.5`));
      benign.push(ok(after + k * MIN + 6 * SEC, `emp${k}`, `10.0.${k}.5`));
    }
    const d = byDetector(run([...spray, ...benign]).alerts, 'spray.distributed');
    expect(d).toHaveLength(1);
    expect(d[0]!.entities.users.some((u) => u.startsWith('emp'))).toBe(false);
    expect(d[0]!.entities.sources.some((s) => s.startsWith('10.0.'))).toBe(false);
  });

  it('pools per tenant: two tenants below the threshold each do not add up', () => {
    const ev = distributed(20, 1).map((e, i) => ({ ...e, tenant: i % 2 ? 'acme-clinic' : 'law-firm' }));
    expect(byDetector(run(ev).alerts, 'spray.distributed')).toHaveLength(0);
    expect(byDetector(run(distributed(20, 1)).alerts, 'spray.distributed')).toHaveLength(1);
  });

  it('counts IPv6 sources per /64', () => {
    // 40 users from 40 addresses of a single /64: one source, not forty.
    const ev = Array.from({ length: 40 }, (_, i) => fail(T0 + i * 20 * SEC, `user${i}`, `2001:db8:1:2::${(i + 1).toString(16)}`));
    expect(byDetector(run(ev).alerts, 'spray.distributed')).toHaveLength(0);
  });
});
