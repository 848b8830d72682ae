import { describe, expect, it } from 'vitest';
import { isControlId } from '../catalog/catalog.js';
import { RECORD_KINDS } from '../core/index.js';
// Checks that the engines find every weakness the demo plants (and nothing else of those kinds).
import { DEMO_DEFAULTS, demoFlaws, generateDemo, type DemoFlaw, type FlawCode } from '../demo/index.js';
import { agreementsEngine } from './agreements/agreements.js';
import { build } from './agreements/testkit.js';
import { backupsEngine } from './backups/backups.js';
import { emptyModel, findingId, type Engine, type FindingDraft, type Model } from './engine.js';
import { loggingEngine } from './logging/logging.js';
import { readinessEngine } from './readiness/readiness.js';

const OPTIONS = { customers: 24, seed: 1 };
const NOW = DEMO_DEFAULTS.now;
const ENGINES: readonly Engine[] = [loggingEngine, backupsEngine, readinessEngine, agreementsEngine];

/** Each planted flaw these engines own, with the control that must report it (and the evidence problem code, where one control reports several). */
const EXPECTED: Partial<Record<FlawCode, { control: string; problem?: string }>> = {
  'short-log-retention': { control: 'hg.ctl.logging.retention' },
  'backup-never-restore-tested': { control: 'hg.ctl.backups.restore-tested' },
  'ir-plan-without-msp-playbook': { control: 'hg.ctl.ir.msp-compromise-playbook' },
  'missing-ir-plan': { control: 'hg.ctl.ir.plan-roles' },
  'ir-plan-not-exercised': { control: 'hg.ctl.ir.exercised' },
  'unassigned-controls': { control: 'hg.ctl.transparency.unassigned-controls' },
  'notify-confirmed-only': { control: 'hg.ctl.transparency.incident-notification', problem: 'confirmed-only' },
  'slow-incident-notification': { control: 'hg.ctl.transparency.incident-notification', problem: 'too-slow' },
};
const CODES = Object.keys(EXPECTED) as FlawCode[];

function demoModel(): Model {
  const ws = generateDemo(OPTIONS);
  const m = emptyModel();
  for (const k of RECORD_KINDS) for (const r of ws[k.name]()) (m[k.name] as unknown[]).push(k.schema.parse(r));
  return m;
}

const model = demoModel();
const flaws = demoFlaws(OPTIONS).filter((f) => CODES.includes(f.flaw));
const byEngine = ENGINES.map((e) => ({ engine: e, drafts: e.run(model, { now: NOW }) }));
const drafts: FindingDraft[] = byEngine.flatMap((x) => x.drafts);
const key = (tenant: string, kind: string, id: string) => `${tenant}|${kind}|${id}`;
const problems = (d: FindingDraft) => (d.evidence?.problems as string[] | undefined) ?? [];

describe('governance engines on the demo workspace (24 customers, seed 1)', () => {
  it('plants every flaw kind these engines own, so the checks below are not vacuous', () => {
    for (const code of CODES) expect(flaws.some((f) => f.flaw === code), code).toBe(true);
  });

  it('reports every planted flaw on its subject and tenant, under the expected control', () => {
    const missed = flaws.filter((f: DemoFlaw) => {
      const want = EXPECTED[f.flaw]!;
      return !drafts.some(
        (d) => d.control === want.control && d.tenant === f.tenant && d.subject.kind === f.subject.kind && d.subject.id === f.subject.id &&
          (want.problem === undefined || problems(d).includes(want.problem)),
      );
    });
    expect(missed.map((f) => `${f.flaw} ${f.subject.kind}:${f.subject.id}`)).toEqual([]);
  });

  it('reports nothing of those kinds on the clean baseline: each control fires only where a flaw was planted', () => {
    for (const code of CODES) {
      const want = EXPECTED[code]!;
      // Codes sharing a control (the two notification flaws) are told apart by the evidence problem code.
      const planted = new Set(flaws.filter((f) => f.flaw === code).map((f) => key(f.tenant, f.subject.kind, f.subject.id)));
      const reported = new Set(
        drafts.filter((d) => d.control === want.control && (want.problem === undefined || problems(d).includes(want.problem)))
          .map((d) => key(d.tenant, d.subject.kind, d.subject.id)),
      );
      expect([...reported].sort(), code).toEqual([...planted].sort());
    }
  });

  it('gives every finding a catalog control the engine declares, a tenant in the model and a unique id', () => {
    const tenants = new Set(model.organization.map((o) => o.id as string));
    for (const { engine, drafts: ds } of byEngine) {
      const ids = ds.map((d) => findingId(engine.name, d.control, d.subject.kind, d.subject.id));
      expect(new Set(ids).size, engine.name).toBe(ids.length);
      for (const d of ds) {
        expect(engine.controls).toContain(d.control);
        expect(isControlId(d.control)).toBe(true);
        expect(tenants.has(d.tenant), `${d.tenant} of ${d.subject.id}`).toBe(true);
        expect(d.title.length).toBeGreaterThan(0);
      }
    }
  });

  it('raises severity at the hospital above the same finding elsewhere', () => {
    const hospital = model.organization.find((o) => o.criticalInfrastructure)!;
    const exercised = drafts.filter((d) => d.control === 'hg.ctl.ir.exercised');
    const atHospital = exercised.filter((d) => d.tenant === hospital.id);
    const elsewhere = exercised.filter((d) => d.tenant !== hospital.id);
    expect(elsewhere.every((d) => d.severity === 'medium')).toBe(true);
    expect(atHospital.every((d) => d.severity === 'high')).toBe(true);
  });

  it('is deterministic', () => {
    for (const { engine, drafts: ds } of byEngine) expect(engine.run(model, { now: NOW })).toEqual(ds);
  });
});

/**
 * fixtures/workspace/example, rebuilt by hand (engines may not use the importer):
 * the records that matter to these engines, at the instant the example describes.
 */
describe('governance engines on the example workspace', () => {
  const at = new Date('2026-11-28T12:00:00Z');
  const m = build({
    organization: [
      { id: 'harbor-msp', name: 'Harbor IT Services', kind: 'msp', sector: 'technology' },
      { id: 'st-brigid-clinic', name: 'St Brigid Family Clinic', kind: 'customer', msp: 'harbor-msp', sector: 'healthcare', criticality: 'high' },
      { id: 'keel-law', name: 'Keel & Marsh LLP', kind: 'customer', msp: 'harbor-msp', sector: 'legal' },
    ],
    asset: [
      { id: 'harbor-screenconnect', tenant: 'harbor-msp', name: 'ScreenConnect server', kind: 'msp-tool', toolKind: 'remote-access', criticality: 'critical' },
      { id: 'harbor-rmm', tenant: 'harbor-msp', name: 'N-central RMM', kind: 'msp-tool', toolKind: 'rmm', criticality: 'critical' },
      { id: 'stbrigid-fw', tenant: 'st-brigid-clinic', name: 'Clinic firewall', kind: 'device', criticality: 'high' },
      { id: 'stbrigid-dc01', tenant: 'st-brigid-clinic', name: 'DC01', kind: 'device', os: 'Windows Server 2012 R2', criticality: 'high' },
      { id: 'keel-m365', tenant: 'keel-law', name: 'Microsoft 365 tenant', kind: 'cloud-tenant', criticality: 'high' },
    ],
    grant: [
      { id: 'rmm-stbrigid', tenant: 'st-brigid-clinic', principal: 'harbor-rmm', principalKind: 'tool', target: 'st-brigid-clinic', privilege: 'system', via: 'rmm', tool: 'harbor-rmm' },
      { id: 'rmm-keel', tenant: 'keel-law', principal: 'harbor-rmm', principalKind: 'tool', target: 'keel-law', privilege: 'system', via: 'rmm', tool: 'harbor-rmm' },
      { id: 'sc-stbrigid-fw', tenant: 'st-brigid-clinic', principal: 'harbor-screenconnect', principalKind: 'tool', target: 'stbrigid-fw', targetKind: 'asset', privilege: 'admin', via: 'remote-access', tool: 'harbor-screenconnect' },
    ],
    backup: [
      { id: 'bk-stbrigid-dc', tenant: 'st-brigid-clinic', name: 'DC01 nightly', assets: ['stbrigid-dc01'], frequencyHours: 24, rpoHours: 24, rtoHours: 8, lastSuccess: '2026-11-28T02:00:00Z', lastRestoreTest: '2026-03-10', restoreTestHours: 5.5, immutable: true, isolated: true, keysSeparate: true },
      { id: 'bk-keel-m365', tenant: 'keel-law', name: 'M365 mailboxes', assets: ['keel-m365'], frequencyHours: 12, rpoHours: 24, rtoHours: 12, lastSuccess: '2026-11-28T06:00:00Z', credentialsShared: true },
    ],
    logSource: [
      { id: 'ls-harbor-sc', tenant: 'harbor-msp', name: 'ScreenConnect audit log', kind: 'remote-access', retentionDays: 90, centralized: true, mspInfrastructure: true, asset: 'harbor-screenconnect' },
      { id: 'ls-harbor-rmm', tenant: 'harbor-msp', name: 'RMM activity log', kind: 'rmm', retentionDays: 365, centralized: true, mspInfrastructure: true, customerVisible: true, asset: 'harbor-rmm' },
      { id: 'ls-stbrigid-fw', tenant: 'st-brigid-clinic', name: 'Firewall log', kind: 'firewall', retentionDays: 180, centralized: true, customerVisible: true, asset: 'stbrigid-fw' },
      { id: 'ls-stbrigid-signin', tenant: 'st-brigid-clinic', name: 'Entra sign-in log', kind: 'authentication', retentionDays: 30, customerVisible: true },
    ],
    agreement: [
      {
        id: 'msa-st-brigid', tenant: 'st-brigid-clinic', msp: 'harbor-msp', title: 'Managed services agreement 2025', start: '2025-01-01', end: '2027-12-31',
        servicesInScope: ['endpoint management', 'backup'], servicesOutOfScope: ['EHR application support'],
        responsibilities: {
          'hg.ctl.mfa.msp-accounts': 'msp', 'hg.ctl.logging.retention': 'shared', 'hg.ctl.backups.restore-tested': 'msp',
          'hg.ctl.ir.exercised': 'customer', 'hg.ctl.transparency.incident-notification': 'unassigned',
        },
        notifySuspected: false, notifyWithinHours: 96, rpoHours: 24, rtoHours: 8,
      },
      {
        id: 'msa-keel', tenant: 'keel-law', msp: 'harbor-msp', title: 'IT support agreement', start: '2021-06-01', end: '2026-05-31',
        servicesInScope: ['Microsoft 365 administration'], responsibilities: { 'hg.ctl.mfa.msp-accounts': 'msp' }, notifySuspected: true, notifyWithinHours: 24,
      },
    ],
    irPlan: [
      { id: 'irp-st-brigid', tenant: 'st-brigid-clinic', title: 'Clinic incident response plan', executive: 'Practice manager', technicalLead: 'Harbor IT on-call lead', procurement: 'Office manager', mspCompromisePlaybook: false, hardCopy: true, updated: '2026-02-01' },
    ],
    exercise: [{ id: 'ex-stbrigid-2025', tenant: 'st-brigid-clinic', plan: 'irp-st-brigid', date: '2025-09-15', kind: 'tabletop', afterActionReport: true }],
  });
  const found = ENGINES.flatMap((e) => e.run(m, { now: at }));
  const pick = (control: string, id: string) => found.find((d) => d.control === control && d.subject.id === id);

  it('finds exactly the weaknesses the example was written to show', () => {
    expect(found.map((d) => `${d.control} ${d.subject.id}`).sort()).toEqual([
      'hg.ctl.backups.credentials-separate bk-keel-m365',
      'hg.ctl.backups.isolated-copy bk-keel-m365',
      'hg.ctl.backups.restore-tested bk-keel-m365',
      'hg.ctl.backups.restore-tested bk-stbrigid-dc',
      'hg.ctl.backups.separate-keys bk-keel-m365',
      'hg.ctl.immediate.contract-roles keel-law',
      'hg.ctl.immediate.contract-roles msa-keel',
      'hg.ctl.immediate.contract-roles msa-st-brigid',
      'hg.ctl.ir.exercised irp-st-brigid',
      'hg.ctl.ir.msp-compromise-playbook irp-st-brigid',
      'hg.ctl.ir.plan-roles harbor-msp',
      'hg.ctl.ir.plan-roles keel-law',
      'hg.ctl.logging.centralized ls-stbrigid-signin',
      'hg.ctl.logging.customer-visibility ls-harbor-sc',
      'hg.ctl.logging.retention ls-harbor-sc',
      'hg.ctl.logging.retention ls-stbrigid-signin',
      'hg.ctl.logging.source-inventory keel-law',
      'hg.ctl.logging.source-inventory st-brigid-clinic',
      'hg.ctl.transparency.incident-notification msa-st-brigid',
      'hg.ctl.transparency.recovery-terms msa-keel',
      'hg.ctl.transparency.scope-of-services msa-keel',
      'hg.ctl.transparency.unassigned-controls msa-keel',
      'hg.ctl.transparency.unassigned-controls msa-st-brigid',
    ]);
  });

  it('reads duty and severity from the context', () => {
    // The MSP's own ScreenConnect log: the MSP's duty, raised for delivery infrastructure.
    expect(pick('hg.ctl.logging.retention', 'ls-harbor-sc')).toMatchObject({ tenant: 'harbor-msp', duty: 'msp', severity: 'critical', evidence: { retentionDays: 90, requiredDays: 180 } });
    // The clinic's contract makes retention shared; the restore test of its DC the MSP's.
    expect(pick('hg.ctl.logging.retention', 'ls-stbrigid-signin')).toMatchObject({ duty: 'shared', severity: 'high', evidence: { dutyFrom: { source: 'agreement' } } });
    expect(pick('hg.ctl.backups.restore-tested', 'bk-stbrigid-dc')).toMatchObject({ duty: 'msp', evidence: { lastRestoreTest: '2026-03-10T00:00:00.000Z', daysSinceTest: 263 } });
    expect(pick('hg.ctl.transparency.incident-notification', 'msa-st-brigid')?.evidence).toMatchObject({ problems: ['confirmed-only', 'too-slow'] });
    expect(pick('hg.ctl.logging.customer-visibility', 'ls-harbor-sc')?.evidence).toMatchObject({ customersWithoutView: ['st-brigid-clinic'] });
    expect(pick('hg.ctl.transparency.recovery-terms', 'msa-keel')?.evidence).toMatchObject({ missing: ['rpoHours', 'rtoHours'], backupJobs: 1 });
  });
});
