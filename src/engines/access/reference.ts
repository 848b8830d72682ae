import { PASS, N_ASSET, N_ORG, N_TOOL, NF_DISABLED, NF_ENDPOINT, type AccessGraph } from './graph.js';
import { blockMask, type Attacker } from './traverse.js';

/**
 * A deliberately naive reference for tests: widest paths by relaxing every edge
 * until nothing changes (no buckets, no bulk leaves, no closures), and counts
 * taken straight from the node levels. The fast kernels must agree with it.
 */
export function referenceRadius(g: AccessGraph, source: number, attacker: Attacker = {}, flags: Uint8Array = g.flags) {
  const level = new Uint8Array(g.nodeCount);
  level[source] = PASS + 1;
  const block = blockMask(attacker);
  for (let changed = true; changed; ) {
    changed = false;
    for (let u = 0; u < g.nodeCount; u++) {
      if (level[u] === 0 || g.nodeFlags[u]! & NF_DISABLED) continue;
      for (let e = g.offsets[u]!; e < g.offsets[u + 1]!; e++) {
        if (flags[e]! & block) continue;
        const v = g.target[e]!;
        const nl = Math.min(level[u]!, g.priv[e]! + 1);
        if (nl > level[v]!) {
          level[v] = nl;
          changed = true;
        }
      }
    }
  }
  const customers = new Map<string, number>();
  let assets = 0;
  let endpoints = 0;
  let tools = 0;
  for (let v = 0; v < g.nodeCount; v++) {
    if (v === source || level[v] === 0) continue;
    const k = g.kind[v];
    if (k !== N_ORG && k !== N_ASSET && k !== N_TOOL) continue;
    if (k === N_TOOL) tools++;
    else if (k === N_ASSET) {
      assets++;
      if (g.nodeFlags[v]! & NF_ENDPOINT) endpoints++;
    }
    const o = k === N_ORG ? v : g.tenant[v]!;
    if (o >= 0 && g.customerIndex[o]! >= 0) customers.set(g.key[o]!, Math.max(customers.get(g.key[o]!) ?? 0, level[v]!));
  }
  return { level, customers, assets, endpoints, tools };
}

/** Fewest edges from `source` to `v` over edges of at least `minRank` (plain BFS), or -1. */
export function referenceDistance(g: AccessGraph, source: number, v: number, minRank: number, attacker: Attacker = {}, flags: Uint8Array = g.flags): number {
  const dist = new Int32Array(g.nodeCount).fill(-1);
  dist[source] = 0;
  const q = [source];
  const block = blockMask(attacker);
  for (let i = 0; i < q.length; i++) {
    const u = q[i]!;
    if (u === v) return dist[u]!;
    if (g.nodeFlags[u]! & NF_DISABLED) continue;
    for (let e = g.offsets[u]!; e < g.offsets[u + 1]!; e++) {
      if (flags[e]! & block || g.priv[e]! < minRank) continue;
      const w = g.target[e]!;
      if (dist[w]! < 0) {
        dist[w] = dist[u]! + 1;
        q.push(w);
      }
    }
  }
  return -1;
}
