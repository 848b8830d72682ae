import { caughtHubguardError } from '../core/test-support.js';
import { describe, expect, it } from 'vitest';
import { AREAS, areaOfControl } from '../core/index.js';
import {
  CATALOG_VERSION,
  EVIDENCE,
  assertKnownControls,
  catalog,
  control,
  controlDefault,
  controlFlag,
  controlsInArea,
  isControlId,
  parseCatalog,
  resolveDefaults,
} from './catalog.js';

const thrown = caughtHubguardError;

/** Capabilities elsewhere depend on these ids; they must never disappear. */
const REQUIRED: Record<string, string[]> = {
  immediate: ['disable-unused-accounts', 'msp-mfa', 'failed-auth-monitoring', 'contract-roles'],
  prevent: [
    'kev-devices', 'exposed-services', 'management-interfaces', 'brute-force', 'password-spraying',
    'email-authentication', 'lookalike-domains', 'phishing-triage',
  ],
  logging: ['retention', 'msp-infrastructure', 'customer-visibility', 'source-inventory', 'centralized'],
  mfa: ['msp-accounts', 'weak-factors-privileged', 'phishing-resistant-top-privilege', 'mfa-fatigue'],
  segregation: ['credential-reuse', 'customer-isolation', 'dedicated-access-path', 'msp-network-separation'],
  privilege: [
    'standing-global-admin', 'legacy-dap', 'gdap-global-admin', 'gdap-auto-extend', 'gdap-duration',
    'global-admin-count', 'tiered-admin', 'just-in-time',
  ],
  obsolete: ['stale-accounts', 'departed-technicians', 'ended-agreements', 'unused-boundary-systems', 'end-of-life'],
  updates: ['kev-due-dates', 'epss-priority', 'hub-tools-first', 'end-of-life-replacement'],
  backups: ['rpo', 'restore-tested', 'rto', 'isolated-copy', 'separate-keys', 'credentials-separate'],
  ir: ['plan-roles', 'msp-compromise-playbook', 'hard-copy', 'exercised', 'after-action'],
  'supply-chain': ['risk-assessment', 'access-breadth', 'subcontractors', 'evidence-current'],
  transparency: ['responsibility-matrix', 'unassigned-controls', 'incident-notification', 'scope-of-services', 'recovery-terms'],
  authn: [
    'msp-not-in-customer-admin-groups', 'limited-to-managed-systems', 'idle-accounts-disabled', 'intrusion-canary',
    'service-account-interactive', 'shared-accounts', 'new-source-privileged',
  ],
};

describe('the shipped catalog', () => {
  const controls = catalog().controls;

  it('has unique, well-formed ids', () => {
    const ids = controls.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^hg\.ctl\.[a-z0-9-]+\.[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('has at least three controls in every area 0–12', () => {
    for (const a of AREAS) expect(controlsInArea(a.n).length, `area ${a.n} ${a.slug}`).toBeGreaterThanOrEqual(3);
    expect(AREAS.map((a) => a.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('puts each control in the area its id names', () => {
    for (const c of controls) expect(AREAS[c.area]?.slug, c.id).toBe(areaOfControl(c.id));
  });

  it('contains every control other capabilities depend on', () => {
    const missing = Object.entries(REQUIRED)
      .flatMap(([slug, names]) => names.map((n) => `hg.ctl.${slug}.${n}`))
      .filter((id) => !isControlId(id));
    expect(missing).toEqual([]);
  });

  it('carries the defaults the advisory and its companion guidance set', () => {
    expect(controlDefault('hg.ctl.logging.retention', 'retentionDays')).toBe(180);
    expect(controlDefault('hg.ctl.privilege.gdap-auto-extend', 'autoExtendDays')).toBe(180);
    expect(controlDefault('hg.ctl.privilege.gdap-duration', 'maxDays')).toBe(730);
    expect(controlDefault('hg.ctl.privilege.global-admin-count', 'min')).toBe(2);
    expect(controlDefault('hg.ctl.privilege.global-admin-count', 'max')).toBe(8);
    expect(controlDefault('hg.ctl.obsolete.stale-accounts', 'staleDays')).toBe(90);
    expect(controlDefault('hg.ctl.backups.restore-tested', 'maxDaysSinceTest')).toBe(180);
    expect(controlDefault('hg.ctl.ir.exercised', 'intervalDays')).toBe(365);
    expect(controlDefault('hg.ctl.transparency.incident-notification', 'maxHours')).toBe(72);
    expect(controlFlag('hg.ctl.transparency.incident-notification', 'requireSuspected')).toBe(true);
  });

  it('describes every control with duty, severity, evidence and references', () => {
    for (const c of controls) {
      expect(['msp', 'customer', 'shared']).toContain(c.duty);
      expect(['info', 'low', 'medium', 'high', 'critical']).toContain(c.severity);
      expect(c.evidence.length, c.id).toBeGreaterThan(0);
      for (const e of c.evidence) expect(EVIDENCE).toContain(e);
      expect(c.references.length, c.id).toBeGreaterThan(0);
    }
  });

  it('is loaded once, frozen, and versioned', () => {
    expect(catalog()).toBe(catalog());
    expect(Object.isFrozen(catalog().controls[0]!.defaults)).toBe(true);
    expect(() => (catalog().controls as unknown as unknown[]).push({})).toThrow(TypeError);
    expect(CATALOG_VERSION).toBe(catalog().version);
    expect(CATALOG_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(catalog().date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('lookups', () => {
  it('finds a control by id', () => {
    const c = control('hg.ctl.mfa.msp-accounts');
    expect(c.area).toBe(3);
    expect(c.duty).toBe('msp');
  });

  it('rejects an unknown id with HG_ERR_UNKNOWN_CONTROL', () => {
    expect(thrown(() => control('hg.ctl.nope.x')).code).toBe('HG_ERR_UNKNOWN_CONTROL');
  });

  it('suggests the closest id for a typo', () => {
    expect(thrown(() => control('hg.ctl.mfa.msp-acounts')).message).toContain('did you mean hg.ctl.mfa.msp-accounts?');
  });

  it('tells known ids from well-formed unknown ones', () => {
    expect(isControlId('hg.ctl.backups.rpo')).toBe(true);
    expect(isControlId('hg.ctl.backups.nope')).toBe(false);
    expect(isControlId(42)).toBe(false);
  });

  it('lists an area by number or slug, and rejects an unknown area', () => {
    expect(controlsInArea('privilege')).toEqual(controlsInArea(5));
    expect(controlsInArea(' MFA ').every((c) => c.area === 3)).toBe(true);
    expect(thrown(() => controlsInArea(13)).code).toBe('HG_ERR_VALIDATION');
    expect(thrown(() => controlsInArea('nope')).code).toBe('HG_ERR_VALIDATION');
  });

  it('throws HG_ERR_CATALOG for a default the control does not have, or of the other type', () => {
    const missing = thrown(() => controlDefault('hg.ctl.logging.retention', 'retentionDayz'));
    expect(missing.code).toBe('HG_ERR_CATALOG');
    expect(missing.message).toContain('retentionDays');
    expect(thrown(() => controlDefault('hg.ctl.transparency.incident-notification', 'requireSuspected')).code).toBe('HG_ERR_CATALOG');
    expect(thrown(() => controlFlag('hg.ctl.logging.retention', 'retentionDays')).code).toBe('HG_ERR_CATALOG');
    expect(thrown(() => controlDefault('hg.ctl.nope.x', 'a')).code).toBe('HG_ERR_UNKNOWN_CONTROL');
  });

  it('applies overrides of existing parameters and rejects the rest', () => {
    expect(resolveDefaults('hg.ctl.logging.retention')).toEqual({ retentionDays: 180 });
    expect(resolveDefaults('hg.ctl.logging.retention', { retentionDays: 365 })).toEqual({ retentionDays: 365 });
    expect(control('hg.ctl.logging.retention').defaults.retentionDays).toBe(180);
    const typo = thrown(() => resolveDefaults('hg.ctl.logging.retention', { retentionDay: 365 }, 'hubguard.yaml'));
    expect(typo.code).toBe('HG_ERR_CONFIG');
    expect(typo.location).toEqual({ file: 'hubguard.yaml', field: 'hg.ctl.logging.retention.retentionDay' });
    expect(thrown(() => resolveDefaults('hg.ctl.logging.retention', { retentionDays: '365' })).code).toBe('HG_ERR_CONFIG');
    expect(thrown(() => resolveDefaults('hg.ctl.logging.retention', { retentionDays: -1 })).code).toBe('HG_ERR_CONFIG');
    expect(thrown(() => resolveDefaults('hg.ctl.transparency.incident-notification', { requireSuspected: 'no' })).code).toBe('HG_ERR_CONFIG');
  });

  it('asserts a list of ids, naming every unknown one and the caller', () => {
    expect(() => assertKnownControls(['hg.ctl.mfa.msp-accounts', 'hg.ctl.backups.rpo'])).not.toThrow();
    const e = thrown(() => assertKnownControls(['hg.ctl.mfa.msp-accounts', 'hg.ctl.nope.a', 'hg.ctl.nope.b'], 'spray detector'));
    expect(e.code).toBe('HG_ERR_UNKNOWN_CONTROL');
    expect(e.message).toContain('spray detector');
    expect(e.message).toContain('hg.ctl.nope.a');
    expect(e.message).toContain('hg.ctl.nope.b');
  });
});

describe('parseCatalog', () => {
  const control1 = `  - id: hg.ctl.mfa.msp-accounts
    area: 3
    title: MSP accounts use MFA
    description: Every MSP account has MFA.
    duty: msp
    severity: critical
    defaults: { graceDays: 0 }
    evidence: [identities]
    references: ['AA22-131A']
`;
  const control2 = `  - id: hg.ctl.backups.rpo
    area: 8
    title: Backups meet the RPO
    description: Backups run often enough.
    duty: shared
    severity: high
    defaults: {}
    evidence: [backups]
    references: ['AA22-131A']
`;
  const head = `version: 1.0.0\ndate: '2025-01-31'\nsource: test\ncontrols:\n`;
  const valid = head + control1 + control2;

  /** 1-based line of the `nth` line containing `needle`. */
  const lineOf = (text: string, needle: string, nth = 1) => {
    let seen = 0;
    const i = text.split('\n').findIndex((l) => l.includes(needle) && ++seen === nth);
    if (i < 0) throw new Error(`${needle} not in text`);
    return i + 1;
  };
  const fails = (text: string) => {
    const e = thrown(() => parseCatalog(text, 'controls.yaml'));
    expect(e.code).toBe('HG_ERR_CATALOG');
    expect(e.location?.file).toBe('controls.yaml');
    return e;
  };

  it('parses a valid catalog and fills omitted defaults', () => {
    const cat = parseCatalog(valid.replace('    defaults: {}\n', ''), 'controls.yaml');
    expect(cat.version).toBe('1.0.0');
    expect(cat.controls.map((c) => c.id)).toEqual(['hg.ctl.mfa.msp-accounts', 'hg.ctl.backups.rpo']);
    expect(cat.controls[1]!.defaults).toEqual({});
  });

  it('rejects a malformed id at its line', () => {
    const text = valid.replace('hg.ctl.backups.rpo', 'hg.ctl.backups.RPO_bad');
    const e = fails(text);
    expect(e.location?.line).toBe(lineOf(text, 'RPO_bad'));
    expect(e.location?.field).toBe('controls.1.id');
  });

  it('rejects an id whose area slug does not exist', () => {
    const text = valid.replace('hg.ctl.backups.rpo', 'hg.ctl.nope.rpo');
    const e = fails(text);
    expect(e.location?.line).toBe(lineOf(text, 'hg.ctl.nope.rpo'));
    expect(e.message).toContain('unknown area slug "nope"');
  });

  it('rejects a duplicate id at the second occurrence, naming the first', () => {
    const text = head + control1 + control1.replace('area: 3', 'area: 3 ');
    const e = fails(text);
    expect(e.location?.line).toBe(lineOf(text, 'hg.ctl.mfa.msp-accounts', 2));
    expect(e.message).toContain(`first defined at line ${lineOf(text, 'hg.ctl.mfa.msp-accounts')}`);
  });

  it('rejects an area number that does not match the id', () => {
    const text = valid.replace('area: 8', 'area: 2');
    const e = fails(text);
    expect(e.location?.line).toBe(lineOf(text, 'area: 2'));
    expect(e.location?.field).toBe('controls.1.area');
    expect(e.message).toContain('control hg.ctl.backups.rpo');
    expect(e.message).toContain('"backups" (area 8)');
  });

  it('rejects an unknown key at its own line', () => {
    const text = valid.replace('    duty: shared\n', '    duty: shared\n    owner: someone\n');
    const e = fails(text);
    expect(e.location?.line).toBe(lineOf(text, 'owner: someone'));
    expect(e.location?.field).toBe('controls.1.owner');
  });

  it('rejects an unknown top-level key', () => {
    const text = valid + 'extra: true\n';
    expect(fails(text).location?.line).toBe(lineOf(text, 'extra: true'));
  });

  it('rejects malformed YAML at the line of the error', () => {
    for (const [from, to] of [
      ['title: Backups meet the RPO', 'title: Backups: meet the RPO'],
      ['    duty: shared', '\tduty: shared'],
    ] as const) {
      const text = valid.replace(from, to);
      const e = fails(text);
      expect(e.message).toContain('malformed YAML');
      expect(e.location?.line, to).toBe(lineOf(text, to));
    }
  });

  it('rejects a repeated key as malformed YAML', () => {
    const text = valid.replace('    severity: high\n', '    severity: high\n    severity: low\n');
    const e = fails(text);
    expect(e.location?.line).toBe(lineOf(text, 'severity: low'));
  });

  it('rejects an invalid severity, duty, evidence or default value at its line', () => {
    for (const [from, to, field] of [
      ['severity: high', 'severity: urgent', 'controls.1.severity'],
      ['duty: shared', 'duty: vendor', 'controls.1.duty'],
      ['evidence: [backups]', 'evidence: [backups, rumours]', 'controls.1.evidence.1'],
      ['defaults: {}', 'defaults: { maxDays: -3 }', 'controls.1.defaults.maxDays'],
      ['defaults: {}', 'defaults: { max_days: 3 }', 'controls.1.defaults.max_days'],
    ] as const) {
      const text = valid.replace(from, to);
      const e = fails(text);
      expect(e.location?.field, to).toBe(field);
      expect(e.location?.line, to).toBe(lineOf(text, to));
    }
  });

  it('points a missing field at its control', () => {
    const text = valid.replace('    title: Backups meet the RPO\n', '');
    const e = fails(text);
    expect(e.location?.line).toBe(lineOf(text, 'hg.ctl.backups.rpo'));
    expect(e.location?.field).toBe('controls.1.title');
    expect(e.message).toContain('required field is missing');
  });

  it('reports every problem, the first by line as the location', () => {
    const text = valid.replace('severity: critical', 'severity: nope').replace('duty: shared', 'duty: nope');
    const e = fails(text);
    expect(e.location?.line).toBe(lineOf(text, 'severity: nope'));
    expect(e.message).toContain(`controls.yaml:${lineOf(text, 'duty: nope')}`);
  });

  it('rejects an empty file and a bad version or date', () => {
    expect(fails('').location?.line).toBe(1);
    expect(fails(valid.replace('1.0.0', 'v1')).location?.field).toBe('version');
    expect(fails(valid.replace('2025-01-31', '2025-02-30')).location?.field).toBe('date');
  });
});
