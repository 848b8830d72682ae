import { describe, expect, it } from 'vitest';
import { HubguardError } from '../../core/index.js';
import { MSP_ORG, build, customer, goodAgreement, of, run, type Inputs } from '../agreements/testkit.js';
import { LOGGING_CONTROLS as C, createLoggingEngine, loggingEngine } from './logging.js';

type Src = Inputs['logSource'];
const src = (id: string, tenant: string, extra: Partial<Src> = {}): Src => ({
  id, tenant, name: `Log ${id}`, kind: 'authentication', retentionDays: 365, centralized: true, customerVisible: true, ...extra,
});
/** A customer whose inventory is complete, so only the source under test can produce findings. */
const baseline = (tenant: string): Src[] => [src(`${tenant}:signin`, tenant), src(`${tenant}:audit`, tenant, { kind: 'cloud-audit' })];

describe('logging engine: retention', () => {
  it('flags an important source kept less than 180 days, not one kept exactly 180', () => {
    const m = build({
      organization: [MSP_ORG, customer('acme')],
      logSource: [...baseline('acme'), src('at', 'acme', { retentionDays: 180 }), src('below', 'acme', { retentionDays: 179 })],
    });
    const found = of(run(loggingEngine, m), C.retention);
    expect(found.map((d) => d.subject.id)).toEqual(['below']);
    expect(found[0]).toMatchObject({
      tenant: 'acme', duty: 'shared', severity: 'high', subject: { kind: 'logSource', id: 'below', name: 'Log below' },
      evidence: { retentionDays: 179, requiredDays: 180, shortByDays: 1, kind: 'authentication' },
    });
  });

  it('ignores short retention of unimportant kinds unless they log MSP infrastructure', () => {
    const m = build({
      organization: [MSP_ORG, customer('acme')],
      logSource: [...baseline('acme'), src('mail', 'acme', { kind: 'email', retentionDays: 30 }), src('vault', 'acme', { kind: 'application', retentionDays: 30, mspInfrastructure: true })],
    });
    expect(of(run(loggingEngine, m), C.retention).map((d) => d.subject.id)).toEqual(['vault']);
  });

  it('raises severity for a critical-infrastructure customer and for MSP delivery logs, and makes MSP-own findings the MSP\'s duty', () => {
    const m = build({
      organization: [MSP_ORG, customer('hospital', { sector: 'hospital' }), customer('plant', { criticalInfrastructure: true })],
      logSource: [
        src('h', 'hospital', { retentionDays: 30 }), src('p', 'plant', { retentionDays: 30 }),
        src('sc', 'harbor', { kind: 'remote-access', retentionDays: 90, mspInfrastructure: true, asset: 'harbor-sc' }),
      ],
    });
    const found = of(run(loggingEngine, m), C.retention);
    expect(found.map((d) => [d.subject.id, d.severity, d.duty])).toEqual([
      ['sc', 'critical', 'msp'], ['h', 'critical', 'shared'], ['p', 'critical', 'shared'],
    ]);
    expect(found[0]?.evidence).toMatchObject({ severityRaisedFor: ['msp-infrastructure'], dutyFrom: { source: 'msp-own' } });
    expect(found[1]?.evidence).toMatchObject({ severityRaisedFor: ['critical-infrastructure'] });
  });

  it('takes the duty from the agreement in force when its matrix assigns the control', () => {
    const matrix = { ...goodAgreement('acme').responsibilities, [C.retention]: 'msp' as const };
    const m = build({
      organization: [MSP_ORG, customer('acme')],
      agreement: [goodAgreement('acme', { responsibilities: matrix })],
      logSource: [...baseline('acme'), src('short', 'acme', { retentionDays: 30 })],
    });
    expect(of(run(loggingEngine, m), C.retention)[0]).toMatchObject({ duty: 'msp', evidence: { dutyFrom: { source: 'agreement', agreements: ['acme:msa'] } } });
  });

  it('takes the threshold from settings and rejects settings the catalog does not define', () => {
    const m = build({ organization: [MSP_ORG, customer('acme')], logSource: [...baseline('acme'), src('year', 'acme', { retentionDays: 300 })] });
    const tuned = createLoggingEngine({ [C.retention]: { retentionDays: 365 } });
    expect(of(run(tuned, m), C.retention).map((d) => d.subject.id).sort()).toEqual(['year']);
    expect(of(run(tuned, m), C.retention)[0]?.evidence).toMatchObject({ requiredDays: 365 });
    expect(() => createLoggingEngine({ [C.retention]: { retentionDay: 365 } })).toThrow(HubguardError);
    expect(() => createLoggingEngine({ [C.retention]: { retentionDays: -1 } })).toThrow(/non-negative/);
    expect(() => createLoggingEngine({ 'hg.ctl.logging.retension': {} })).toThrow(/did you mean hg.ctl.logging.retention/);
  });
});

describe('logging engine: centralization', () => {
  it('flags important sources that stay on the system that writes them', () => {
    const m = build({
      organization: [MSP_ORG, customer('acme')],
      logSource: [...baseline('acme'), src('fw', 'acme', { kind: 'firewall', centralized: false }), src('app', 'acme', { kind: 'application', centralized: false })],
    });
    const found = of(run(loggingEngine, m), C.centralized);
    expect(found.map((d) => d.subject.id)).toEqual(['fw']);
    expect(found[0]).toMatchObject({ tenant: 'acme', duty: 'shared', severity: 'medium', evidence: { centralized: false, kind: 'firewall' } });
  });
});

describe('logging engine: MSP delivery infrastructure', () => {
  const tools = [
    { id: 'rmm', tenant: 'harbor', name: 'N-central', kind: 'msp-tool' as const, toolKind: 'rmm' as const, managedEndpoints: 800 },
    { id: 'sc', tenant: 'harbor', name: 'ScreenConnect', kind: 'msp-tool' as const, toolKind: 'remote-access' as const },
    { id: 'psa', tenant: 'harbor', name: 'PSA', kind: 'msp-tool' as const, toolKind: 'psa' as const },
  ];

  it('flags a delivery tool no log source is linked to, naming its reach and any unlinked MSP source', () => {
    const m = build({
      organization: [MSP_ORG, customer('acme'), customer('beta')],
      asset: tools,
      grant: [
        { id: 'g1', tenant: 'acme', principal: 'rmm', principalKind: 'tool', target: 'acme', privilege: 'system', via: 'rmm', tool: 'rmm' },
        { id: 'g2', tenant: 'beta', principal: 'rmm', principalKind: 'tool', target: 'beta', privilege: 'system', via: 'rmm', tool: 'rmm' },
      ],
      logSource: [src('sc-log', 'harbor', { kind: 'remote-access', asset: 'sc', mspInfrastructure: true }), src('loose', 'harbor', { kind: 'rmm', mspInfrastructure: true })],
    });
    const found = of(run(loggingEngine, m), C.mspInfrastructure);
    expect(found.map((d) => d.subject)).toEqual([{ kind: 'asset', id: 'rmm', name: 'N-central' }]);
    expect(found[0]).toMatchObject({
      tenant: 'harbor', duty: 'msp', severity: 'high',
      evidence: { toolKind: 'rmm', customersReached: 2, managedEndpoints: 800, unlinkedMspSources: ['loose'] },
    });
  });

  it('counts a log source in a customer tenant linked to the tool as logging it', () => {
    const m = build({
      organization: [MSP_ORG, customer('acme')], asset: tools.slice(0, 1),
      logSource: [...baseline('acme'), src('rmm-acme', 'acme', { kind: 'rmm', asset: 'rmm', mspInfrastructure: true })],
    });
    expect(of(run(loggingEngine, m), C.mspInfrastructure)).toEqual([]);
  });
});

describe('logging engine: customer visibility of MSP activity', () => {
  const rmm = { id: 'rmm', tenant: 'harbor', name: 'N-central', kind: 'msp-tool' as const, toolKind: 'rmm' as const };
  const grant = (t: string) => ({ id: `g-${t}`, tenant: t, principal: 'rmm', principalKind: 'tool' as const, target: t, privilege: 'system' as const, via: 'rmm' as const, tool: 'rmm' });

  it('flags an MSP-activity log in a customer tenant that the customer cannot read', () => {
    const m = build({
      organization: [MSP_ORG, customer('acme')],
      logSource: [...baseline('acme'), src('rmm-acme', 'acme', { kind: 'rmm', mspInfrastructure: true, customerVisible: false })],
    });
    expect(of(run(loggingEngine, m), C.customerVisibility)).toMatchObject([
      { tenant: 'acme', duty: 'msp', severity: 'medium', subject: { id: 'rmm-acme' }, evidence: { customerVisible: false } },
    ]);
  });

  it('accepts a private MSP log when every customer the tool reaches has its own readable copy', () => {
    const m = build({
      organization: [MSP_ORG, customer('acme'), customer('beta')], asset: [rmm], grant: [grant('acme'), grant('beta')],
      logSource: [
        src('rmm-all', 'harbor', { kind: 'rmm', asset: 'rmm', mspInfrastructure: true, customerVisible: false }),
        src('rmm-acme', 'acme', { kind: 'rmm', asset: 'rmm', mspInfrastructure: true }),
        src('rmm-beta', 'beta', { kind: 'rmm', asset: 'rmm', mspInfrastructure: true }),
      ],
    });
    expect(of(run(loggingEngine, m), C.customerVisibility)).toEqual([]);
  });

  it('names the customers the tool reaches that have no readable copy', () => {
    const m = build({
      organization: [MSP_ORG, customer('acme'), customer('beta')], asset: [rmm], grant: [grant('acme'), grant('beta')],
      logSource: [
        src('rmm-all', 'harbor', { kind: 'rmm', asset: 'rmm', mspInfrastructure: true, customerVisible: false }),
        src('rmm-acme', 'acme', { kind: 'rmm', asset: 'rmm', mspInfrastructure: true }),
      ],
    });
    expect(of(run(loggingEngine, m), C.customerVisibility)).toMatchObject([
      { tenant: 'harbor', duty: 'msp', subject: { id: 'rmm-all' }, evidence: { customersWithoutView: ['beta'] } },
    ]);
  });
});

describe('logging engine: source inventory', () => {
  it('flags a customer without an authentication or audit log, and not a complete one or the MSP', () => {
    const m = build({
      organization: [MSP_ORG, customer('none'), customer('authonly'), customer('full')],
      logSource: [src('a1', 'authonly'), ...baseline('full')],
    });
    const found = of(run(loggingEngine, m), C.sourceInventory);
    expect(found.map((d) => [d.subject.kind, d.subject.id, d.evidence?.missing])).toEqual([
      ['organization', 'authonly', ['directory-audit or cloud-audit']],
      ['organization', 'none', ['authentication', 'directory-audit or cloud-audit']],
    ]);
    expect(found[1]).toMatchObject({ tenant: 'none', duty: 'shared', severity: 'medium', title: 'Customer none has no log sources recorded' });
  });
});

describe('logging engine: output', () => {
  it('emits at most one finding per control and subject, in a stable order', () => {
    const m = build({
      organization: [MSP_ORG, customer('acme'), customer('beta')],
      logSource: [src('x', 'beta', { retentionDays: 10, centralized: false }), src('y', 'acme', { retentionDays: 10, centralized: false, mspInfrastructure: true, customerVisible: false })],
    });
    const a = run(loggingEngine, m);
    const keys = a.map((d) => `${d.control}|${d.subject.kind}|${d.subject.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    m.logSource.reverse();
    expect(run(loggingEngine, m)).toEqual(a);
    expect(loggingEngine.controls).toEqual(expect.arrayContaining(a.map((d) => d.control)));
  });
});
