import { describe, expect, it } from 'vitest';
import { catalog } from '../../catalog/catalog.js';
import { AGREEMENT_CONTROLS as C, KEY_CONTROLS, agreementsEngine, createAgreementsEngine } from './agreements.js';
import { MSP_ORG, ago, build, customer, fullMatrix, goodAgreement, of, run, type Inputs } from './testkit.js';

const findings = (agreements: Inputs['agreement'][], extra: Partial<Parameters<typeof build>[0]> = {}) =>
  run(agreementsEngine, build({ organization: [MSP_ORG, customer('acme')], agreement: agreements, ...extra }));

describe('agreements engine: an agreement in force', () => {
  it('flags a customer with no agreement, and not the MSP', () => {
    const found = findings([]);
    expect(found).toMatchObject([
      { control: C.contractRoles, tenant: 'acme', duty: 'shared', severity: 'high', subject: { kind: 'organization', id: 'acme' }, title: 'Customer acme has no agreement', evidence: { agreements: [], msp: 'harbor' } },
    ]);
  });

  it('flags a customer whose only agreement has ended, and still judges that agreement\'s terms', () => {
    const ended = goodAgreement('acme', { start: ago(1200), end: ago(30), notifyWithinHours: 96 });
    const found = findings([ended]);
    expect(found.map((d) => [d.control, d.subject.id])).toEqual([
      [C.contractRoles, 'acme'],
      [C.incidentNotification, 'acme:msa'],
    ]);
    expect(found[0]).toMatchObject({ title: 'Customer acme has no agreement in force', evidence: { agreements: [{ id: 'acme:msa', end: ago(30) }] } });
  });

  it('does not judge a superseded agreement when a current one exists', () => {
    const old = goodAgreement('acme', { id: 'old', start: ago(1200), end: ago(100), notifyWithinHours: 96, responsibilities: {} });
    expect(findings([old, goodAgreement('acme')])).toEqual([]);
  });

  it('treats an agreement that has not started as not in force, but judges its terms', () => {
    const found = findings([goodAgreement('acme', { start: ago(-10), notifySuspected: false })]);
    expect(found.map((d) => [d.control, d.subject.id])).toEqual([[C.contractRoles, 'acme'], [C.incidentNotification, 'acme:msa']]);
  });
});

describe('agreements engine: responsibility matrix', () => {
  it('flags an empty matrix once, without repeating it as unassigned or key controls', () => {
    const found = findings([goodAgreement('acme', { responsibilities: {} })]);
    expect(found).toMatchObject([
      { control: C.responsibilityMatrix, severity: 'high', duty: 'shared', subject: { kind: 'agreement', id: 'acme:msa' }, evidence: { assigned: 0, controls: catalog().controls.length } },
    ]);
  });

  it('lists explicitly unassigned and missing controls in one finding per agreement', () => {
    const matrix = fullMatrix();
    matrix['hg.ctl.ir.hard-copy'] = 'unassigned';
    delete matrix['hg.ctl.authn.shared-accounts'];
    matrix['hg.ctl.ir.typo'] = 'msp';
    const found = of(findings([goodAgreement('acme', { responsibilities: matrix })]), C.unassignedControls);
    expect(found).toMatchObject([
      {
        tenant: 'acme', severity: 'medium', duty: 'shared',
        title: 'Agreement acme leaves 2 control(s) unassigned: hg.ctl.authn.shared-accounts, hg.ctl.ir.hard-copy',
        evidence: { unassigned: ['hg.ctl.ir.hard-copy'], missing: ['hg.ctl.authn.shared-accounts'], count: 2, maxUnassigned: 0, unknownControls: ['hg.ctl.ir.typo'] },
      },
    ]);
  });

  it('tolerates gaps up to a tuned maximum', () => {
    const matrix = { ...fullMatrix(), 'hg.ctl.ir.hard-copy': 'unassigned' as const, 'hg.ctl.ir.after-action': 'unassigned' as const };
    const m = build({ organization: [MSP_ORG, customer('acme')], agreement: [goodAgreement('acme', { responsibilities: matrix })] });
    expect(of(run(createAgreementsEngine({ [C.unassignedControls]: { maxUnassigned: 2 } }), m), C.unassignedControls)).toEqual([]);
    expect(of(run(createAgreementsEngine({ [C.unassignedControls]: { maxUnassigned: 1 } }), m), C.unassignedControls)).toHaveLength(1);
  });

  it('flags key controls left without an owner as a contract-roles finding on the agreement', () => {
    const matrix = { ...fullMatrix(), 'hg.ctl.immediate.msp-mfa': 'unassigned' as const, 'hg.ctl.ir.hard-copy': 'unassigned' as const };
    const found = of(findings([goodAgreement('acme', { responsibilities: matrix })]), C.contractRoles);
    expect(found).toMatchObject([{ subject: { kind: 'agreement', id: 'acme:msa' }, severity: 'high', evidence: { keyControlsWithoutOwner: ['hg.ctl.immediate.msp-mfa'] } }]);
    expect(KEY_CONTROLS).toContain('hg.ctl.transparency.incident-notification');
  });
});

describe('agreements engine: incident notification', () => {
  it('flags notification slower than 72 hours, not at 72', () => {
    const found = of(run(agreementsEngine, build({
      organization: [MSP_ORG, customer('a'), customer('b')],
      agreement: [goodAgreement('a', { notifyWithinHours: 72 }), goodAgreement('b', { notifyWithinHours: 73 })],
    })), C.incidentNotification);
    expect(found).toMatchObject([{ tenant: 'b', severity: 'high', duty: 'shared', evidence: { notifyWithinHours: 73, maxHours: 72, problems: ['too-slow'] } }]);
  });

  it('flags confirmed-only notification and a missing deadline, in one finding per agreement', () => {
    const found = of(findings([goodAgreement('acme', { notifySuspected: false, notifyWithinHours: undefined })]), C.incidentNotification);
    expect(found).toHaveLength(1);
    expect(found[0]?.evidence).toMatchObject({ notifySuspected: false, notifyWithinHours: null, problems: ['confirmed-only', 'no-deadline'] });
  });

  it('accepts confirmed-only notification when the requirement is switched off', () => {
    const tuned = createAgreementsEngine({ [C.incidentNotification]: { requireSuspected: false } });
    const m = build({ organization: [MSP_ORG, customer('acme')], agreement: [goodAgreement('acme', { notifySuspected: false })] });
    expect(run(tuned, m)).toEqual([]);
  });

  it('raises severity for a critical-infrastructure customer', () => {
    const m = build({ organization: [MSP_ORG, customer('h', { sector: 'hospital' })], agreement: [goodAgreement('h', { notifySuspected: false })] });
    expect(run(agreementsEngine, m)).toMatchObject([{ control: C.incidentNotification, severity: 'critical', evidence: { severityRaisedFor: ['critical-infrastructure'] } }]);
  });
});

describe('agreements engine: scope and recovery terms', () => {
  it('flags an agreement without an out-of-scope list', () => {
    const found = of(findings([goodAgreement('acme', { servicesOutOfScope: [] })]), C.scopeOfServices);
    expect(found).toMatchObject([{ severity: 'medium', evidence: { servicesInScope: 1, servicesOutOfScope: 0, missing: ['out of scope'] } }]);
  });

  it('asks for RPO and RTO where the customer has backups or the MSP restores data, not otherwise', () => {
    const noTerms = { rpoHours: undefined, rtoHours: undefined };
    expect(of(findings([goodAgreement('acme', noTerms)]), C.recoveryTerms)).toEqual([]);
    const withJob = of(findings([goodAgreement('acme', noTerms)], { backup: [{ id: 'j', tenant: 'acme', name: 'j', frequencyHours: 24 }] }), C.recoveryTerms);
    expect(withJob).toMatchObject([{ severity: 'medium', evidence: { missing: ['rpoHours', 'rtoHours'], backupJobs: 1 } }]);
    const byService = of(findings([goodAgreement('acme', { rtoHours: undefined, servicesInScope: ['Backup and disaster recovery'] })]), C.recoveryTerms);
    expect(byService).toMatchObject([{ evidence: { missing: ['rtoHours'], rpoHours: 24 } }]);
  });

  it('finds nothing in a complete agreement', () => {
    expect(findings([goodAgreement('acme')])).toEqual([]);
  });
});
