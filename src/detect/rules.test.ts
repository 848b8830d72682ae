import { describe, expect, it } from 'vitest';
import { ValidationFailed, HubguardError } from '../core/index.js';
import { buildRuleSet, defaultRuleSet, parseRuleFile, userMatcher } from './rules.js';
import { DEFAULT_RULE_FILE } from './defaults.js';
import { parseDuration, parseSince } from './duration.js';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationFailed) return e.problems.map((p) => `${p.location.field}: ${p.message} [${p.code}]`);
    throw e;
  }
  return [];
}

describe('rules', () => {
  it('validates the defaults, with durations in milliseconds', () => {
    const rs = defaultRuleSet();
    expect(rs.rules.map((r) => r.id)).toEqual(DEFAULT_RULE_FILE.rules.map((r) => r.id));
    const fast = rs.rules.find((r) => r.id === 'brute-force.fast')!;
    expect(fast.window).toBe(300_000);
    expect(fast.match).toHaveLength(1);
    expect(rs.maxDisorder).toBe(300_000);
  });

  it('merges a YAML file over the defaults by id and adds new rules', () => {
    const rs = parseRuleFile(
      [
        'maxDisorder: 10m',
        'allow:',
        '  sources: [192.0.2.0/24, "2001:db8::/32"]',
        'rules:',
        '  - id: brute-force.fast',
        '    threshold: 15',
        '  - id: lockout-storm',
        '    enabled: false',
        '  - id: vpn.brute-force',
        '    kind: threshold',
        '    title: VPN brute force',
        '    severity: high',
        '    controls: [hg.ctl.prevent.brute-force]',
        '    match: { outcome: [failure], service: [vpn] }',
        '    groupBy: [source]',
        '    count: events',
        '    window: 30m',
        '    threshold: 50',
      ].join('\n'),
      'rules.yaml',
    );
    expect(rs.maxDisorder).toBe(600_000);
    expect(rs.allow.sources).toHaveLength(2);
    const fast = rs.rules.find((r) => r.id === 'brute-force.fast')!;
    expect(fast.threshold).toBe(15);
    expect(fast.window).toBe(300_000); // kept from the default
    expect(rs.rules.find((r) => r.id === 'lockout-storm')!.enabled).toBe(false);
    expect(rs.rules.find((r) => r.id === 'vpn.brute-force')).toMatchObject({ window: 1_800_000, threshold: 50, groupBy: ['source'] });
  });

  it('refuses a bad file listing every problem as HG_ERR_CONFIG', () => {
    const found = problems(() =>
      buildRuleSet(
        {
          maxDisorder: 'later',
          allow: { sources: ['10.0.0.0/33', 'nonsense'] },
          rules: [
            { id: 'brute-force.fast', threshold: 0, window: '5 minutes' },
            { id: 'new.rule', kind: 'threshold' },
            { id: 'other', kind: 'threshold', title: 'x', severity: 'loud', controls: ['not-a-control'], match: {}, count: 'events', window: '1m', threshold: 1 },
          ],
        },
        'rules.yaml',
      ),
    );
    expect(found.length).toBeGreaterThanOrEqual(3);
    expect(found.every((p) => p.endsWith('[HG_ERR_CONFIG]'))).toBe(true);
    expect(found.some((p) => p.startsWith('maxDisorder'))).toBe(true);
    expect(found.some((p) => p.startsWith('allow.sources.0'))).toBe(true);
    expect(found.some((p) => p.startsWith('allow.sources.1'))).toBe(true);
  });

  it('reports every problem of every rule', () => {
    const found = problems(() =>
      buildRuleSet({
        rules: [
          { id: 'brute-force.fast', threshold: 0, window: '5 minutes' },
          { id: 'new.rule', kind: 'threshold' },
          { id: 'other', kind: 'threshold', title: 'x', severity: 'loud', controls: ['not-a-control'], match: {}, count: 'events', window: '1m', threshold: 1 },
          { id: 'brute-force.fast', severity: 'low' },
        ],
      }),
    );
    expect(found.some((p) => p.startsWith('rules.0.threshold'))).toBe(true);
    expect(found.some((p) => p.startsWith('rules.0.window'))).toBe(true);
    expect(found.some((p) => p.startsWith('rules.1'))).toBe(true);
    expect(found.some((p) => p.startsWith('rules.2.severity'))).toBe(true);
    expect(found.some((p) => p.startsWith('rules.2.controls.0'))).toBe(true);
    expect(found.some((p) => p.includes('given twice'))).toBe(true);
  });

  it('refuses controls that are not in the catalog', () => {
    const found = problems(() => buildRuleSet({ rules: [{ id: 'brute-force.fast', controls: ['hg.ctl.prevent.brute-farce'] }] }));
    expect(found.join('\n')).toMatch(/unknown control id.*hg\.ctl\.prevent\.brute-farce/);
  });

  it('refuses supersedes across different groupings', () => {
    const found = problems(() => buildRuleSet({ rules: [{ id: 'brute-force.fast', supersedes: ['brute-force.low-and-slow'] }] }));
    expect(found.join()).toContain('groups by other fields');
  });

  it('reports YAML syntax errors with a location', () => {
    try {
      parseRuleFile('rules: [\n  - id: x\n', 'bad.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HubguardError);
      expect((e as HubguardError).code).toBe('HG_ERR_YAML');
      expect((e as HubguardError).location?.file).toBe('bad.yaml');
    }
  });

  it('matches users by pattern, case-insensitively', () => {
    const m = userMatcher(['adm-*', '*@msp.example', 'Root']);
    expect(m('ADM-jane')).toBe(true);
    expect(m('tech@msp.example')).toBe(true);
    expect(m('root')).toBe(true);
    expect(m('rooted')).toBe(false);
    expect(m('jane')).toBe(false);
  });
});

describe('durations', () => {
  it('parses rule durations and --since', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration('soon')).toBeUndefined();
    const now = new Date('2026-03-05T00:00:00Z');
    expect(parseSince('24h', now)).toBe(Date.parse('2026-03-04T00:00:00Z'));
    expect(parseSince('2026-03-04T01:00:00+01:00', now)).toBe(Date.parse('2026-03-04T00:00:00Z'));
    expect(parseSince('yesterday', now)).toBeUndefined();
  });
});
