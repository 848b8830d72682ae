import { describe, expect, it } from 'vitest';
import { MSP_ORG, ago, build, customer, of, run, type Inputs } from '../agreements/testkit.js';
import { READINESS_CONTROLS as C, createReadinessEngine, readinessEngine } from './readiness.js';

type Plan = Inputs['irPlan'];
/** A plan that passes every plan check. */
const plan = (tenant: string, extra: Partial<Plan> = {}): Plan => ({
  id: `${tenant}:irp`, tenant, title: `Plan ${tenant}`, executive: 'CEO', technicalLead: 'IT lead', procurement: 'Finance',
  mspCompromisePlaybook: true, hardCopy: true, updated: ago(30), ...extra,
});
/** A tabletop of `tenant`'s plan `days` ago, with its report. */
const exercise = (tenant: string, days: number, extra: Partial<Inputs['exercise']> = {}): Inputs['exercise'] => ({
  id: `${tenant}:ex:${days}`, tenant, plan: `${tenant}:irp`, date: ago(days), afterActionReport: true, ...extra,
});
/** A model where the MSP is ready, so only the customer under test can produce findings. */
const withMsp = (parts: Parameters<typeof build>[0]) =>
  build({
    ...parts,
    organization: [MSP_ORG, ...(parts.organization ?? [])],
    irPlan: [plan('harbor'), ...(parts.irPlan ?? [])],
    exercise: [exercise('harbor', 10), ...(parts.exercise ?? [])],
  });

describe('readiness engine: plans', () => {
  it('flags every organization without a plan, the MSP included, once and one level above the catalog', () => {
    const found = run(readinessEngine, build({ organization: [MSP_ORG, customer('acme'), customer('hosp', { sector: 'hospital' })] }));
    expect(found.map((d) => [d.control, d.subject.kind, d.subject.id, d.severity, d.duty])).toEqual([
      [C.planRoles, 'organization', 'acme', 'high', 'shared'],
      [C.planRoles, 'organization', 'harbor', 'high', 'msp'],
      [C.planRoles, 'organization', 'hosp', 'critical', 'shared'],
    ]);
    expect(found[0]).toMatchObject({ tenant: 'acme', title: 'Customer acme has no incident response plan', evidence: { plans: 0, severityRaisedFor: ['no-plan'] } });
  });

  it('names the roles a plan leaves out (blank counts as missing)', () => {
    const found = run(readinessEngine, withMsp({ organization: [customer('acme')], irPlan: [plan('acme', { executive: ' ', procurement: undefined })], exercise: [exercise('acme', 10)] }));
    expect(found).toMatchObject([
      { control: C.planRoles, tenant: 'acme', severity: 'medium', duty: 'shared', subject: { kind: 'irPlan', id: 'acme:irp' }, evidence: { missingRoles: ['executive', 'procurement'] } },
    ]);
  });

  it('flags a plan without an MSP-compromise playbook and one without a hard copy', () => {
    const found = run(readinessEngine, withMsp({ organization: [customer('acme')], irPlan: [plan('acme', { mspCompromisePlaybook: false, hardCopy: false })], exercise: [exercise('acme', 10)] }));
    expect(found.map((d) => [d.control, d.severity, d.subject.id])).toEqual([
      [C.hardCopy, 'low', 'acme:irp'],
      [C.mspCompromisePlaybook, 'high', 'acme:irp'],
    ]);
  });

  it('flags a plan updated more than 365 days ago, not at 365 and not when no date is recorded', () => {
    const found = of(run(readinessEngine, withMsp({
      organization: [customer('a'), customer('b'), customer('c')],
      irPlan: [plan('a', { updated: ago(365) }), plan('b', { updated: ago(366) }), plan('c', { updated: undefined })],
      exercise: [exercise('a', 1), exercise('b', 1), exercise('c', 1)],
    })), C.planCurrent);
    expect(found.map((d) => [d.subject.id, d.severity, d.evidence?.daysSinceUpdate])).toEqual([['b:irp', 'low', 366]]);
  });
});

describe('readiness engine: exercises', () => {
  it('flags a plan not exercised within 365 days, or never; a plan exercised exactly 365 days ago passes', () => {
    const found = of(run(readinessEngine, withMsp({
      organization: [customer('at'), customer('late'), customer('never')],
      irPlan: [plan('at'), plan('late'), plan('never')],
      exercise: [exercise('at', 365), exercise('late', 366), exercise('late', 800)],
    })), C.exercised);
    expect(found.map((d) => [d.subject.id, d.severity, d.evidence?.daysSinceExercise ?? null, d.evidence?.exercises])).toEqual([
      ['late:irp', 'medium', 366, 2],
      ['never:irp', 'medium', null, 0],
    ]);
    expect(found[1]?.title).toBe('Plan never has never been exercised');
  });

  it('ignores scheduled (future) exercises and counts an exercise naming no plan for its tenant\'s plan', () => {
    const found = of(run(readinessEngine, withMsp({
      organization: [customer('future'), customer('loose')], irPlan: [plan('future'), plan('loose')],
      exercise: [exercise('future', -10), exercise('loose', 20, { plan: undefined })],
    })), C.exercised);
    expect(found.map((d) => d.subject.id)).toEqual(['future:irp']);
  });

  it('applies a tuned interval', () => {
    const tuned = createReadinessEngine({ [C.exercised]: { intervalDays: 180 } });
    const found = of(run(tuned, withMsp({ organization: [customer('a')], irPlan: [plan('a')], exercise: [exercise('a', 200)] })), C.exercised);
    expect(found[0]?.evidence).toMatchObject({ daysSinceExercise: 200, intervalDays: 180 });
  });

  it('flags exercises of the current cycle without an after-action report, not older ones', () => {
    const found = of(run(readinessEngine, withMsp({
      organization: [customer('a')], irPlan: [plan('a')],
      exercise: [exercise('a', 30, { afterActionReport: false, scenario: 'RMM compromise' }), exercise('a', 400, { afterActionReport: false })],
    })), C.afterAction);
    expect(found).toMatchObject([
      { tenant: 'a', severity: 'low', duty: 'shared', subject: { kind: 'exercise', id: 'a:ex:30', name: 'RMM compromise' }, evidence: { afterActionReport: false, irPlan: 'a:irp' } },
    ]);
  });

  it('finds nothing for a ready MSP and customer', () => {
    expect(run(readinessEngine, withMsp({ organization: [customer('a')], irPlan: [plan('a')], exercise: [exercise('a', 100)] }))).toEqual([]);
  });
});
