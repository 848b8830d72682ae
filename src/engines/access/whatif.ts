import { HubguardError, type Privilege } from '../../core/index.js';
import { F_JIT, F_NEEDS_MFA, F_REMOVED, N_IDENTITY, edgeSource, nodeRef, privilegeName, type AccessGraph, type NodeRef } from './graph.js';
import { RadiusIndex } from './radii.js';
import type { Attacker, RadiusSummary } from './traverse.js';

/**
 * What-if questions about the access graph. Each change is applied as an
 * overlay of edge flags (the graph itself is never rebuilt) and answered for
 * the attacker the change is about:
 *
 * - `remove-edge:<grant id | group>member>`: the grant's edges (including the
 *   tool channel it implies) or the membership disappear. Attacker: holds the
 *   source outright (password and second factor, or the tool's host).
 * - `enforce-mfa:<identity>`: the identity gets a second factor, so its own
 *   sign-ins (membership, grants, tool logins) need it. Attacker: holds
 *   passwords only; before the change that is enough for this identity, after
 *   it reaches nothing through it.
 * - `jit:<grant id>`: the grant becomes just-in-time. Attacker: holds standing
 *   access only (cannot pass an activation or approval), so the radius shrinks
 *   to what stays reachable without the grant.
 */
export type WhatIfChange =
  | { kind: 'remove-edge'; record: string }
  | { kind: 'enforce-mfa'; identity: string }
  | { kind: 'jit'; grant: string };

/** Parses `remove-edge:<id>`, `enforce-mfa:<identity>` or `jit:<grant id>`. */
export function parseWhatIf(spec: string): WhatIfChange {
  const i = spec.indexOf(':');
  const kind = i < 0 ? spec : spec.slice(0, i);
  const arg = i < 0 ? '' : spec.slice(i + 1);
  if (!arg) throw new HubguardError('HG_ERR_USAGE', `--what-if needs a target: remove-edge:<grant id|group>member>, enforce-mfa:<identity> or jit:<grant id> (got "${spec}")`);
  if (kind === 'remove-edge') return { kind, record: arg };
  if (kind === 'enforce-mfa') return { kind, identity: arg };
  if (kind === 'jit') return { kind, grant: arg };
  throw new HubguardError('HG_ERR_USAGE', `unknown what-if "${kind}": use remove-edge, enforce-mfa or jit`);
}

/** A change made concrete on one graph: the overlay flags, the attacker it is judged for, and where it starts. */
export interface WhatIfPlan {
  change: WhatIfChange;
  attacker: Attacker;
  flags: Uint8Array;
  /** Nodes whose out-edges changed. */
  tails: number[];
  /** The principal the change is about (the grant's principal, the member, the identity). */
  subject: number;
}

/** Applies a change to a copy of the graph's edge flags; unknown ids throw HG_ERR_VALIDATION. */
export function planWhatIf(g: AccessGraph, change: WhatIfChange): WhatIfPlan {
  const flags = g.flags.slice();
  const tails = new Set<number>();
  if (change.kind === 'enforce-mfa') {
    const v = g.lookup('identity', change.identity);
    if (v === undefined || g.kind[v] !== N_IDENTITY) throw new HubguardError('HG_ERR_VALIDATION', `no identity ${change.identity}`);
    for (let e = g.offsets[v]!; e < g.offsets[v + 1]!; e++) flags[e]! |= F_NEEDS_MFA;
    return { change, attacker: { passwordOnly: true }, flags, tails: [v], subject: v };
  }
  const id = change.kind === 'remove-edge' ? change.record : change.grant;
  const edges = g.edgesOf(id);
  if (!edges.length) throw new HubguardError('HG_ERR_VALIDATION', `no ${change.kind === 'jit' ? 'grant' : 'grant or membership'} ${id} in the access graph (expired grants confer nothing and are not in it)`);
  const rec = g.edgeRecord[edges[0]!]!;
  const subject = g.records.principal[rec]!;
  if (change.kind === 'jit' && g.records.kind[rec] !== 1) throw new HubguardError('HG_ERR_VALIDATION', `${id} is a membership, not a grant`);
  for (const e of edges) {
    const s = edgeSource(g, e);
    if (change.kind === 'remove-edge') flags[e]! |= F_REMOVED;
    // Only the principal's own edge becomes just-in-time: the tool channel the grant implies stays standing.
    else if (s === subject) flags[e]! |= F_JIT;
    else continue;
    tails.add(s);
  }
  return { change, attacker: change.kind === 'jit' ? { standingOnly: true } : {}, flags, tails: [...tails], subject };
}

/** A customer whose privilege changed. */
export interface CustomerChange {
  customer: NodeRef;
  before?: Privilege;
  after?: Privilege;
}

/** The answer to one what-if for one source. */
export interface WhatIfResult {
  change: WhatIfChange;
  attacker: Attacker;
  source: NodeRef;
  before: RadiusSummary;
  after: RadiusSummary;
  changed: CustomerChange[];
}

const indexes = new WeakMap<AccessGraph, Map<string, RadiusIndex>>();

/** The base (no change) radius index of a graph for one attacker model, cached. */
export function baseIndex(g: AccessGraph, attacker: Attacker = {}): RadiusIndex {
  let m = indexes.get(g);
  if (!m) indexes.set(g, (m = new Map()));
  const key = `${attacker.standingOnly ? 's' : ''}${attacker.passwordOnly ? 'p' : ''}`;
  let ix = m.get(key);
  if (!ix) m.set(key, (ix = new RadiusIndex(g, { attacker })));
  return ix;
}

/** The index answering a planned change, reusing every closure the change cannot affect. */
export const indexAfter = (g: AccessGraph, plan: WhatIfPlan): RadiusIndex => baseIndex(g, plan.attacker).withFlags(plan.flags, plan.tails);

/**
 * The radius of `source` (default: the change's subject) before and after the
 * change, and the customers whose highest privilege moved.
 */
export function whatIf(g: AccessGraph, change: WhatIfChange | WhatIfPlan, source?: number): WhatIfResult {
  const plan = 'flags' in change ? change : planWhatIf(g, change);
  const src = source ?? plan.subject;
  const base = baseIndex(g, plan.attacker);
  const before = base.summary(src);
  const levelsBefore = base.lastCustomerLevels();
  const afterIx = indexAfter(g, plan);
  const after = afterIx.summary(src);
  const levelsAfter = afterIx.lastCustomerLevels();
  const changed: CustomerChange[] = [];
  for (const [ci, l] of levelsBefore) {
    const a = levelsAfter.get(ci);
    if (a !== l) changed.push({ customer: nodeRef(g, g.customers[ci]!), before: privilegeName(l - 1), ...(a ? { after: privilegeName(a - 1) } : {}) });
  }
  for (const [ci, a] of levelsAfter) {
    if (!levelsBefore.has(ci)) changed.push({ customer: nodeRef(g, g.customers[ci]!), after: privilegeName(a - 1) });
  }
  changed.sort((x, y) => x.customer.name.localeCompare(y.customer.name));
  return { change: plan.change, attacker: plan.attacker, source: nodeRef(g, src), before, after, changed };
}

/** A what-if in words, for tables and docs. */
export function describeWhatIf(c: WhatIfChange): string {
  if (c.kind === 'remove-edge') return `remove ${c.record}`;
  if (c.kind === 'enforce-mfa') return `enforce MFA on ${c.identity} (attacker holds passwords only)`;
  return `make ${c.grant} just-in-time (attacker holds standing access only)`;
}

