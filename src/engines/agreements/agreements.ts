import { assertKnownControls, catalog, isControlId } from '../../catalog/catalog.js';
import type { Agreement } from '../../core/index.js';
import type { Engine, FindingDraft } from '../engine.js';
import { Governance, dateOf, sortDrafts, tuning, type EngineSettings } from './context.js';

/** The catalog controls of areas 0 and 11 this engine checks. */
export const AGREEMENT_CONTROLS = {
  contractRoles: 'hg.ctl.immediate.contract-roles',
  responsibilityMatrix: 'hg.ctl.transparency.responsibility-matrix',
  unassignedControls: 'hg.ctl.transparency.unassigned-controls',
  incidentNotification: 'hg.ctl.transparency.incident-notification',
  scopeOfServices: 'hg.ctl.transparency.scope-of-services',
  recoveryTerms: 'hg.ctl.transparency.recovery-terms',
} as const;
const C = AGREEMENT_CONTROLS;

/**
 * Controls whose owner a contract must name, whatever else it leaves open: the
 * advisory's immediate actions and the duties most often assumed to be "the
 * other side's" — MSP MFA, disabling unused accounts, log retention and MSP tool
 * logging, patching known-exploited flaws, restore tests, isolated backups, the
 * MSP-compromise playbook and incident notification. A matrix silent on any of
 * them fails hg.ctl.immediate.contract-roles.
 */
export const KEY_CONTROLS: readonly string[] = [
  'hg.ctl.immediate.msp-mfa',
  'hg.ctl.immediate.disable-unused-accounts',
  'hg.ctl.logging.retention',
  'hg.ctl.logging.msp-infrastructure',
  'hg.ctl.updates.kev-due-dates',
  'hg.ctl.backups.restore-tested',
  'hg.ctl.backups.isolated-copy',
  'hg.ctl.ir.msp-compromise-playbook',
  'hg.ctl.transparency.incident-notification',
];
assertKnownControls([...Object.values(C), ...KEY_CONTROLS], 'agreements engine');

/** In-scope services whose names show the MSP restores data, so the agreement owes recovery terms. */
const RECOVERY_SERVICE = /backup|restore|recover|disaster|continuity/i;
/** How many control ids a title or detail lists before "and N more" (the evidence lists them all). */
const LIST_IN_TEXT = 8;

const agreementSubject = (a: Agreement) => ({ kind: 'agreement', id: a.id, name: a.title });
const listed = (ids: readonly string[]) =>
  ids.length <= LIST_IN_TEXT ? ids.join(', ') : `${ids.slice(0, LIST_IN_TEXT).join(', ')} and ${ids.length - LIST_IN_TEXT} more`;

/**
 * The agreements engine (areas 0 and 11): every customer has an agreement in
 * force; each agreement has a responsibility matrix that leaves no control (and
 * no key control) without an owner, incident notification for suspected
 * incidents within the configured hours, services in and out of scope, and
 * recovery objectives. Superseded agreements are history and not judged;
 * access left standing after an agreement ends is the access engine's
 * finding (hg.ctl.obsolete.ended-agreements), not this engine's.
 */
export function createAgreementsEngine(settings: EngineSettings = {}): Engine {
  const t = tuning(Object.values(C), settings);
  const maxUnassigned = t.num(C.unassignedControls, 'maxUnassigned');
  const maxHours = t.num(C.incidentNotification, 'maxHours');
  const requireSuspected = t.flag(C.incidentNotification, 'requireSuspected');
  return {
    name: 'agreements',
    controls: Object.values(C),
    run(model, ctx) {
      const g = new Governance(model, ctx.now);
      const out: FindingDraft[] = [];
      for (const org of g.customers()) {
        const all = g.agreementsOf(org.id);
        if (all.some((a) => g.isCurrent(a))) continue;
        const ended = all.filter((a) => g.hasEnded(a));
        const upcoming = all.filter((a) => !g.hasEnded(a));
        out.push(
          g.draft({
            control: C.contractRoles, tenant: org.id, subject: { kind: 'organization', id: org.id, name: org.name },
            title: all.length ? `${org.name} has no agreement in force` : `${org.name} has no agreement`,
            detail:
              (ended.length ? `The last agreement with ${org.name} ended on ${dateOf(latestEnd(ended))}. ` : '') +
              (upcoming.length ? `An agreement is signed but has not started yet. ` : '') +
              `Nothing in force says who owns which security control at ${org.name}, what the MSP must report, or how fast. ` +
              'Put an agreement with a responsibility matrix in place (or end the MSP\'s access).',
            evidence: {
              agreements: all.map((a) => ({ id: a.id, title: a.title, start: a.start ?? null, end: a.end ?? null })),
              ...(org.msp ? { msp: org.msp } : {}),
            },
          }),
        );
      }
      const byId = new Set(catalog().controls.map((c) => c.id as string));
      for (const a of termsToCheck(g)) {
        out.push(...matrix(g, a, byId, maxUnassigned));
        const n = notification(g, a, maxHours, requireSuspected);
        if (n) out.push(n);
        out.push(...scopeAndRecovery(g, a));
      }
      return sortDrafts(out);
    },
  };
}

/** The agreements engine with the catalog's defaults. */
export const agreementsEngine: Engine = createAgreementsEngine();

const latestEnd = (ended: readonly Agreement[]): string => ended.map((a) => a.end ?? '').sort().at(-1) ?? '';

/**
 * The agreements whose terms are judged: those in force or signed for the
 * future. A customer left with only ended agreements is still served on the
 * last one's terms in practice (that is how access outlives contracts), so its
 * most recent agreement is judged too; older, superseded agreements are not.
 */
function termsToCheck(g: Governance): Agreement[] {
  const live = g.model.agreement.filter((a) => !g.hasEnded(a));
  const covered = new Set(live.map((a) => a.tenant));
  const lastEnded = new Map<string, Agreement>();
  for (const a of g.model.agreement) {
    if (covered.has(a.tenant)) continue;
    const prev = lastEnded.get(a.tenant);
    if (!prev || (a.end ?? '') > (prev.end ?? '') || ((a.end ?? '') === (prev.end ?? '') && a.id > prev.id)) lastEnded.set(a.tenant, a);
  }
  return [...live, ...lastEnded.values()];
}

/** The responsibility matrix: present, complete within the tolerance, and never silent on a key control. */
function matrix(g: Governance, a: Agreement, known: ReadonlySet<string>, maxUnassigned: number): FindingDraft[] {
  const entries = Object.entries(a.responsibilities);
  const subject = agreementSubject(a);
  if (entries.length === 0) {
    // One finding, not one per control: an absent matrix is a single gap to fill.
    return [
      g.draft({
        control: C.responsibilityMatrix, tenant: a.tenant, subject,
        title: `${a.title} has no responsibility matrix`,
        detail: `"${a.title}" does not assign any control to the MSP, the customer or both, so every duty is open to "we thought you did it". Add a responsibility matrix covering the catalog.`,
        evidence: { agreement: a.id, assigned: 0, controls: known.size },
      }),
    ];
  }
  const unassigned = entries.filter(([id, who]) => who === 'unassigned' && known.has(id)).map(([id]) => id).sort();
  const missing = [...known].filter((id) => !Object.hasOwn(a.responsibilities, id)).sort();
  const unknown = entries.map(([id]) => id).filter((id) => !isControlId(id)).sort();
  const gaps = [...unassigned, ...missing].sort();
  const out: FindingDraft[] = [];
  if (gaps.length > maxUnassigned) {
    out.push(
      g.draft({
        control: C.unassignedControls, tenant: a.tenant, subject,
        title: `${a.title} leaves ${gaps.length} control(s) unassigned${gaps.length <= 3 ? `: ${gaps.join(', ')}` : ''}`,
        detail:
          `The responsibility matrix of "${a.title}" ` +
          (unassigned.length ? `marks ${listed(unassigned)} as unassigned` : '') +
          (unassigned.length && missing.length ? ' and ' : '') +
          (missing.length ? `does not mention ${listed(missing)}` : '') +
          '. Assign each to the MSP, the customer or both.',
        evidence: {
          agreement: a.id, unassigned, missing, count: gaps.length, maxUnassigned,
          ...(unknown.length ? { unknownControls: unknown } : {}),
        },
      }),
    );
  }
  const silentKeys = KEY_CONTROLS.filter((id) => gaps.includes(id));
  if (silentKeys.length) {
    out.push(
      g.draft({
        control: C.contractRoles, tenant: a.tenant, subject,
        title: `${a.title} names no owner for ${silentKeys.length} key control(s)${silentKeys.length <= 3 ? `: ${silentKeys.join(', ')}` : ''}`,
        detail: `"${a.title}" leaves ${listed(silentKeys)} without an owner. These are the duties each side most often assumes the other covers; assign them first.`,
        evidence: { agreement: a.id, keyControlsWithoutOwner: silentKeys },
      }),
    );
  }
  return out;
}

/** Incident notification: suspected incidents too (when required), and no slower than the maximum. */
function notification(g: Governance, a: Agreement, maxHours: number, requireSuspected: boolean): FindingDraft | undefined {
  const problems: string[] = [];
  const words: string[] = [];
  if (requireSuspected && !a.notifySuspected) {
    problems.push('confirmed-only');
    words.push('covers only confirmed incidents, not suspected ones');
  }
  if (a.notifyWithinHours === undefined) {
    problems.push('no-deadline');
    words.push('sets no notification deadline');
  } else if (a.notifyWithinHours > maxHours) {
    problems.push('too-slow');
    words.push(`allows ${a.notifyWithinHours} hours to notify, more than ${maxHours}`);
  }
  if (problems.length === 0) return undefined;
  return g.draft({
    control: C.incidentNotification, tenant: a.tenant, subject: agreementSubject(a),
    title: `${a.title}: incident notification ${words.join('; ')}`,
    detail:
      `"${a.title}" ${words.join(', and ')}. A compromise of the MSP reaches the customer fastest; the customer must hear of a ` +
      `suspected incident within ${maxHours} hours to cut access in time. Amend the notification clause.`,
    evidence: {
      agreement: a.id, notifySuspected: a.notifySuspected, notifyWithinHours: a.notifyWithinHours ?? null, maxHours, requireSuspected, problems,
    },
  });
}

/** Services in and out of scope, and RPO/RTO where the MSP backs up or restores anything. */
function scopeAndRecovery(g: Governance, a: Agreement): FindingDraft[] {
  const out: FindingDraft[] = [];
  const subject = agreementSubject(a);
  const noScope = [...(a.servicesInScope.length ? [] : ['in scope']), ...(a.servicesOutOfScope.length ? [] : ['out of scope'])];
  if (noScope.length) {
    out.push(
      g.draft({
        control: C.scopeOfServices, tenant: a.tenant, subject,
        title: `${a.title} lists no services ${noScope.join(' and no services ')}`,
        detail:
          `"${a.title}" does not list the services ${noScope.join(' or ')}. Without an explicit out-of-scope list each side assumes ` +
          'the other covers the gaps; name both.',
        evidence: { agreement: a.id, servicesInScope: a.servicesInScope.length, servicesOutOfScope: a.servicesOutOfScope.length, missing: noScope },
      }),
    );
  }
  const jobs = g.model.backup.filter((j) => j.tenant === a.tenant).length;
  const restores = jobs > 0 || a.servicesInScope.some((s) => RECOVERY_SERVICE.test(s));
  const missing = [...(a.rpoHours === undefined ? ['rpoHours'] : []), ...(a.rtoHours === undefined ? ['rtoHours'] : [])];
  if (restores && missing.length) {
    out.push(
      g.draft({
        control: C.recoveryTerms, tenant: a.tenant, subject,
        title: `${a.title} sets no ${missing.map((m) => (m === 'rpoHours' ? 'RPO' : 'RTO')).join(' or ')}`,
        detail:
          `"${a.title}" covers backups (${jobs} backup job(s) recorded) but commits to no ` +
          `${missing.map((m) => (m === 'rpoHours' ? 'recovery-point' : 'recovery-time')).join(' or ')} objective, ` +
          'so nothing says how much data may be lost or how long a restore may take. Agree them in hours.',
        evidence: { agreement: a.id, missing, backupJobs: jobs, ...(a.rpoHours !== undefined ? { rpoHours: a.rpoHours } : {}), ...(a.rtoHours !== undefined ? { rtoHours: a.rtoHours } : {}) },
      }),
    );
  }
  return out;
}
