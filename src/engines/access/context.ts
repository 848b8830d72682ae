import { control, controlDefault } from '../../catalog/catalog.js';
import { SEVERITY_ORDER, type AccessGrant, type Agreement, type Group, type Identity, type Organization, type Role, type Severity } from '../../core/index.js';
import type { FindingDraft, Model } from '../engine.js';
import { buildAccessGraph } from './graph-build.js';
import { N_ORG, isTarget, privilegeName, type AccessGraph } from './graph.js';
import { RadiusIndex } from './radii.js';
import { pathSteps, type PathStep } from './radius.js';
import { bfsAtLeast, pathFromBfs } from './traverse.js';

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;

/**
 * A principal whose radius covers at least this share of the MSP's customers
 * (and at least two of them) has hub-wide reach: its findings rank one step
 * higher, because taking it takes a large part of the hub at once.
 */
export const HUB_WIDE_SHARE = 0.25;

/** Tags that mark an account in a customer tenant as created and run by the MSP. */
const MSP_MANAGED_TAGS = new Set(['msp-managed', 'msp']);

/** What a principal's radius says, for findings. */
export interface Reach {
  customers: number;
  maxPrivilege?: string;
  /** Reaches a critical-infrastructure customer. */
  critical: boolean;
  hubWide: boolean;
}

/** A strongest path, ready for evidence. */
export interface Explained {
  customer: string;
  privilege: string;
  path: string[];
  steps: PathStep[];
}

/** Severities from least to most urgent. */
const ASCENDING: readonly Severity[] = [...SEVERITY_ORDER].reverse();

/** `s` moved by `steps` levels (negative lowers), kept between info and critical. */
export function shift(s: Severity, steps: number): Severity {
  return ASCENDING[Math.max(0, Math.min(ASCENDING.length - 1, ASCENDING.indexOf(s) + steps))] ?? s;
}

/** The model, its access graph and radius index, and the helpers every access rule shares. */
export class AccessContext {
  readonly g: AccessGraph;
  readonly index: RadiusIndex;
  readonly nowMs: number;
  readonly orgs = new Map<string, Organization>();
  readonly identities = new Map<string, Identity>();
  readonly groups = new Map<string, Group>();
  readonly roles = new Map<string, Role>();
  /** Records by tenant, for rules that look at one customer at a time. */
  readonly grantsIn = new Map<string, AccessGrant[]>();
  readonly identitiesOf = new Map<string, Identity[]>();
  readonly agreementsOf = new Map<string, Agreement[]>();
  private readonly reachCache = new Map<number, Reach>();
  private readonly members = new Map<string, string[]>();
  private readonly identitiesInCache = new Map<string, Set<string>>();

  constructor(readonly model: Model, readonly now: Date) {
    this.nowMs = now.getTime();
    this.g = buildAccessGraph(model, { now });
    this.index = new RadiusIndex(this.g);
    for (const o of model.organization) this.orgs.set(o.id, o);
    for (const i of model.identity) this.identities.set(i.id, i);
    for (const gr of model.group) this.groups.set(gr.id, gr);
    for (const r of model.role) this.roles.set(r.id, r);
    const push = <T>(m: Map<string, T[]>, k: string, x: T) => (m.get(k) ?? m.set(k, []).get(k)!).push(x);
    for (const gr of model.grant) push(this.grantsIn, gr.tenant, gr);
    for (const i of model.identity) push(this.identitiesOf, i.tenant, i);
    for (const a of model.agreement) push(this.agreementsOf, a.tenant, a);
    for (const m of model.membership) {
      const list = this.members.get(m.group) ?? [];
      list.push(`${m.memberKind}:${m.member}`);
      this.members.set(m.group, list);
    }
  }

  /** A numeric default of a control (catalog). */
  num(controlId: string, name: string): number {
    return controlDefault(controlId, name);
  }

  isMspOrg(id: string): boolean {
    return this.orgs.get(id)?.kind === 'msp';
  }

  isCritical(orgId: string): boolean {
    return this.orgs.get(orgId)?.criticalInfrastructure === true;
  }

  orgName(id: string): string {
    return this.orgs.get(id)?.name ?? id;
  }

  /** An account of the MSP: at home in an MSP tenant, or tagged as MSP-run inside a customer. */
  isMspAccount(i: Identity): boolean {
    return this.isMspOrg(i.tenant) || i.tags.some((t) => MSP_MANAGED_TAGS.has(t));
  }

  /** The radius of a node as the rules need it (cached). */
  reach(v: number): Reach {
    let r = this.reachCache.get(v);
    if (!r) {
      const s = this.index.summary(v);
      let critical = false;
      for (const ci of this.index.lastCustomerLevels().keys()) if (this.isCritical(this.g.key[this.g.customers[ci]!]!)) critical = true;
      const share = Math.max(2, Math.ceil(this.g.customers.length * HUB_WIDE_SHARE));
      r = {
        customers: s.customers,
        ...(s.maxRank >= 0 ? { maxPrivilege: privilegeName(s.maxRank) } : {}),
        critical,
        hubWide: s.customers >= share,
      };
      this.reachCache.set(v, r);
    }
    return r;
  }

  /**
   * The path to the customer reached with the highest privilege (ties: the
   * fewest steps), or to `customer` when given. A breadth-first walk over
   * edges at least that strong stops at the first customer it meets.
   */
  explain(v: number, customer?: string): Explained | undefined {
    const g = this.g;
    let rank = -1;
    if (customer === undefined) {
      const s = this.index.summary(v);
      rank = s.maxRank;
    } else {
      const ci = g.customerIndex[g.lookup('organization', customer) ?? -1] ?? -1;
      this.index.summary(v);
      const l = this.index.lastCustomerLevels().get(ci);
      if (l !== undefined) rank = l - 1;
    }
    if (rank < 0) return undefined;
    let found: Explained | undefined;
    bfsAtLeast(g, v, rank, {}, (x, s) => {
      if (x === v || !isTarget(g, x)) return;
      const o = g.kind[x] === N_ORG ? x : g.tenant[x]!;
      if (o < 0 || g.customerIndex[o]! < 0 || (customer !== undefined && g.key[o] !== customer)) return;
      const p = pathFromBfs(s, x);
      const steps = pathSteps(g, p.nodes, p.edges);
      found = { customer: g.key[o]!, privilege: privilegeName(rank), path: steps.map((st) => st.node.name), steps };
      return true;
    });
    return found;
  }

  /** Identity ids inside a group, through any nesting (cycles are walked once). */
  identitiesIn(groupId: string): Set<string> {
    let out = this.identitiesInCache.get(groupId);
    if (out) return out;
    out = new Set();
    const seen = new Set([groupId]);
    const stack = [groupId];
    while (stack.length) {
      for (const m of this.members.get(stack.pop()!) ?? []) {
        const [kind, id] = [m.slice(0, m.indexOf(':')), m.slice(m.indexOf(':') + 1)];
        if (kind === 'identity') out.add(id);
        else if (!seen.has(id)) {
          seen.add(id);
          stack.push(id);
        }
      }
    }
    this.identitiesInCache.set(groupId, out);
    return out;
  }

  /**
   * A finding draft with the catalog's duty and severity: raised one step for
   * hub-wide reach and one for a critical-infrastructure customer, lowered by
   * `lower` where the rule says the case is milder.
   */
  draft(
    controlId: string,
    d: Omit<FindingDraft, 'control' | 'severity' | 'duty'>,
    why: { hubWide?: boolean; critical?: boolean; lower?: number } = {},
  ): FindingDraft {
    const c = control(controlId);
    const steps = (why.hubWide ? 1 : 0) + (why.critical ? 1 : 0) - (why.lower ?? 0);
    const reasons = [why.hubWide ? 'hub-wide reach' : '', why.critical ? 'critical-infrastructure customer' : ''].filter(Boolean);
    return {
      ...d,
      control: controlId,
      severity: shift(c.severity, steps),
      duty: c.duty,
      evidence: { ...(d.evidence ?? {}), ...(reasons.length ? { severityRaisedFor: reasons } : {}) },
    };
  }
}
