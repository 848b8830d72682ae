import { describe, expect, it } from 'vitest';
import { control, isControlId } from '../../catalog/catalog.js';
import { RECORD_KINDS } from '../../core/index.js';
import { DEMO_DEFAULTS, demoFlaws, generateDemo, type FlawCode } from '../../demo/index.js';
import { emptyModel, type FindingDraft, type Model } from '../engine.js';
import { ACCESS_CONTROLS, accessEngine, accessFindings } from './findings.js';
import { modelOf } from './testing.js';

const NOW = new Date('2026-12-01T00:00:00Z');

/** One MSP, a critical clinic, a law firm and a former customer, with one instance of each weakness. */
const rules = () =>
  modelOf({
    organization: [
      { id: 'msp', name: 'Harbor IT', kind: 'msp' },
      { id: 'clinic', name: 'Clinic', kind: 'customer', msp: 'msp', criticalInfrastructure: true },
      { id: 'law', name: 'Law firm', kind: 'customer', msp: 'msp' },
      { id: 'gone', name: 'Former customer', kind: 'customer', msp: 'msp' },
    ],
    identity: [
      { id: 'ana', tenant: 'msp', displayName: 'Ana', mfa: ['fido2'], privileged: true, lastSignIn: '2026-11-30' },
      { id: 'ben', tenant: 'msp', displayName: 'Ben', mfa: ['sms'], privileged: true, lastSignIn: '2026-11-30' },
      { id: 'cy', tenant: 'msp', displayName: 'Cy', lastSignIn: '2026-06-01', departedAt: '2026-07-01' },
      { id: 'svc', tenant: 'msp', kind: 'service', displayName: 'Service', lastSignIn: '2026-11-30', lastInteractiveSignIn: '2026-11-29' },
      { id: 'desk', tenant: 'msp', kind: 'shared', displayName: 'Helpdesk login', mfa: ['totp'], lastSignIn: '2026-11-30' },
      { id: 'clinic-admin', tenant: 'clinic', displayName: 'Clinic admin', mfa: ['totp'], privileged: true, lastSignIn: '2026-08-01', credentialRef: 'x1' },
      { id: 'law-admin', tenant: 'law', displayName: 'Law admin', mfa: ['email'], privileged: true, lastSignIn: '2026-11-29', credentialRef: 'x1' },
      { id: 'law-user', tenant: 'law', displayName: 'Law user', mfa: ['sms'], lastSignIn: '2026-11-29' },
      { id: 'clinic-bg', tenant: 'clinic', kind: 'shared', displayName: 'Break glass', mfa: ['fido2'], lastSignIn: '2026-10-01' },
      { id: 'clinic-old', tenant: 'clinic', displayName: 'Leaver', enabled: false, lastSignIn: '2024-01-01' },
    ],
    group: [
      { id: 'tier2', tenant: 'msp', name: 'Tier 2' },
      { id: 'admins', tenant: 'msp', name: 'Admins', privileged: true },
      { id: 'clinic-da', tenant: 'clinic', name: 'Domain Admins', privileged: true },
      { id: 'clinic-hd', tenant: 'clinic', name: 'Helpdesk' },
    ],
    membership: [
      { tenant: 'msp', group: 'tier2', member: 'ana' },
      { tenant: 'msp', group: 'tier2', member: 'ben' },
      { tenant: 'msp', group: 'tier2', member: 'cy' },
      { tenant: 'msp', group: 'tier2', member: 'desk' },
      { tenant: 'msp', group: 'admins', member: 'ana' },
      { tenant: 'clinic', group: 'clinic-da', member: 'clinic-admin' },
      { tenant: 'clinic', group: 'clinic-da', member: 'clinic-hd', memberKind: 'group' },
      { tenant: 'clinic', group: 'clinic-hd', member: 'ben' },
    ],
    role: [
      { id: 'clinic-ga', tenant: 'clinic', name: 'Global Administrator', privilege: 'global-admin' },
      { id: 'law-ga', tenant: 'law', name: 'Global Administrator', privilege: 'global-admin' },
      { id: 'law-ua', tenant: 'law', name: 'User Administrator', privilege: 'admin' },
    ],
    asset: [{ id: 'rmm', tenant: 'msp', name: 'RMM', kind: 'msp-tool', toolKind: 'rmm' }],
    grant: [
      { id: 'gdap-clinic', tenant: 'clinic', principal: 'tier2', principalKind: 'group', target: 'clinic', privilege: 'global-admin', role: 'clinic-ga', via: 'gdap', autoExtend: true, grantedAt: '2025-01-01', expiresAt: '2027-01-01', lastUsed: '2026-11-20' },
      { id: 'gdap-long', tenant: 'law', principal: 'admins', principalKind: 'group', target: 'law', privilege: 'admin', role: 'law-ua', via: 'gdap', grantedAt: '2024-01-01', expiresAt: '2027-01-01', lastUsed: '2026-11-20' },
      { id: 'dap-law', tenant: 'law', principal: 'admins', principalKind: 'group', target: 'law', privilege: 'global-admin', role: 'law-ga', via: 'dap', lastUsed: '2026-11-01' },
      { id: 'law-ga-jit', tenant: 'law', principal: 'admins', principalKind: 'group', target: 'law', privilege: 'global-admin', role: 'law-ga', via: 'gdap', mode: 'jit', lastUsed: '2026-11-01' },
      { id: 'old-helpdesk', tenant: 'clinic', principal: 'tier2', principalKind: 'group', target: 'clinic', privilege: 'operator', via: 'gdap', mode: 'jit', expiresAt: '2026-07-01' },
      { id: 'unused-vpn', tenant: 'law', principal: 'tier2', principalKind: 'group', target: 'law', privilege: 'user', via: 'vpn', lastUsed: '2026-01-01' },
      { id: 'clinic-own-ga', tenant: 'clinic', principal: 'clinic-admin', target: 'clinic', privilege: 'global-admin', role: 'clinic-ga', via: 'directory' },
      { id: 'rmm-gone', tenant: 'gone', principal: 'rmm', principalKind: 'tool', target: 'gone', privilege: 'system', via: 'rmm', lastUsed: '2026-11-30' },
    ],
    agreement: [
      { id: 'gone-msa', tenant: 'gone', msp: 'msp', title: 'Old agreement', start: '2023-01-01', end: '2026-03-01' },
      { id: 'clinic-msa', tenant: 'clinic', msp: 'msp', title: 'Clinic agreement', start: '2025-01-01', end: '2027-12-31' },
    ],
  });

const brief = (fs: readonly FindingDraft[]) => fs.map((f) => `${f.control.replace('hg.ctl.', '')} ${f.subject.id}`).sort();

describe('access findings', () => {
  it('finds each weakness once, against the right control', () => {
    expect(brief(accessFindings(rules(), NOW))).toEqual([
      'authn.msp-not-in-customer-admin-groups clinic-hd>ben',
      'authn.service-account-interactive svc',
      'authn.shared-accounts desk',
      'mfa.msp-accounts cy',
      'mfa.weak-factors-privileged ben',
      'mfa.weak-factors-privileged law-admin',
      'obsolete.departed-technicians cy',
      'obsolete.ended-agreements gone-msa',
      'obsolete.stale-accounts clinic-admin',
      'obsolete.stale-accounts cy',
      'obsolete.unused-grants old-helpdesk',
      'obsolete.unused-grants unused-vpn',
      'privilege.gdap-auto-extend gdap-clinic',
      'privilege.gdap-duration gdap-long',
      'privilege.gdap-global-admin gdap-clinic',
      'privilege.gdap-global-admin law-ga-jit',
      'privilege.global-admin-count law',
      'privilege.legacy-dap dap-law',
      'privilege.standing-global-admin gdap-clinic',
      'segregation.credential-reuse clinic-admin',
      'segregation.credential-reuse law-admin',
    ]);
  });

  it('files an MSP account’s own weakness in the MSP tenant with its radius, and access into a customer in that customer', () => {
    const fs = accessFindings(rules(), NOW);
    const cy = fs.find((f) => f.control === 'hg.ctl.mfa.msp-accounts')!;
    expect(cy.tenant).toBe('msp');
    expect(cy.evidence).toMatchObject({ customersReached: 2, maxPrivilege: 'global-admin', path: ['Cy', 'Tier 2', 'Global Administrator @ Clinic', 'Clinic'] });
    const ga = fs.find((f) => f.control === 'hg.ctl.privilege.standing-global-admin')!;
    expect(ga.tenant).toBe('clinic');
    expect(ga.evidence).toMatchObject({ path: ['Tier 2', 'Global Administrator @ Clinic', 'Clinic'], members: 4 });
    const nested = fs.find((f) => f.control === 'hg.ctl.authn.msp-not-in-customer-admin-groups')!;
    expect([nested.tenant, nested.evidence?.path]).toEqual(['clinic', ['Ben', 'Helpdesk', 'Domain Admins', 'Clinic']]);
    const count = fs.find((f) => f.control === 'hg.ctl.privilege.global-admin-count')!;
    expect(count.evidence).toMatchObject({ count: 1, holders: ['Ana'], eligibleJustInTime: 1 });
  });

  it('takes severity and duty from the catalog, raised for hub-wide reach and critical infrastructure, lowered for just-in-time', () => {
    const fs = accessFindings(rules(), NOW);
    const one = (c: string, id: string) => fs.find((f) => f.control === c && f.subject.id === id)!;
    for (const f of fs) expect(f.duty).toBe(control(f.control).duty);
    // Tier 2 reaches two of three customers (hub-wide) and the clinic is critical infrastructure: high + 2, capped.
    expect(one('hg.ctl.privilege.gdap-global-admin', 'gdap-clinic').severity).toBe('critical');
    expect(one('hg.ctl.privilege.gdap-global-admin', 'gdap-clinic').evidence?.severityRaisedFor).toEqual(['hub-wide reach', 'critical-infrastructure customer']);
    // Admins reach one customer; the role is only eligible: high − 1.
    expect(one('hg.ctl.privilege.gdap-global-admin', 'law-ga-jit').severity).toBe('medium');
    expect(one('hg.ctl.obsolete.stale-accounts', 'clinic-admin').severity).toBe('high');
    expect(one('hg.ctl.privilege.gdap-duration', 'gdap-long').severity).toBe('medium');
  });

  it('emits only controls it declares, all of them in the catalog', () => {
    expect(accessEngine.controls.every((c) => isControlId(c))).toBe(true);
    for (const f of accessFindings(rules(), NOW)) expect(ACCESS_CONTROLS).toContain(f.control);
    expect(accessEngine.run(emptyModel(), { now: NOW })).toEqual([]);
  });
});

/** The demo's access flaws and the control that must report each, on the flaw's own subject and tenant. */
const EXPECTED: Partial<Record<FlawCode, string>> = {
  'standing-global-admin': 'hg.ctl.privilege.standing-global-admin',
  'legacy-dap': 'hg.ctl.privilege.legacy-dap',
  'gdap-autoextend-global-admin': 'hg.ctl.privilege.gdap-auto-extend',
  'technician-without-mfa': 'hg.ctl.mfa.msp-accounts',
  'technician-weak-mfa': 'hg.ctl.mfa.weak-factors-privileged',
  'shared-admin-credential': 'hg.ctl.segregation.credential-reuse',
  'departed-technician-active': 'hg.ctl.obsolete.departed-technicians',
  'stale-account': 'hg.ctl.obsolete.stale-accounts',
  'msp-account-in-customer-admin-group': 'hg.ctl.authn.msp-not-in-customer-admin-groups',
  'ended-agreement-standing-access': 'hg.ctl.obsolete.ended-agreements',
};

describe('access findings on the demo workspace', () => {
  const options = { customers: 24, seed: 1 };
  const ws = generateDemo(options);
  const model = emptyModel() as unknown as Record<string, unknown[]>;
  for (const k of RECORD_KINDS) model[k.name] = [...(ws[k.name] as () => Iterable<object>)()].map((r) => k.schema.parse(r));
  const findings = accessFindings(model as unknown as Model, DEMO_DEFAULTS.now);

  it('finds every planted access flaw on its subject, explained by a path', () => {
    const flaws = demoFlaws(options).filter((f) => EXPECTED[f.flaw]);
    expect(new Set(flaws.map((f) => f.flaw))).toEqual(new Set(Object.keys(EXPECTED)));
    for (const flaw of flaws) {
      const hit = findings.find((f) => f.control === EXPECTED[flaw.flaw] && f.subject.id === flaw.subject.id && f.tenant === flaw.tenant);
      expect(hit, `${flaw.flaw} ${flaw.tenant} ${flaw.subject.id}`).toBeDefined();
      const path = hit!.evidence?.path as string[];
      expect(path.length, `${flaw.flaw} path`).toBeGreaterThan(1);
    }
  });

  it('explains a technician without MFA by the customers it reaches', () => {
    const noMfa = demoFlaws(options).filter((f) => f.flaw === 'technician-without-mfa');
    for (const flaw of noMfa) {
      const f = findings.find((x) => x.control === 'hg.ctl.mfa.msp-accounts' && x.subject.id === flaw.subject.id)!;
      expect(f.evidence?.customersReached).toBe(24);
      expect(f.severity).toBe('critical');
    }
  });
});
