import { assertKnownControls } from '../../catalog/catalog.js';
import type { Exercise, IrPlan } from '../../core/index.js';
import { DAY_MS, Governance, dateOf, sortDrafts, tuning, wholeDays, type EngineSettings } from '../agreements/context.js';
import type { Engine, FindingDraft } from '../engine.js';

/** The catalog controls of area 9 this engine checks. */
export const READINESS_CONTROLS = {
  planRoles: 'hg.ctl.ir.plan-roles',
  mspCompromisePlaybook: 'hg.ctl.ir.msp-compromise-playbook',
  hardCopy: 'hg.ctl.ir.hard-copy',
  exercised: 'hg.ctl.ir.exercised',
  afterAction: 'hg.ctl.ir.after-action',
  planCurrent: 'hg.ctl.ir.plan-current',
} as const;
const C = READINESS_CONTROLS;
assertKnownControls(Object.values(C), 'readiness engine');

/** The roles a plan must name (hg.ctl.ir.plan-roles), with the words a reader sees. */
const ROLES = [
  { field: 'executive', label: 'executive sponsor' },
  { field: 'technicalLead', label: 'technical lead' },
  { field: 'procurement', label: 'procurement contact' },
] as const satisfies readonly { field: keyof IrPlan; label: string }[];

const planSubject = (p: IrPlan) => ({ kind: 'irPlan', id: p.id, name: p.title });

/**
 * The readiness engine (area 9): every organization (the MSP and each customer)
 * has an incident response plan naming its key roles, with an "MSP is
 * compromised" playbook and a hard copy, reviewed and exercised within the
 * configured intervals, each exercise followed by an after-action report.
 *
 * The catalog has no control of its own for "no plan at all"; that case is
 * reported against hg.ctl.ir.plan-roles (a plan that does not exist names no
 * roles) one level above its catalog severity, and the plan-level checks are
 * not repeated for it.
 */
export function createReadinessEngine(settings: EngineSettings = {}): Engine {
  const t = tuning(Object.values(C), settings);
  const intervalDays = t.num(C.exercised, 'intervalDays');
  const maxAgeDays = t.num(C.planCurrent, 'maxAgeDays');
  return {
    name: 'readiness',
    controls: Object.values(C),
    run(model, ctx) {
      const g = new Governance(model, ctx.now);
      const plansByTenant = new Map<string, IrPlan[]>();
      for (const p of model.irPlan) plansByTenant.set(p.tenant, [...(plansByTenant.get(p.tenant) ?? []), p]);
      // Exercises in the future are scheduled, not held: they prove nothing yet.
      const held = model.exercise.filter((e) => g.ageMs(e.date) >= 0);
      const out: FindingDraft[] = [];
      for (const org of g.organizations()) {
        if (plansByTenant.has(org.id)) continue;
        out.push(
          g.draft({
            control: C.planRoles, tenant: org.id, subject: { kind: 'organization', id: org.id, name: org.name }, raise: ['no-plan'],
            title: `${org.name} has no incident response plan`,
            detail:
              `No incident response plan is recorded for ${org.name}. Write one that names an executive sponsor, a technical lead ` +
              'and a procurement contact, covers a compromise of the MSP itself, and is kept on paper too.',
            evidence: { plans: 0, kind: org.kind },
          }),
        );
      }
      for (const p of model.irPlan) {
        const exercises = held.filter((e) => e.plan === p.id || (e.plan === undefined && e.tenant === p.tenant));
        out.push(...planChecks(g, p, maxAgeDays), ...exercised(g, p, exercises, intervalDays));
      }
      out.push(...afterAction(g, held, intervalDays));
      return sortDrafts(out);
    },
  };
}

/** The readiness engine with the catalog's defaults. */
export const readinessEngine: Engine = createReadinessEngine();

function planChecks(g: Governance, p: IrPlan, maxAgeDays: number): FindingDraft[] {
  const out: FindingDraft[] = [];
  const missing = ROLES.filter((r) => !p[r.field]?.trim());
  if (missing.length) {
    const labels = missing.map((r) => r.label);
    out.push(
      g.draft({
        control: C.planRoles, tenant: p.tenant, subject: planSubject(p),
        title: `${p.title} names no ${labels.join(', no ')}`,
        detail: `The plan "${p.title}" does not name its ${labels.join(' or ')}: in an incident nobody would know who decides, leads or buys. Name them.`,
        evidence: { irPlan: p.id, missingRoles: missing.map((r) => r.field) },
      }),
    );
  }
  if (!p.mspCompromisePlaybook) {
    out.push(
      g.draft({
        control: C.mspCompromisePlaybook, tenant: p.tenant, subject: planSubject(p),
        title: `${p.title} has no playbook for a compromised MSP`,
        detail:
          `The plan "${p.title}" does not cover the case where the MSP, or one of its tools, is the attacker's way in ` +
          '(as in the 2021 Kaseya VSA attack). Add a playbook: how to cut MSP access, who to call, how to keep operating.',
        evidence: { irPlan: p.id, mspCompromisePlaybook: false },
      }),
    );
  }
  if (!p.hardCopy) {
    out.push(
      g.draft({
        control: C.hardCopy, tenant: p.tenant, subject: planSubject(p),
        title: `${p.title} has no printed copy`,
        detail: `No hard copy of "${p.title}" is recorded. When systems and networks are down the plan must still be readable: print it and keep it where responders can reach it.`,
        evidence: { irPlan: p.id, hardCopy: false },
      }),
    );
  }
  // An absent review date is not judged: it says nothing either way.
  if (p.updated !== undefined && g.ageMs(p.updated) > maxAgeDays * DAY_MS) {
    const days = wholeDays(g.ageMs(p.updated));
    out.push(
      g.draft({
        control: C.planCurrent, tenant: p.tenant, subject: planSubject(p),
        title: `${p.title} last updated ${days} days ago (more than ${maxAgeDays})`,
        detail: `"${p.title}" was last updated on ${dateOf(p.updated)}. Review it so that names, numbers and systems in it are still right.`,
        evidence: { irPlan: p.id, updated: p.updated, daysSinceUpdate: days, maxAgeDays },
      }),
    );
  }
  return out;
}

function exercised(g: Governance, p: IrPlan, exercises: readonly Exercise[], intervalDays: number): FindingDraft[] {
  const latest = exercises.reduce<Exercise | undefined>((a, e) => (!a || e.date > a.date ? e : a), undefined);
  if (latest && g.ageMs(latest.date) <= intervalDays * DAY_MS) return [];
  const days = latest ? wholeDays(g.ageMs(latest.date)) : undefined;
  return [
    g.draft({
      control: C.exercised, tenant: p.tenant, subject: planSubject(p),
      title: latest ? `${p.title} last exercised ${days} days ago (more than ${intervalDays})` : `${p.title} has never been exercised`,
      detail:
        (latest ? `The last exercise of "${p.title}" was a ${latest.kind} on ${dateOf(latest.date)}.` : `No exercise of "${p.title}" is recorded.`) +
        ` Run a tabletop at least every ${intervalDays} days, ideally on the MSP-compromise scenario.`,
      evidence: {
        irPlan: p.id, exercises: exercises.length, lastExercise: latest ? { id: latest.id, date: latest.date, kind: latest.kind } : null,
        ...(days !== undefined ? { daysSinceExercise: days } : {}), intervalDays,
      },
    }),
  ];
}

/**
 * Exercises without an after-action report, within the current exercise cycle
 * (hg.ctl.ir.exercised's interval): a report for an exercise older than that
 * can no longer be written usefully, and the plan's own exercise check already
 * speaks for that period.
 */
function afterAction(g: Governance, held: readonly Exercise[], intervalDays: number): FindingDraft[] {
  return held
    .filter((e) => !e.afterActionReport && g.ageMs(e.date) <= intervalDays * DAY_MS)
    .map((e) =>
      g.draft({
        control: C.afterAction, tenant: e.tenant, subject: { kind: 'exercise', id: e.id, name: e.scenario ?? `${e.kind} ${dateOf(e.date)}` },
        title: `The ${e.kind} of ${dateOf(e.date)} has no after-action report`,
        detail:
          `The ${e.kind} exercise held on ${dateOf(e.date)}${e.scenario ? ` ("${e.scenario}")` : ''} produced no after-action report. ` +
          'Write down what went wrong and what will change, or the exercise changes nothing.',
        evidence: { exercise: e.id, date: e.date, kind: e.kind, ...(e.plan ? { irPlan: e.plan } : {}), afterActionReport: false },
      }),
    );
}
