import { describe, expect, it } from 'vitest';
import { MSP_ORG, ago, build, customer, goodAgreement, of, run, type Inputs } from '../agreements/testkit.js';
import { BACKUP_CONTROLS as C, backupsEngine, createBackupsEngine, isServer } from './backups.js';

type Job = Inputs['backup'];
/** A job that passes every check: frequent enough, fresh, tested, fast, isolated, with its own keys and credentials. */
const job = (id: string, tenant = 'acme', extra: Partial<Job> = {}): Job => ({
  id, tenant, name: `Job ${id}`, assets: [], frequencyHours: 24, rpoHours: 24, rtoHours: 8, lastSuccess: ago(0, 2),
  lastRestoreTest: ago(30), restoreTestHours: 2, immutable: true, keysSeparate: true, ...extra,
});
const orgs = [MSP_ORG, customer('acme')];
const findings = (jobs: Job[], extra: Partial<Parameters<typeof build>[0]> = {}) => run(backupsEngine, build({ organization: orgs, backup: jobs, ...extra }));

describe('backups engine: RPO', () => {
  it('flags a job that runs less often than its RPO, not one that runs exactly as often', () => {
    const found = of(findings([job('at', 'acme', { frequencyHours: 24 }), job('over', 'acme', { frequencyHours: 25 })]), C.rpo);
    expect(found.map((d) => d.subject.id)).toEqual(['over']);
    expect(found[0]).toMatchObject({
      tenant: 'acme', duty: 'shared', severity: 'high', subject: { kind: 'backup', id: 'over', name: 'Job over' },
      evidence: { frequencyHours: 25, rpoHours: 24, rpoFrom: 'job', problems: ['frequency'] },
    });
  });

  it('takes the RPO from the agreement in force when the job has none, ignoring ended agreements', () => {
    const j = job('j', 'acme', { rpoHours: undefined, frequencyHours: 24 });
    const inForce = of(findings([j], { agreement: [goodAgreement('acme', { rpoHours: 12 })] }), C.rpo);
    expect(inForce[0]?.evidence).toMatchObject({ rpoHours: 12, rpoFrom: 'agreement:acme:msa' });
    const ended = of(findings([j], { agreement: [goodAgreement('acme', { rpoHours: 12, start: ago(900), end: ago(1) })] }), C.rpo);
    expect(ended).toEqual([]);
  });

  it('flags a newest restore point older than the RPO allows, and only then', () => {
    const found = of(findings([job('fresh', 'acme', { lastSuccess: ago(0, 24) }), job('stale', 'acme', { lastSuccess: ago(0, 24.5) })]), C.rpo);
    expect(found.map((d) => d.subject.id)).toEqual(['stale']);
    expect(found[0]?.evidence).toMatchObject({ hoursSinceSuccess: 24.5, allowedHours: 24, problems: ['stale'] });
  });

  it('without any RPO, judges freshness against the job interval and leaves unreported runs alone', () => {
    const found = of(findings([
      job('noRpo', 'acme', { rpoHours: undefined, frequencyHours: 12, lastSuccess: ago(0, 13) }),
      job('noRun', 'acme', { rpoHours: undefined, lastSuccess: undefined }),
    ]), C.rpo);
    expect(found.map((d) => [d.subject.id, d.evidence?.allowedHours])).toEqual([['noRpo', 12]]);
  });
});

describe('backups engine: restore tests and RTO', () => {
  it('flags a job never restore-tested, or last tested more than 180 days ago', () => {
    const found = of(findings([job('never', 'acme', { lastRestoreTest: undefined, restoreTestHours: undefined }), job('at', 'acme', { lastRestoreTest: ago(180) }), job('old', 'acme', { lastRestoreTest: ago(181) })]), C.restoreTested);
    expect(found.map((d) => d.subject.id)).toEqual(['never', 'old']);
    expect(found[0]).toMatchObject({ duty: 'shared', severity: 'high', title: 'Job never: never restore-tested', evidence: { lastRestoreTest: null, maxDaysSinceTest: 180 } });
    expect(found[1]?.evidence).toMatchObject({ daysSinceTest: 181 });
  });

  it('applies a tuned test interval', () => {
    const tuned = createBackupsEngine({ [C.restoreTested]: { maxDaysSinceTest: 90 } });
    const found = of(run(tuned, build({ organization: orgs, backup: [job('j', 'acme', { lastRestoreTest: ago(91) })] })), C.restoreTested);
    expect(found[0]?.evidence).toMatchObject({ daysSinceTest: 91, maxDaysSinceTest: 90 });
  });

  it('flags a restore test slower than the RTO (the job\'s, else the agreement\'s), not one exactly at it', () => {
    const found = of(findings([
      job('at', 'acme', { restoreTestHours: 8 }), job('slow', 'acme', { restoreTestHours: 8.5 }),
      job('agreed', 'acme', { rtoHours: undefined, restoreTestHours: 5 }),
    ], { agreement: [goodAgreement('acme', { rtoHours: 4 })] }), C.rto);
    expect(found.map((d) => [d.subject.id, d.evidence?.rtoFrom, d.severity])).toEqual([['agreed', 'agreement:acme:msa', 'medium'], ['slow', 'job', 'medium']]);
    expect(found[1]?.evidence).toMatchObject({ restoreTestHours: 8.5, rtoHours: 8, overByHours: 0.5 });
  });
});

describe('backups engine: isolated copies, keys and credentials', () => {
  it('flags a job without an isolated copy only for assets no other job keeps isolated', () => {
    const found = of(findings([
      job('nightly', 'acme', { assets: ['srv1'], immutable: false }),
      job('offsite', 'acme', { assets: ['srv1'], immutable: true }),
      job('m365', 'acme', { assets: ['tenant', 'srv1'], immutable: false }),
      job('bare', 'acme', { assets: [], immutable: false }),
      job('tape', 'acme', { assets: ['x'], immutable: false, offline: true }),
    ]), C.isolatedCopy);
    expect(found.map((d) => [d.subject.id, d.evidence?.assetsWithoutIsolatedCopy])).toEqual([['bare', []], ['m365', ['tenant']]]);
    expect(found[0]).toMatchObject({ duty: 'shared', severity: 'critical' });
  });

  it('flags keys kept with production under the same rule', () => {
    const found = of(findings([job('a', 'acme', { assets: ['s'], keysSeparate: false }), job('b', 'acme', { assets: ['t'], keysSeparate: false }), job('c', 'acme', { assets: ['s'] })]), C.separateKeys);
    expect(found.map((d) => [d.subject.id, d.severity, d.evidence?.assetsWithoutSeparateKeys])).toEqual([['b', 'high', ['t']]]);
  });

  it('flags backup credentials shared with production admins', () => {
    const found = of(findings([job('shared', 'acme', { credentialsShared: true }), job('own', 'acme')]), C.credentialsSeparate);
    expect(found).toMatchObject([{ subject: { id: 'shared' }, severity: 'high', duty: 'shared', evidence: { credentialsShared: true } }]);
  });
});

describe('backups engine: coverage', () => {
  const server = (id: string, criticality: 'medium' | 'high' | 'critical', extra: Partial<Inputs['asset']> = {}): Inputs['asset'] => ({
    id, tenant: 'acme', name: id.toUpperCase(), kind: 'device', criticality, tags: ['server'], ...extra,
  });

  it('flags high and critical servers in no job; not medium ones, workstations or covered servers', () => {
    const assets = [
      server('dc01', 'high'), server('sql01', 'critical', { tags: [], os: 'Windows Server 2012 R2' }), server('fs01', 'medium'),
      server('ws01', 'high', { tags: ['workstation'], os: 'Windows 11 Pro' }), server('app01', 'critical'),
    ];
    const found = of(findings([job('j', 'acme', { assets: ['app01'] })], { asset: assets }), C.coverage);
    expect(found.map((d) => d.subject.id)).toEqual(['dc01', 'sql01']);
    expect(found[1]).toMatchObject({ tenant: 'acme', duty: 'shared', severity: 'high', subject: { kind: 'asset', name: 'SQL01' }, evidence: { criticality: 'critical', backupJobs: 0 } });
  });

  it('recognizes servers by tag or operating system', () => {
    const base = { id: 'a', tenant: 't', name: 'a', kind: 'device' as const };
    expect(isServer(build({ asset: [{ ...base, tags: ['Server'] }] }).asset[0]!)).toBe(true);
    expect(isServer(build({ asset: [{ ...base, os: 'Ubuntu Server 24.04' }] }).asset[0]!)).toBe(true);
    expect(isServer(build({ asset: [{ ...base, os: 'Windows 11' }] }).asset[0]!)).toBe(false);
    expect(isServer(build({ asset: [{ ...base, kind: 'cloud-tenant', tags: ['server'] }] }).asset[0]!)).toBe(false);
  });
});

describe('backups engine: severity context', () => {
  it('raises findings on backups of MSP tools and at critical-infrastructure customers', () => {
    const m = build({
      organization: [MSP_ORG, customer('hosp', { criticalInfrastructure: true })],
      asset: [{ id: 'rmm', tenant: 'harbor', name: 'RMM', kind: 'msp-tool', toolKind: 'rmm' }],
      backup: [job('rmm-db', 'harbor', { assets: ['rmm'], lastRestoreTest: undefined }), job('h', 'hosp', { lastRestoreTest: undefined })],
    });
    const found = of(run(backupsEngine, m), C.restoreTested);
    expect(found.map((d) => [d.subject.id, d.tenant, d.severity, d.duty, d.evidence?.severityRaisedFor])).toEqual([
      ['rmm-db', 'harbor', 'critical', 'msp', ['msp-infrastructure']],
      ['h', 'hosp', 'critical', 'shared', ['critical-infrastructure']],
    ]);
  });

  it('finds nothing in a clean job', () => {
    expect(findings([job('ok', 'acme', { assets: ['s'] })])).toEqual([]);
  });
});
