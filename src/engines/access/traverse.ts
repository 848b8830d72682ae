import {
  F_JIT, F_NEEDS_MFA, F_REMOVED, N_ASSET, N_ORG, N_TOOL, NF_DISABLED, NF_ENDPOINT, PASS, isBulkLeaf, type AccessGraph,
} from './graph.js';

/**
 * Traversal kernels over the CSR graph. Privilege along a path is its weakest
 * edge (a bottleneck): holding `operator` in an RMM console that runs as
 * `system` everywhere lands an attacker at `operator`. The privilege of a node
 * is the best bottleneck over all paths (a widest-path problem); with only six
 * privilege levels, a bucket queue solves it in one pass over the edges.
 */

/** Attacker model: what the attacker holds besides the source itself. */
export interface Attacker {
  /** Only standing access: just-in-time edges need an activation (approval, PIM) the attacker cannot get. */
  standingOnly?: boolean;
  /** Only the password: edges from identities that have a second factor cannot be crossed. */
  passwordOnly?: boolean;
}

/** Edge flags that block a traversal under an attacker model. */
export const blockMask = (a: Attacker = {}): number => F_REMOVED | (a.standingOnly ? F_JIT : 0) | (a.passwordOnly ? F_NEEDS_MFA : 0);

/** Reusable per-graph scratch space, so a query allocates nothing proportional to the graph. */
export interface Scratch {
  /** Best privilege rank + 1 reached (0 = not reached); valid for `touched[0..nTouched)`. */
  level: Uint8Array;
  touched: Int32Array;
  nTouched: number;
  buckets: Int32Array[];
  bucketLen: Int32Array;
  /** BFS state. */
  mark: Int32Array;
  epoch: number;
  parent: Int32Array;
  parentEdge: Int32Array;
  queue: Int32Array;
  /** Per-customer best level, valid for `custTouched[0..nCust)`. */
  custLevel: Uint8Array;
  custTouched: Int32Array;
  nCust: number;
}

const scratches = new WeakMap<AccessGraph, Scratch>();

/** The graph's scratch space (created on first use). Queries on one graph must not interleave. */
export function scratchOf(g: AccessGraph): Scratch {
  let s = scratches.get(g);
  if (!s) {
    const V = g.nodeCount;
    s = {
      level: new Uint8Array(V),
      touched: new Int32Array(V),
      nTouched: 0,
      buckets: Array.from({ length: PASS + 1 }, () => new Int32Array(64)),
      bucketLen: new Int32Array(PASS + 1),
      mark: new Int32Array(V),
      epoch: 0,
      parent: new Int32Array(V),
      parentEdge: new Int32Array(V),
      queue: new Int32Array(V),
      custLevel: new Uint8Array(g.customers.length),
      custTouched: new Int32Array(g.customers.length),
      nCust: 0,
    };
    scratches.set(g, s);
  }
  return s;
}

function push(s: Scratch, b: number, v: number): void {
  let arr = s.buckets[b]!;
  const n = s.bucketLen[b]!;
  if (n === arr.length) {
    const bigger = new Int32Array(arr.length * 2);
    bigger.set(arr);
    s.buckets[b] = arr = bigger;
  }
  arr[n] = v;
  s.bucketLen[b] = n + 1;
}

/**
 * Widest paths from `source`: fills `s.level` for every node reached (through
 * expand edges; leaf assets an organization contains are accounted in bulk by
 * summarize). Disabled identities are reached but never crossed. `flags`
 * replaces the graph's edge flags (what-if overlays); nodes marked in `stop`
 * (other than the source) are reached but not expanded, for callers that know
 * their reach already (RadiusIndex).
 */
export function widest(g: AccessGraph, source: number, attacker: Attacker = {}, flags: Uint8Array = g.flags, stop?: Uint8Array): Scratch {
  const s = scratchOf(g);
  const { level, touched } = s;
  for (let i = 0; i < s.nTouched; i++) level[touched[i]!] = 0;
  s.nTouched = 0;
  const block = blockMask(attacker);
  const { offsets, expandEnd, target, priv, nodeFlags } = g;
  level[source] = PASS + 1;
  touched[s.nTouched++] = source;
  push(s, PASS, source);
  // Buckets from the top level down: a node popped at level L can only push at L or below, so each
  // node is expanded once, at its final level.
  for (let b = PASS; b >= 0; b--) {
    const L = b + 1;
    while (s.bucketLen[b]! > 0) {
      const u = s.buckets[b]![--s.bucketLen[b]!]!;
      if (level[u] !== L || nodeFlags[u]! & NF_DISABLED || (stop !== undefined && stop[u] === 1 && u !== source)) continue;
      for (let e = offsets[u]!, end = expandEnd[u]!; e < end; e++) {
        if (flags[e]! & block) continue;
        const v = target[e]!;
        const p = priv[e]! + 1;
        const nl = p < L ? p : L;
        if (nl > level[v]!) {
          if (level[v] === 0) touched[s.nTouched++] = v;
          level[v] = nl;
          // A node without out-edges (an endpoint behind an RMM agent) has nothing to expand: no need to queue it.
          if (offsets[v] !== offsets[v + 1]) push(s, nl - 1, v);
        }
      }
    }
  }
  return s;
}

/** Counts of one radius. */
export interface RadiusSummary {
  customers: number;
  /** Assets other than MSP tools (those are counted in `tools`). */
  assets: number;
  endpoints: number;
  /** Endpoints declared by the tools reached (managedEndpoints), including the source's own. */
  declaredEndpoints: number;
  tools: number;
  /** Highest privilege rank reached in any customer, or -1 when none. */
  maxRank: number;
}

/**
 * Summarizes the last widest() run: customers reached with their best level (in
 * `s.custLevel` / `s.custTouched`), and counts of assets, endpoints and tools. A
 * customer counts as reached at the best level of its organization or any of its
 * assets; leaf assets of a reached organization are counted without visiting them.
 */
export function summarize(g: AccessGraph, source: number, s: Scratch = scratchOf(g)): RadiusSummary {
  const { level, touched, custLevel, custTouched } = s;
  for (let i = 0; i < s.nCust; i++) custLevel[custTouched[i]!] = 0;
  s.nCust = 0;
  let assets = 0;
  let endpoints = 0;
  let declared = g.declaredEndpoints[source]!;
  let tools = 0;
  let maxRank = -1;
  const { kind, tenant, customerIndex, nodeFlags } = g;
  for (let i = 0; i < s.nTouched; i++) {
    const v = touched[i]!;
    if (v === source) continue;
    const k = kind[v];
    if (k !== N_ORG && k !== N_ASSET && k !== N_TOOL) continue;
    const o = k === N_ORG ? v : tenant[v]!;
    if (k === N_ORG) {
      assets += g.leafAssets[v]!;
      endpoints += g.leafEndpoints[v]!;
    } else if (k === N_TOOL) {
      tools++;
      declared += g.declaredEndpoints[v]!;
    } else if (!(o >= 0 && level[o]! > 0 && isBulkLeaf(g, v))) {
      // (A leaf asset whose organization was reached is already in that organization's bulk count.)
      assets++;
      if (nodeFlags[v]! & NF_ENDPOINT) endpoints++;
    }
    const ci = o >= 0 ? customerIndex[o]! : -1;
    if (ci < 0) continue;
    const l = level[v]!;
    if (custLevel[ci] === 0) custTouched[s.nCust++] = ci;
    if (l > custLevel[ci]!) custLevel[ci] = l;
    if (l - 1 > maxRank) maxRank = l - 1;
  }
  return { customers: s.nCust, assets, endpoints, declaredEndpoints: declared, tools, maxRank };
}

/**
 * Breadth-first search from `source` over edges of at least `minRank` (and not
 * blocked), recording parents: the shortest paths among those whose weakest edge
 * is at least `minRank`. `visit` sees each node once in order of distance and
 * may stop the search by returning true.
 */
export function bfsAtLeast(
  g: AccessGraph,
  source: number,
  minRank: number,
  attacker: Attacker,
  visit: (v: number, s: Scratch) => boolean | void,
  flags: Uint8Array = g.flags,
): Scratch {
  const s = scratchOf(g);
  const { mark, parent, parentEdge, queue } = s;
  const epoch = ++s.epoch;
  const block = blockMask(attacker);
  const { offsets, expandEnd, target, priv, nodeFlags } = g;
  let head = 0;
  let tail = 0;
  mark[source] = epoch;
  parent[source] = -1;
  parentEdge[source] = -1;
  queue[tail++] = source;
  while (head < tail) {
    const u = queue[head++]!;
    if (visit(u, s) === true) break;
    if (nodeFlags[u]! & NF_DISABLED) continue;
    for (let e = offsets[u]!, end = expandEnd[u]!; e < end; e++) {
      if (flags[e]! & block || priv[e]! < minRank) continue;
      const v = target[e]!;
      if (mark[v] === epoch) continue;
      mark[v] = epoch;
      parent[v] = u;
      parentEdge[v] = e;
      queue[tail++] = v;
    }
  }
  return s;
}

/** The path to `v` found by the last bfsAtLeast: node ids and the edge into each (the source's is -1). */
export function pathFromBfs(s: Scratch, v: number): { nodes: number[]; edges: number[] } {
  const nodes: number[] = [];
  const edges: number[] = [];
  for (let x = v; x !== -1; x = s.parent[x]!) {
    nodes.push(x);
    edges.push(s.parentEdge[x]!);
  }
  return { nodes: nodes.reverse(), edges: edges.reverse() };
}
