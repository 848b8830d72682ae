import { N_ASSET, N_TOOL, NF_ENDPOINT, type AccessGraph } from './graph.js';

/**
 * Every asset and tool numbered so that each organization's assets form one
 * contiguous range: "this organization is reached" then sets one run of bits.
 */
export interface AssetSpace {
  /** Asset index of a node, or -1. */
  index: Int32Array;
  /** For organization nodes: the range of their assets. */
  start: Int32Array;
  end: Int32Array;
  /** 32-bit words of a bitset over all assets. */
  words: number;
  endpointMask: Uint32Array;
  /** Tool nodes. */
  tools: Int32Array;
}

const spaces = new WeakMap<AccessGraph, AssetSpace>();

/** The graph's asset numbering (computed once per graph). */
export function assetSpace(g: AccessGraph): AssetSpace {
  let sp = spaces.get(g);
  if (sp) return sp;
  const V = g.nodeCount;
  const count = new Int32Array(V + 1);
  const isAsset = (v: number) => g.kind[v] === N_ASSET || g.kind[v] === N_TOOL;
  // Assets without a known tenant share one bucket after every organization's.
  const bucket = (v: number) => (g.tenant[v]! >= 0 ? g.tenant[v]! : V);
  let n = 0;
  for (let v = 0; v < V; v++) {
    if (isAsset(v)) {
      count[bucket(v)]!++;
      n++;
    }
  }
  const start = new Int32Array(V + 1);
  for (let v = 1; v <= V; v++) start[v] = start[v - 1]! + count[v - 1]!;
  const end = new Int32Array(V);
  for (let v = 0; v < V; v++) end[v] = start[v]! + count[v]!;
  const fill = start.slice();
  const index = new Int32Array(V).fill(-1);
  const words = (n + 31) >>> 5;
  const endpointMask = new Uint32Array(words);
  const tools: number[] = [];
  for (let v = 0; v < V; v++) {
    if (!isAsset(v)) continue;
    const i = fill[bucket(v)]!++;
    index[v] = i;
    if (g.nodeFlags[v]! & NF_ENDPOINT) endpointMask[i >>> 5]! |= 1 << (i & 31);
    if (g.kind[v] === N_TOOL) tools.push(v);
  }
  sp = { index, start, end, words, endpointMask, tools: Int32Array.from(tools) };
  spaces.set(g, sp);
  return sp;
}

/** Sets bits [from, to). */
export function fillRange(bits: Uint32Array, from: number, to: number): void {
  let i = from;
  while (i < to && (i & 31) !== 0) bits[i >>> 5]! |= 1 << (i++ & 31);
  while (i + 32 <= to) {
    bits[i >>> 5] = 0xffffffff;
    i += 32;
  }
  while (i < to) bits[i >>> 5]! |= 1 << (i++ & 31);
}

/** Number of set bits in a 32-bit word. */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
