import { describe, expect, it } from 'vitest';
import { byDetector, fail, HOUR, ok, run, T0 } from '../testkit.js';
import type { AuthEvent } from '../event.js';
import { buildRuleSet } from '../rules.js';

const change = (at: number, user: string): AuthEvent => ok(at, user, '10.0.0.2', { activity: 'password-change', raw: `password changed for ${user}` });

describe('intrusion canary', () => {
  it('fires on a failure within a day after a password change (the catalog default), merging later ones', () => {
    const ev = [change(T0, 'bob'), ...[1, 2, 3].map((h) => fail(T0 + h * HOUR, 'bob', '203.0.113.80'))];
    const a = byDetector(run(ev).alerts, 'intrusion-canary');
    expect(a).toHaveLength(1);
    expect(a[0]!.controls).toEqual(['hg.ctl.authn.intrusion-canary']);
    expect(a[0]!.count).toBe(3);
  });

  it('takes a tuned threshold: not below it', () => {
    const rs = buildRuleSet({ rules: [{ id: 'intrusion-canary', threshold: 3 }] });
    const two = [change(T0, 'bob'), fail(T0 + HOUR, 'bob', '1.2.3.4'), fail(T0 + 2 * HOUR, 'bob', '1.2.3.4')];
    expect(byDetector(run(two, { ruleSet: rs }).alerts, 'intrusion-canary')).toHaveLength(0);
    expect(byDetector(run([...two, fail(T0 + 3 * HOUR, 'bob', '1.2.3.4')], { ruleSet: rs }).alerts, 'intrusion-canary')).toHaveLength(1);
  });

  it('does not fire before the change or after the window', () => {
    const before = [fail(T0, 'bob', '1.2.3.4'), fail(T0 + 1, 'bob', '1.2.3.4'), fail(T0 + 2, 'bob', '1.2.3.4'), change(T0 + HOUR, 'bob')];
    expect(byDetector(run(before).alerts, 'intrusion-canary')).toHaveLength(0);
    const late = [change(T0, 'bob'), ...[25, 26, 27].map((h) => fail(T0 + h * HOUR, 'bob', '1.2.3.4'))];
    expect(byDetector(run(late).alerts, 'intrusion-canary')).toHaveLength(0);
  });

  it('watches only the account whose password changed', () => {
    const ev = [change(T0, 'bob'), ...[1, 2, 3].map((h) => fail(T0 + h * HOUR, 'carol', '203.0.113.80'))];
    expect(byDetector(run(ev).alerts, 'intrusion-canary')).toHaveLength(0);
  });
});
