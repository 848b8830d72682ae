import { privilegeRank, type AccessPath, type Privilege } from '../../core/index.js';
import { isHubSource } from './graph-build.js';
import {
  EDGE_KINDS, F_JIT, F_NEEDS_MFA, N_ASSET, N_ORG, N_TOOL, NF_ENDPOINT, VIA, isBulkLeaf, isTarget, nodeRef, privilegeName,
  type AccessGraph, type EdgeKind, type NodeRef,
} from './graph.js';
import { RadiusIndex, type RadiusIndexOptions } from './radii.js';
import { bfsAtLeast, pathFromBfs, summarize, widest, type Attacker, type RadiusSummary } from './traverse.js';

/** How one step of a path was taken. */
export interface EdgeLabel {
  kind: EdgeKind;
  /** Privilege the edge confers; absent where it passes on what came before (membership, containment, role scope). */
  privilege?: Privilege;
  mode: 'standing' | 'jit';
  /** Crossing it needs the identity's second factor. */
  needsMfa: boolean;
  /** The grant id or membership key the edge comes from. */
  record?: string;
  via?: AccessPath;
  /** The MSP tool the access runs through. */
  tool?: string;
  role?: string;
}

/** One step of an explaining path: the node reached and how. */
export interface PathStep {
  node: NodeRef;
  edge?: EdgeLabel;
}

/** A customer inside a radius. */
export interface CustomerReach {
  customer: NodeRef;
  privilege: Privilege;
  assets: number;
  endpoints: number;
  /** The path of highest privilege (ties: the shortest). */
  path: PathStep[];
}

/** An asset or tool inside a radius. */
export interface AssetReach {
  asset: NodeRef;
  tenant: string;
  privilege: Privilege;
}

/** The blast radius of one principal or tool. */
export interface BlastRadius {
  source: NodeRef;
  attacker: Attacker;
  customers: number;
  /** Assets reached, MSP tools apart (those are in `tools`). */
  assets: number;
  endpoints: number;
  declaredEndpoints: number;
  maxPrivilege?: Privilege;
  reached: CustomerReach[];
  tools: AssetReach[];
  /** Every asset reached (only when asked for: a tool can reach hundreds of thousands). */
  assetList?: AssetReach[];
}

/** Options of a radius query. */
export interface RadiusOptions {
  attacker?: Attacker;
  /** Edge flags to use instead of the graph's (a what-if overlay). */
  flags?: Uint8Array;
  listAssets?: boolean;
}

/** The label of edge `e`. */
export function edgeLabel(g: AccessGraph, e: number): EdgeLabel {
  const kind = EDGE_KINDS[g.edgeKind[e]!] as EdgeKind;
  const passes = kind === 'member-of' || kind === 'role-scope' || kind === 'contains';
  const r = g.edgeRecord[e]!;
  const label: EdgeLabel = {
    kind,
    ...(passes ? {} : { privilege: privilegeName(g.priv[e]!) }),
    mode: g.flags[e]! & F_JIT ? 'jit' : 'standing',
    needsMfa: (g.flags[e]! & F_NEEDS_MFA) !== 0,
  };
  if (r >= 0) {
    label.record = g.records.ids[r];
    if (g.records.kind[r] === 1) {
      label.via = VIA[g.records.via[r]!];
      const t = g.records.tool[r]!;
      if (t >= 0) label.tool = g.key[t];
      if (g.records.role[r]) label.role = g.records.role[r];
    }
  }
  return label;
}

/** A path as steps. */
export function pathSteps(g: AccessGraph, nodes: readonly number[], edges: readonly number[]): PathStep[] {
  return nodes.map((v, i) => (edges[i]! < 0 ? { node: nodeRef(g, v) } : { node: nodeRef(g, v), edge: edgeLabel(g, edges[i]!) }));
}

/** A path in one line: `Ana → Tier 2 → Global Administrator @ Clinic → Clinic [global-admin]`. */
export function formatPath(steps: readonly PathStep[]): string {
  return steps
    .map((s) => {
      const e = s.edge;
      if (!e?.privilege) return s.node.name;
      const how = [e.privilege, e.mode === 'jit' ? 'jit' : '', e.via ?? ''].filter(Boolean).join(', ');
      return `(${how}) ${s.node.name}`;
    })
    .join(' → ');
}

/**
 * The blast radius of `source`: every customer reached with the highest
 * privilege reached there and one explaining path (the path of highest
 * privilege; among those, the shortest), plus tools and, on request, assets.
 */
export function blastRadius(g: AccessGraph, source: number, options: RadiusOptions = {}): BlastRadius {
  const attacker = options.attacker ?? {};
  const flags = options.flags ?? g.flags;
  const s = widest(g, source, attacker, flags);
  const sum = summarize(g, source, s);
  // Copies of the scratch results (the BFS below reuses the scratch space).
  const C = g.customers.length;
  const custLevel = new Uint8Array(C);
  const custList = Array.from(s.custTouched.subarray(0, s.nCust));
  for (const ci of custList) custLevel[ci] = s.custLevel[ci]!;
  const touched = s.touched.slice(0, s.nTouched);
  const level = new Uint8Array(g.nodeCount);
  for (const v of touched) level[v] = s.level[v]!;

  // Assets and endpoints per customer, with the same bulk rule as summarize.
  const custAssets = new Int32Array(C);
  const custEndpoints = new Int32Array(C);
  const tools: AssetReach[] = [];
  const assetLevel = options.listAssets ? new Uint8Array(g.nodeCount) : undefined;
  for (const v of touched) {
    if (v === source || !isTarget(g, v)) continue;
    const l = level[v]!;
    const k = g.kind[v];
    const o = k === N_ORG ? v : g.tenant[v]!;
    const ci = o >= 0 ? g.customerIndex[o]! : -1;
    if (k === N_ORG) {
      if (ci >= 0) {
        custAssets[ci]! += g.leafAssets[v]!;
        custEndpoints[ci]! += g.leafEndpoints[v]!;
      }
      if (assetLevel) for (let e = g.expandEnd[v]!; e < g.offsets[v + 1]!; e++) assetLevel[g.target[e]!] = Math.max(assetLevel[g.target[e]!]!, l);
      continue;
    }
    if (k === N_TOOL) {
      tools.push({ asset: nodeRef(g, v), tenant: o >= 0 ? g.key[o]! : '', privilege: privilegeName(l - 1) });
      continue;
    }
    if (ci >= 0 && !(level[o]! > 0 && isBulkLeaf(g, v))) {
      custAssets[ci]!++;
      if (g.nodeFlags[v]! & NF_ENDPOINT) custEndpoints[ci]!++;
    }
    if (assetLevel && k === N_ASSET) assetLevel[v] = Math.max(assetLevel[v]!, l);
  }
  const assetList: AssetReach[] = [];
  if (assetLevel) {
    for (let a = 0; a < g.nodeCount; a++) {
      if (assetLevel[a]) assetList.push({ asset: nodeRef(g, a), tenant: g.key[g.tenant[a]!] ?? '', privilege: privilegeName(assetLevel[a]! - 1) });
    }
  }

  // One BFS per distinct level, over edges at least that strong: the first node of a customer it meets
  // is the end of that customer's shortest path among its strongest.
  const paths = new Map<number, PathStep[]>();
  const levels = [...new Set(custList.map((ci) => custLevel[ci]!))].sort((a, b) => b - a);
  for (const L of levels) {
    let left = custList.filter((ci) => custLevel[ci] === L).length;
    bfsAtLeast(
      g,
      source,
      L - 1,
      attacker,
      (v, st) => {
        if (v === source || !isTarget(g, v)) return;
        const o = g.kind[v] === N_ORG ? v : g.tenant[v]!;
        const ci = o >= 0 ? g.customerIndex[o]! : -1;
        if (ci < 0 || custLevel[ci] !== L || paths.has(ci)) return;
        const p = pathFromBfs(st, v);
        paths.set(ci, pathSteps(g, p.nodes, p.edges));
        return --left === 0;
      },
      flags,
    );
  }

  const reached: CustomerReach[] = custList.map((ci) => ({
    customer: nodeRef(g, g.customers[ci]!),
    privilege: privilegeName(custLevel[ci]! - 1),
    assets: custAssets[ci]!,
    endpoints: custEndpoints[ci]!,
    path: paths.get(ci) ?? [],
  }));
  reached.sort((a, b) => rankOf(b.privilege) - rankOf(a.privilege) || a.customer.name.localeCompare(b.customer.name));
  return {
    source: nodeRef(g, source),
    attacker,
    customers: sum.customers,
    assets: sum.assets,
    endpoints: sum.endpoints,
    declaredEndpoints: sum.declaredEndpoints,
    ...(sum.maxRank >= 0 ? { maxPrivilege: privilegeName(sum.maxRank) } : {}),
    reached,
    tools: tools.sort((a, b) => a.asset.name.localeCompare(b.asset.name)),
    ...(options.listAssets ? { assetList: assetList.sort((a, b) => a.tenant.localeCompare(b.tenant) || a.asset.id.localeCompare(b.asset.id)) } : {}),
  };
}

const rankOf = privilegeRank;

/** One entry of the chokepoint ranking. */
export interface Chokepoint extends Omit<RadiusSummary, 'maxRank'> {
  source: NodeRef;
  maxPrivilege?: Privilege;
}

/** The hub's own principals and tools: every MSP identity and group, and every MSP tool. */
export function hubSources(g: AccessGraph): number[] {
  const out: number[] = [];
  for (let v = 0; v < g.nodeCount; v++) if (isHubSource(g, v)) out.push(v);
  return out;
}

/**
 * The radius of every hub principal and tool, ranked: most customers first,
 * then most endpoints, then most assets, then highest privilege. Uses a
 * RadiusIndex, so the wide nodes every technician passes through (groups,
 * RMM, vault) are walked once rather than once per technician.
 */
export function chokepoints(g: AccessGraph, options: RadiusIndexOptions & { sources?: readonly number[] } = {}): Chokepoint[] {
  const index = new RadiusIndex(g, options);
  const out: Chokepoint[] = [];
  for (const v of options.sources ?? hubSources(g)) {
    const { maxRank, ...rest } = index.summary(v);
    out.push({ source: nodeRef(g, v), ...rest, ...(maxRank >= 0 ? { maxPrivilege: privilegeName(maxRank) } : {}) });
  }
  return out.sort(compareChokepoints);
}

/** Ranking order: customers, then endpoints (inventoried or declared), then assets, then privilege, then kind, then name. */
export const compareChokepoints = (a: Chokepoint, b: Chokepoint): number =>
  b.customers - a.customers ||
  Math.max(b.endpoints, b.declaredEndpoints) - Math.max(a.endpoints, a.declaredEndpoints) ||
  b.assets - a.assets ||
  rankOf(b.maxPrivilege ?? 'read') - rankOf(a.maxPrivilege ?? 'read') ||
  // Shared infrastructure first: a tool or group that gives people their reach is the wider chokepoint.
  KIND_ORDER.indexOf(a.source.kind) - KIND_ORDER.indexOf(b.source.kind) ||
  a.source.name.localeCompare(b.source.name);

const KIND_ORDER = ['tool', 'group', 'identity'];

/** Best privilege level (rank + 1) per customer index reached from `source`. */
export function customerLevels(g: AccessGraph, source: number, attacker: Attacker = {}, flags: Uint8Array = g.flags): Map<number, number> {
  const s = widest(g, source, attacker, flags);
  summarize(g, source, s);
  const m = new Map<number, number>();
  for (let i = 0; i < s.nCust; i++) m.set(s.custTouched[i]!, s.custLevel[s.custTouched[i]!]!);
  return m;
}

