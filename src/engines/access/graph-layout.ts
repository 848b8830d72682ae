import { E_CONTAINS, N_ASSET, NF_ENDPOINT } from './graph.js';

/** Edges as the builder collected them: parallel arrays in insertion order. */
export interface EdgeList {
  V: number;
  E: number;
  kind: Uint8Array;
  nodeFlags: Uint8Array;
  src: Int32Array;
  dst: Int32Array;
  priv: Uint8Array;
  flags: Uint8Array;
  edgeKind: Uint8Array;
  record: Int32Array;
}

/** The CSR arrays of an AccessGraph. */
export interface Csr {
  offsets: Int32Array;
  expandEnd: Int32Array;
  target: Int32Array;
  priv: Uint8Array;
  flags: Uint8Array;
  edgeKind: Uint8Array;
  edgeRecord: Int32Array;
  leafAssets: Int32Array;
  leafEndpoints: Int32Array;
}

/**
 * Lays edges out by source node (a counting sort: two passes, no comparisons).
 * Within a node's run, `contains` edges into leaf assets go last, from
 * `expandEnd[v]` on, so traversals can take them in bulk; tools are never bulk
 * (a radius lists them).
 */
export function layoutCsr(l: EdgeList): Csr {
  const { V, E, kind, nodeFlags, src, dst } = l;
  const outDeg = new Int32Array(V);
  for (let e = 0; e < E; e++) outDeg[src[e]!]!++;
  const bulk = (e: number) => l.edgeKind[e] === E_CONTAINS && outDeg[dst[e]!] === 0 && kind[dst[e]!] === N_ASSET;
  const nExpand = new Int32Array(V);
  for (let e = 0; e < E; e++) if (!bulk(e)) nExpand[src[e]!]!++;
  const offsets = new Int32Array(V + 1);
  for (let v = 0; v < V; v++) offsets[v + 1] = offsets[v]! + outDeg[v]!;
  const expandEnd = new Int32Array(V);
  const fillA = new Int32Array(V);
  const fillB = new Int32Array(V);
  for (let v = 0; v < V; v++) {
    fillA[v] = offsets[v]!;
    expandEnd[v] = fillB[v] = offsets[v]! + nExpand[v]!;
  }
  const target = new Int32Array(E);
  const priv = new Uint8Array(E);
  const flags = new Uint8Array(E);
  const edgeKind = new Uint8Array(E);
  const edgeRecord = new Int32Array(E);
  const leafAssets = new Int32Array(V);
  const leafEndpoints = new Int32Array(V);
  for (let e = 0; e < E; e++) {
    const s = src[e]!;
    const b = bulk(e);
    const at = b ? fillB[s]!++ : fillA[s]!++;
    target[at] = dst[e]!;
    priv[at] = l.priv[e]!;
    flags[at] = l.flags[e]!;
    edgeKind[at] = l.edgeKind[e]!;
    edgeRecord[at] = l.record[e]!;
    if (b) {
      leafAssets[s]!++;
      if (nodeFlags[dst[e]!]! & NF_ENDPOINT) leafEndpoints[s]!++;
    }
  }
  return { offsets, expandEnd, target, priv, flags, edgeKind, edgeRecord, leafAssets, leafEndpoints };
}

/**
 * Record id → its edges (a grant can make two: the principal's and the tool
 * channel it implies). Built on first use, since only what-ifs need it.
 */
export function recordIndex(edgeRecord: Int32Array, ids: readonly string[]): (id: string) => number[] {
  const R = ids.length;
  const start = new Int32Array(R + 1);
  for (let e = 0; e < edgeRecord.length; e++) if (edgeRecord[e]! >= 0) start[edgeRecord[e]! + 1]!++;
  for (let r = 0; r < R; r++) start[r + 1]! += start[r]!;
  const fill = start.slice(0, R);
  const edges = new Int32Array(start[R]!);
  for (let e = 0; e < edgeRecord.length; e++) if (edgeRecord[e]! >= 0) edges[fill[edgeRecord[e]!]!++] = e;
  const byId = new Map<string, number>();
  for (let r = 0; r < R; r++) byId.set(ids[r]!, r);
  return (id) => {
    const r = byId.get(id);
    return r === undefined ? [] : Array.from(edges.subarray(start[r]!, start[r + 1]!));
  };
}
