import { describe, expect, it } from 'vitest';
import { byDetector, HOUR, ok, run, T0 } from '../testkit.js';
import { buildRuleSet } from '../rules.js';

const DAY = 24 * HOUR;

describe('privileged account from a new source', () => {
  const base = [ok(T0, 'adm-jane@msp.example', '198.51.100.10'), ok(T0 + 2 * HOUR, 'adm-jane@msp.example', '198.51.100.11')];

  it('alerts after the baseline (30 days, from the catalog) on a source never seen for that account', () => {
    const ev = [...base, ok(T0 + 30 * DAY, 'adm-jane@msp.example', '198.51.100.10'), ok(T0 + 31 * DAY, 'adm-jane@msp.example', '203.0.113.99')];
    const a = byDetector(run(ev, { privileged: ['adm-*'] }).alerts, 'new-source.privileged');
    expect(a).toHaveLength(1);
    expect(a[0]!.entities.sources).toEqual(['203.0.113.99']);
    expect(a[0]!.controls).toEqual(['hg.ctl.authn.new-source-privileged']);
  });

  it('learns during the learning period and ignores accounts that are not privileged', () => {
    expect(byDetector(run(base, { privileged: ['adm-*'] }).alerts, 'new-source.privileged')).toHaveLength(0);
    const ev = [...base, ok(T0 + 31 * DAY, 'adm-jane@msp.example', '203.0.113.99')];
    expect(byDetector(run(ev).alerts, 'new-source.privileged')).toHaveLength(0);
    const shortBaseline = buildRuleSet({ rules: [{ id: 'new-source.privileged', learning: '1d' }] });
    expect(byDetector(run([...base, ok(T0 + 2 * DAY, 'adm-jane@msp.example', '203.0.113.99')], { privileged: ['adm-*'], ruleSet: shortBaseline }).alerts, 'new-source.privileged')).toHaveLength(1);
  });

  it('takes known sources as a seed, e.g. from the database', () => {
    const ev = [ok(T0, 'deploy', '10.1.0.4'), ok(T0 + 31 * DAY, 'root', '203.0.113.99'), ok(T0 + 32 * DAY, 'root', '198.51.100.1')];
    const a = byDetector(run(ev, { privileged: ['root'], knownSources: { root: ['203.0.113.99'] } }).alerts, 'new-source.privileged');
    expect(a).toHaveLength(1);
    expect(a[0]!.entities.sources).toEqual(['198.51.100.1']);
  });
});
