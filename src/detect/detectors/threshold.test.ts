import { describe, expect, it } from 'vitest';
import { byDetector, fail, HOUR, MIN, run, SEC, T0 } from '../testkit.js';
import type { AuthEvent } from '../event.js';

const burst = (n: number, gap: number, user = 'root', ip = '203.0.113.10', start = T0): AuthEvent[] =>
  Array.from({ length: n }, (_, i) => fail(start + i * gap, user, ip));

describe('brute force on one account', () => {
  it('fast: fires at 10 failures in a minute, not at 9', () => {
    expect(byDetector(run(burst(9, 2 * SEC)).alerts, 'brute-force.fast')).toHaveLength(0);
    const { alerts } = run(burst(10, 2 * SEC));
    const fast = byDetector(alerts, 'brute-force.fast');
    expect(fast).toHaveLength(1);
    expect(fast[0]!.entities.users).toEqual(['root']);
    expect(fast[0]!.entities.sources).toEqual(['203.0.113.10']);
    expect(fast[0]!.count).toBe(10);
    expect(fast[0]!.severity).toBe('medium');
    expect(fast[0]!.controls).toContain('hg.ctl.prevent.brute-force');
  });

  it('fast supersedes slow for the same user and source', () => {
    const { alerts } = run(burst(30, 2 * SEC));
    expect(byDetector(alerts, 'brute-force.fast')).toHaveLength(1);
    expect(byDetector(alerts, 'brute-force.slow')).toHaveLength(0);
    expect(byDetector(alerts, 'brute-force.fast')[0]!.count).toBe(30);
  });

  it('slow: 20 failures 45 s apart fire the slow rule only', () => {
    const { alerts } = run(burst(20, 45 * SEC, 'admin'));
    expect(byDetector(alerts, 'brute-force.fast')).toHaveLength(0);
    expect(byDetector(alerts, 'brute-force.slow')).toHaveLength(1);
    expect(byDetector(run(burst(19, 45 * SEC, 'admin')).alerts, 'brute-force.slow')).toHaveLength(0);
  });

  it('low and slow: one failure every 5 minutes for 10 hours', () => {
    const { alerts } = run(burst(120, 5 * MIN));
    const ls = byDetector(alerts, 'brute-force.low-and-slow');
    expect(ls).toHaveLength(1);
    expect(ls[0]!.count).toBe(120);
    expect(byDetector(alerts, 'brute-force.fast')).toHaveLength(0);
    expect(byDetector(alerts, 'brute-force.slow')).toHaveLength(0);
  });

  it('counts one account from any number of sources, at any rate: 12, not 11', () => {
    const many = (n: number): AuthEvent[] => Array.from({ length: n }, (_, i) => fail(T0 + i * 10 * MIN, 'root', `198.18.${i}.1`));
    expect(byDetector(run(many(11)).alerts, 'brute-force.low-and-slow')).toHaveLength(0);
    const a = byDetector(run(many(12)).alerts, 'brute-force.low-and-slow');
    expect(a).toHaveLength(1);
    expect(a[0]!.distinctSources).toBe(1); // listed from the trigger on; per-source rules stay quiet
    expect(byDetector(run(many(12)).alerts, 'brute-force.fast')).toHaveLength(0);
    // A fast burst on one account is also an account under attack.
    expect(byDetector(run(burst(12, 2 * MIN)).alerts, 'brute-force.low-and-slow')).toHaveLength(1);
  });

  it('leaves names that do not exist to the enumeration rule', () => {
    const ev = Array.from({ length: 30 }, (_, i) => fail(T0 + i * 5 * MIN, 'nosuchuser', `198.18.${i}.1`, { reason: 'unknown-user' }));
    expect(byDetector(run(ev).alerts, 'brute-force.low-and-slow')).toHaveLength(0);
  });
});

describe('password spray from one source', () => {
  const spray = (users: number, tries = 1): AuthEvent[] =>
    Array.from({ length: users * tries }, (_, i) => fail(T0 + i * 20 * SEC, `user${i % users}`, '198.51.100.9'));

  it('fires at 10 distinct users in an hour, not at 9', () => {
    expect(byDetector(run(spray(9)).alerts, 'spray.single-source')).toHaveLength(0);
    const a = byDetector(run(spray(10)).alerts, 'spray.single-source');
    expect(a).toHaveLength(1);
    expect(a[0]!.distinctUsers).toBe(10);
    expect(a[0]!.severity).toBe('high');
    expect(a[0]!.controls).toContain('hg.ctl.prevent.password-spraying');
  });

  it('is not a spray when each user is tried many times', () => {
    const ev = Array.from({ length: 80 }, (_, i) => fail(T0 + i * 20 * SEC, `user${Math.floor(i / 8)}`, '198.51.100.9'));
    expect(byDetector(run(ev).alerts, 'spray.single-source')).toHaveLength(0);
  });

  it('a spray that cycles through the users counts once per user', () => {
    const a = byDetector(run(spray(10, 3)).alerts, 'spray.single-source');
    expect(a).toHaveLength(1);
    expect(a[0]!.count).toBe(30);
  });

  it('does not count users spread over more than the window', () => {
    const slow = Array.from({ length: 12 }, (_, i) => fail(T0 + i * 10 * MIN, `user${i}`, '198.51.100.9'));
    expect(byDetector(run(slow).alerts, 'spray.single-source')).toHaveLength(0);
  });
});

describe('credential stuffing and user enumeration', () => {
  it('credential stuffing: one try each for 20 users from one /24, some unknown', () => {
    const ev = Array.from({ length: 20 }, (_, i) =>
      fail(T0 + i * 10 * SEC, `victim${i}@example.com`, `192.0.2.${10 + (i % 5)}`, i % 3 === 0 ? { reason: 'unknown-user' } : {}),
    );
    const a = byDetector(run(ev).alerts, 'credential-stuffing');
    expect(a).toHaveLength(1);
    expect(a[0]!.distinctUsers).toBe(20);
    expect(a[0]!.distinctSources).toBe(5);
    expect(byDetector(run(ev.slice(0, 19)).alerts, 'credential-stuffing')).toHaveLength(0);
  });

  it('credential stuffing needs unknown users among them', () => {
    const ev = Array.from({ length: 20 }, (_, i) => fail(T0 + i * 10 * SEC, `victim${i}`, '192.0.2.10'));
    expect(byDetector(run(ev).alerts, 'credential-stuffing')).toHaveLength(0);
  });

  it('user enumeration: 10 unknown users from one source, not 9', () => {
    const ev = (n: number): AuthEvent[] =>
      Array.from({ length: n }, (_, i) => fail(T0 + i * 2 * SEC, `name${i}`, '203.0.113.55', { reason: 'unknown-user' }));
    expect(byDetector(run(ev(9)).alerts, 'user-enumeration')).toHaveLength(0);
    expect(byDetector(run(ev(12)).alerts, 'user-enumeration')).toHaveLength(1);
    // Unknown users are not counted as a spray of real accounts.
    expect(byDetector(run(ev(12)).alerts, 'spray.single-source')).toHaveLength(0);
  });
});

describe('MFA fatigue and lockout storm', () => {
  it('MFA fatigue: 5 denied pushes in 10 minutes for one user', () => {
    const deny = (n: number): AuthEvent[] =>
      Array.from({ length: n }, (_, i) => fail(T0 + i * 2 * MIN, 'ceo@clinic.example', '198.51.100.3', { reason: 'mfa-denied', mfa: 'denied', activity: 'mfa' }));
    expect(byDetector(run(deny(4)).alerts, 'mfa-fatigue')).toHaveLength(0);
    const a = byDetector(run(deny(5)).alerts, 'mfa-fatigue');
    expect(a).toHaveLength(1);
    expect(a[0]!.controls).toEqual(['hg.ctl.mfa.mfa-fatigue']);
    // Denied pushes are not password guesses.
    expect(byDetector(run(deny(30)).alerts, 'brute-force.fast')).toHaveLength(0);
  });

  it('lockout storm: 5 accounts of one tenant locked in 15 minutes', () => {
    const lock = (n: number): AuthEvent[] =>
      Array.from({ length: n }, (_, i) =>
        fail(T0 + i * MIN, `staff${i}`, '198.51.100.4', { activity: 'lockout', reason: 'locked', tenant: 'acme-clinic' }),
      );
    expect(byDetector(run(lock(4)).alerts, 'lockout-storm')).toHaveLength(0);
    const a = byDetector(run(lock(6)).alerts, 'lockout-storm');
    expect(a).toHaveLength(1);
    expect(a[0]!.tenant).toBe('acme-clinic');
  });
});

describe('benign users', () => {
  it('one typo then a success never alerts, for many users', () => {
    const ev: AuthEvent[] = [];
    for (let k = 0; k < 200; k++) {
      const t = T0 + k * 3 * MIN;
      ev.push(fail(t, `emp${k}`, `10.0.${k % 250}.5`));
      ev.push({ ...fail(t + 6 * SEC, `emp${k}`, `10.0.${k % 250}.5`), outcome: 'success', reason: undefined });
    }
    expect(run(ev).alerts).toEqual([]);
  });

  it('a user retrying a few times over a day never alerts', () => {
    const ev = Array.from({ length: 8 }, (_, i) => fail(T0 + i * 2 * HOUR, 'alice', '10.0.0.8'));
    expect(run(ev).alerts).toEqual([]);
  });
});
