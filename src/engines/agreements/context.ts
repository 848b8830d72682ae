import { assertKnownControls, control, controlDefault, controlFlag, resolveDefaults, type DefaultValue } from '../../catalog/catalog.js';
import { SEVERITY_ORDER, type Agreement, type Duty, type Organization, type Severity } from '../../core/index.js';
import type { FindingDraft, Model } from '../engine.js';

/**
 * What the four governance engines (logging, backups, readiness, agreements)
 * share: tuned catalog defaults, severity rules, and the duty a finding carries.
 * It lives with the agreements engine because its one non-trivial rule, the duty
 * of a control, is read from the customer's agreements.
 */

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;
/** Milliseconds in an hour. */
export const HOUR_MS = 3_600_000;

/**
 * Overrides of catalog defaults, by control id then parameter name, e.g.
 * `{ 'hg.ctl.logging.retention': { retentionDays: 365 } }`. One settings object
 * can serve every engine: each engine applies the entries of its own controls.
 */
export type EngineSettings = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** Typed access to a set of controls' defaults with the user's overrides applied. */
export interface Tuning {
  num(id: string, name: string): number;
  flag(id: string, name: string): boolean;
}

/**
 * Resolves the defaults of `controls` with `settings` applied. Runs when an engine
 * is created, so a typo in a control id or a parameter fails at start-up
 * (`HG_ERR_UNKNOWN_CONTROL`, `HG_ERR_CONFIG`) instead of leaving a default in force.
 */
export function tuning(controls: readonly string[], settings: EngineSettings = {}, file = '<settings>'): Tuning {
  assertKnownControls(Object.keys(settings), file);
  const resolved = new Map<string, Readonly<Record<string, DefaultValue>>>(
    controls.map((id) => [id, resolveDefaults(id, settings[id] ?? {}, file)]),
  );
  const value = (id: string, name: string) => resolved.get(id)?.[name] ?? resolveDefaults(id)[name];
  // controlDefault/controlFlag first: they throw HG_ERR_CATALOG when the catalog does not
  // define the parameter with that type, so an engine cannot read a switch as a number.
  return {
    num(id, name) {
      controlDefault(id, name);
      return value(id, name) as number;
    },
    flag(id, name) {
      controlFlag(id, name);
      return value(id, name) as boolean;
    },
  };
}

/** Severities from least to most urgent. */
const ASCENDING: readonly Severity[] = [...SEVERITY_ORDER].reverse();

/** `severity` raised by `steps` levels, never above critical. */
export function raise(severity: Severity, steps: number): Severity {
  const i = Math.min(ASCENDING.length - 1, ASCENDING.indexOf(severity) + Math.max(0, steps));
  return ASCENDING[i] ?? severity;
}

/** Why a finding is more severe than its control's catalog severity. */
export type RaiseReason = 'critical-infrastructure' | 'msp-infrastructure' | 'no-plan';

/**
 * Sectors treated as critical infrastructure even when the organization record
 * does not set `criticalInfrastructure`: a hospital, a power or water utility
 * is critical whatever the import says.
 */
const CRITICAL_SECTORS: ReadonlySet<string> = new Set(['hospital', 'energy', 'water']);

/** A finding before severity and duty are worked out. */
export interface DraftInput {
  control: string;
  tenant: string;
  subject: FindingDraft['subject'];
  title: string;
  detail: string;
  evidence: Record<string, unknown>;
  /** Context that makes this finding worse than usual (critical infrastructure is added automatically). */
  raise?: RaiseReason[];
}

/** Where a finding's duty came from. */
export type DutySource = 'catalog' | 'msp-own' | 'agreement';

/** The model indexed for the governance engines, at one instant. */
export class Governance {
  readonly nowMs: number;
  readonly model: Model;
  private readonly orgs = new Map<string, Organization>();
  private readonly agreements = new Map<string, Agreement[]>();

  constructor(model: Model, now: Date) {
    this.model = model;
    this.nowMs = now.getTime();
    for (const o of model.organization) this.orgs.set(o.id, o);
    for (const a of model.agreement) {
      const list = this.agreements.get(a.tenant) ?? [];
      list.push(a);
      this.agreements.set(a.tenant, list);
    }
  }

  org(id: string): Organization | undefined {
    return this.orgs.get(id);
  }

  /** Display name of an organization, or its id when the model does not hold it. */
  orgName(id: string): string {
    return this.orgs.get(id)?.name ?? id;
  }

  /** Whether `tenant` is an MSP's own organization. */
  isMsp(tenant: string): boolean {
    return this.orgs.get(tenant)?.kind === 'msp';
  }

  /** Customers in the model, in model order. */
  customers(): Organization[] {
    return this.model.organization.filter((o) => o.kind === 'customer');
  }

  /** Every organization that should hold its own plans and logs: the MSPs and their customers. */
  organizations(): readonly Organization[] {
    return this.model.organization;
  }

  /** Whether `tenant` is critical infrastructure (flagged so, or in a critical sector). */
  criticalInfrastructure(tenant: string): boolean {
    const o = this.orgs.get(tenant);
    return !!o && (o.criticalInfrastructure || CRITICAL_SECTORS.has(o.sector));
  }

  /** Age in milliseconds of an ISO timestamp (negative when it lies in the future). */
  ageMs(at: string): number {
    return this.nowMs - Date.parse(at);
  }

  /** Every agreement of `tenant`, in model order. */
  agreementsOf(tenant: string): readonly Agreement[] {
    return this.agreements.get(tenant) ?? [];
  }

  /** Whether an agreement is in force now: started (or no start given) and not yet ended. */
  isCurrent(a: Agreement): boolean {
    return (a.start === undefined || Date.parse(a.start) <= this.nowMs) && (a.end === undefined || Date.parse(a.end) > this.nowMs);
  }

  /** Whether an agreement's end lies in the past. */
  hasEnded(a: Agreement): boolean {
    return a.end !== undefined && Date.parse(a.end) <= this.nowMs;
  }

  /** The agreements of `tenant` in force now. */
  currentAgreements(tenant: string): Agreement[] {
    return this.agreementsOf(tenant).filter((x) => this.isCurrent(x));
  }

  /**
   * Whose duty a control is for one tenant. In an MSP's own environment there is
   * no customer to share it with, so it is the MSP's. For a customer, the
   * agreements in force decide when they assign the control (that is what the
   * responsibility matrix is for; two agreements that disagree make it shared);
   * otherwise the catalog's duty stands.
   */
  duty(controlId: string, tenant: string): { duty: Duty; from: DutySource; agreements?: string[] } {
    if (this.isMsp(tenant)) return { duty: 'msp', from: 'msp-own' };
    const assigned = new Map<Duty, string[]>();
    for (const a of this.currentAgreements(tenant)) {
      const who = a.responsibilities[controlId];
      if (who === undefined || who === 'unassigned') continue;
      assigned.set(who, [...(assigned.get(who) ?? []), a.id]);
    }
    const ids = [...assigned.values()].flat().sort();
    if (assigned.size === 1) return { duty: [...assigned.keys()][0] as Duty, from: 'agreement', agreements: ids };
    if (assigned.size > 1) return { duty: 'shared', from: 'agreement', agreements: ids };
    return { duty: control(controlId).duty, from: 'catalog' };
  }

  /**
   * A finding draft: the catalog's severity raised one level per reason (a
   * critical-infrastructure tenant is always a reason), and the duty from
   * `duty()`. The evidence records both decisions so a reader can see why.
   */
  draft(input: DraftInput): FindingDraft {
    const reasons = new Set<RaiseReason>(input.raise ?? []);
    if (this.criticalInfrastructure(input.tenant)) reasons.add('critical-infrastructure');
    const raisedFor = [...reasons].sort();
    const duty = this.duty(input.control, input.tenant);
    const evidence: Record<string, unknown> = { ...input.evidence };
    if (raisedFor.length) evidence.severityRaisedFor = raisedFor;
    if (duty.from !== 'catalog') evidence.dutyFrom = duty.agreements ? { source: duty.from, agreements: duty.agreements } : { source: duty.from };
    return {
      tenant: input.tenant,
      control: input.control,
      severity: raise(control(input.control).severity, raisedFor.length),
      duty: duty.duty,
      title: input.title,
      detail: input.detail,
      subject: input.subject,
      evidence,
    };
  }
}

/** Drafts in a stable order (tenant, control, subject), whatever the order of the model. */
export function sortDrafts(drafts: FindingDraft[]): FindingDraft[] {
  const key = (d: FindingDraft) => `${d.tenant}\u0000${d.control}\u0000${d.subject.kind}\u0000${d.subject.id}`;
  return drafts.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Whole days in a duration, rounded down, for evidence a person reads. */
export const wholeDays = (ms: number): number => Math.floor(ms / DAY_MS);

/** `YYYY-MM-DD` of an ISO timestamp, for titles. */
export const dateOf = (iso: string): string => iso.slice(0, 10);
