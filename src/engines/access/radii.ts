import { N_ORG, type AccessGraph } from './graph.js';
import { assetSpace, fillRange, popcount, type AssetSpace } from './bits.js';
import { widest, type Attacker, type RadiusSummary } from './traverse.js';

/** What a wide node reaches: assets (dense bits, or a list when few) and customer levels. */
interface Closure {
  bits?: Uint32Array;
  assets?: Int32Array;
  cust: Int32Array;
  level: Uint8Array;
  /** Sorted nodes with out-edges its own walk touched (itself included): a change at one of them affects it. */
  touched: Int32Array;
  /** Wide nodes whose closures it merged. */
  children: Int32Array;
}

/**
 * Accumulator of one walk: asset bits and best level per customer. It tracks
 * which words it dirtied, so a small radius costs its own size, not a pass over
 * a bitset of every asset in the hub.
 */
class Acc {
  readonly bits: Uint32Array;
  private readonly mark: Uint8Array;
  private readonly dirty: Int32Array;
  private nDirty = 0;
  private all = false;
  readonly cust: Uint8Array;
  readonly custList: Int32Array;
  n = 0;
  constructor(words: number, customers: number) {
    this.bits = new Uint32Array(words);
    this.mark = new Uint8Array(words);
    this.dirty = new Int32Array(words);
    this.cust = new Uint8Array(customers);
    this.custList = new Int32Array(customers);
  }
  reset(): void {
    if (this.all) {
      this.bits.fill(0);
      this.mark.fill(0);
    } else {
      for (let i = 0; i < this.nDirty; i++) {
        const w = this.dirty[i]!;
        this.bits[w] = 0;
        this.mark[w] = 0;
      }
    }
    this.nDirty = 0;
    this.all = false;
    for (let i = 0; i < this.n; i++) this.cust[this.custList[i]!] = 0;
    this.n = 0;
  }
  private touch(w: number): void {
    if (this.mark[w] === 0) {
      this.mark[w] = 1;
      this.dirty[this.nDirty++] = w;
    }
  }
  set(i: number): void {
    const w = i >>> 5;
    if (!this.all) this.touch(w);
    this.bits[w]! |= 1 << (i & 31);
  }
  fill(from: number, to: number): void {
    if (from >= to) return;
    if (!this.all) for (let w = from >>> 5; w <= (to - 1) >>> 5; w++) this.touch(w);
    fillRange(this.bits, from, to);
  }
  or(other: Uint32Array): void {
    this.all = true;
    const bits = this.bits;
    for (let w = 0; w < other.length; w++) if (other[w] !== 0) bits[w]! |= other[w]!;
  }
  /** Calls `fn` with each non-zero word index. */
  words(fn: (w: number) => void): void {
    if (this.all) {
      for (let w = 0; w < this.bits.length; w++) if (this.bits[w] !== 0) fn(w);
    } else {
      for (let i = 0; i < this.nDirty; i++) if (this.bits[this.dirty[i]!] !== 0) fn(this.dirty[i]!);
    }
  }
  up(ci: number, l: number): void {
    if (ci < 0) return;
    if (this.cust[ci] === 0) this.custList[this.n++] = ci;
    if (l > this.cust[ci]!) this.cust[ci] = l;
  }
}

/** Options of a RadiusIndex. */
export interface RadiusIndexOptions {
  attacker?: Attacker;
  /** Edge flags to use instead of the graph's (a what-if overlay). */
  flags?: Uint8Array;
  /** Nodes with at least this many expandable out-edges have their reach computed once and reused. */
  heavyDegree?: number;
}

/**
 * Radius summaries of many sources at once. Most of the hub reaches customers
 * through a few wide nodes (technician groups holding GDAP roles everywhere,
 * the RMM, the vault); their reach is computed once ("closures", each built
 * from the closures of the wide nodes it reaches) and merged into every source
 * that reaches them, capped at the privilege the source arrives with, since a
 * path's privilege is its weakest edge. A source then costs its own narrow
 * neighbourhood plus a few bitset unions, not a walk over millions of agent
 * edges. Results equal a full widest-path walk (tests compare them on random
 * graphs, cycles included).
 */
export class RadiusIndex {
  private readonly sp: AssetSpace;
  private readonly heavy: Uint8Array;
  private readonly closures: Map<number, Closure>;
  private readonly inProgress = new Set<number>();
  private readonly pool: Acc[] = [];
  private last: Acc | undefined;
  readonly attacker: Attacker;
  readonly flags: Uint8Array;

  constructor(readonly g: AccessGraph, options: RadiusIndexOptions = {}, shared?: { heavy: Uint8Array; closures: Map<number, Closure> }) {
    this.attacker = options.attacker ?? {};
    this.flags = options.flags ?? g.flags;
    this.sp = assetSpace(g);
    if (shared) {
      this.heavy = shared.heavy;
      this.closures = shared.closures;
    } else {
      const threshold = options.heavyDegree ?? 128;
      this.heavy = new Uint8Array(g.nodeCount);
      for (let v = 0; v < g.nodeCount; v++) if (g.expandEnd[v]! - g.offsets[v]! >= threshold) this.heavy[v] = 1;
      this.closures = new Map();
    }
  }

  private acc(depth: number): Acc {
    while (this.pool.length <= depth) this.pool.push(new Acc(this.sp.words, this.g.customers.length));
    const a = this.pool[depth]!;
    a.reset();
    return a;
  }

  /**
   * One walk from `source` into `acc`: its own neighbourhood, stopping at wide
   * nodes (unless `full`), then the closures of the wide nodes it reached.
   * Returns the touched non-target nodes and merged wide nodes, or undefined
   * when a wide node on a cycle back to an unfinished closure was met (the
   * caller then walks in full).
   */
  private walk(source: number, acc: Acc, depth: number, full: boolean): { touched: number[]; children: number[] } | undefined {
    const { g, sp } = this;
    const s = widest(g, source, this.attacker, this.flags, full ? undefined : this.heavy);
    const hits: number[] = [];
    const touched: number[] = [];
    for (let i = 0; i < s.nTouched; i++) {
      const v = s.touched[i]!;
      // Only a node with out-edges can be the tail of a changed edge.
      if (g.offsets[v]! < g.expandEnd[v]! || v === source) touched.push(v);
      if (v === source) continue;
      const l = s.level[v]!;
      if (g.kind[v] === N_ORG) {
        acc.fill(sp.start[v]!, sp.end[v]!);
        acc.up(g.customerIndex[v]!, l);
      } else if (sp.index[v]! >= 0) {
        acc.set(sp.index[v]!);
        const o = g.tenant[v]!;
        if (o >= 0) acc.up(g.customerIndex[o]!, l);
      }
      if (!full && this.heavy[v] === 1) hits.push(v, l);
    }
    const children: number[] = [];
    for (let i = 0; i < hits.length; i += 2) {
      const c = this.closure(hits[i]!, depth + 1);
      if (!c) return undefined;
      children.push(hits[i]!);
      const cap = hits[i + 1]!;
      if (c.bits) acc.or(c.bits);
      else for (const x of c.assets!) acc.set(x);
      for (let j = 0; j < c.cust.length; j++) acc.up(c.cust[j]!, Math.min(c.level[j]!, cap));
    }
    return { touched, children };
  }

  private closure(h: number, depth: number): Closure | undefined {
    const known = this.closures.get(h);
    if (known) return known;
    if (this.inProgress.has(h)) return undefined;
    this.inProgress.add(h);
    const acc = this.acc(depth);
    let r = this.walk(h, acc, depth, false);
    if (!r) {
      acc.reset();
      r = this.walk(h, acc, depth, true)!;
    }
    this.inProgress.delete(h);
    const cust = acc.custList.slice(0, acc.n);
    const level = Uint8Array.from(cust, (ci) => acc.cust[ci]!);
    const c: Closure = { cust, level, touched: Int32Array.from(r.touched).sort(), children: Int32Array.from(r.children) };
    let set = 0;
    acc.words((w) => (set += popcount(acc.bits[w]!)));
    if (set * 2 > this.sp.words) {
      c.bits = acc.bits.slice();
    } else {
      // Small reach: a list of assets is smaller than the bitset and faster to merge.
      const assets = new Int32Array(set);
      let k = 0;
      acc.words((w) => {
        let x = acc.bits[w]!;
        while (x !== 0) {
          assets[k++] = (w << 5) | (31 - Math.clz32(x & -x));
          x &= x - 1;
        }
      });
      c.assets = assets;
    }
    this.closures.set(h, c);
    return c;
  }

  /** The radius summary of one source, as summarize(widest(source)) would give it. */
  summary(source: number): RadiusSummary {
    const { g, sp } = this;
    const acc = this.acc(0);
    if (this.heavy[source] === 1) {
      // A wide node's own closure is its radius: reuse it (and keep it for the sources that reach it).
      const c = this.closure(source, 1)!;
      if (c.bits) acc.or(c.bits);
      else for (const x of c.assets!) acc.set(x);
      for (let j = 0; j < c.cust.length; j++) acc.up(c.cust[j]!, c.level[j]!);
    } else if (!this.walk(source, acc, 0, false)) {
      acc.reset();
      this.walk(source, acc, 0, true);
    }
    this.last = acc;
    const bits = acc.bits;
    const own = sp.index[source]!;
    if (own >= 0) bits[own >>> 5]! &= ~(1 << (own & 31));
    let assets = 0;
    let endpoints = 0;
    acc.words((w) => {
      const x = bits[w]!;
      assets += popcount(x);
      endpoints += popcount(x & sp.endpointMask[w]!);
    });
    let tools = 0;
    let declared = g.declaredEndpoints[source]!;
    for (const t of sp.tools) {
      const i = sp.index[t]!;
      if (bits[i >>> 5]! & (1 << (i & 31))) {
        tools++;
        declared += g.declaredEndpoints[t]!;
      }
    }
    assets -= tools;
    let maxLevel = 0;
    for (let i = 0; i < acc.n; i++) maxLevel = Math.max(maxLevel, acc.cust[acc.custList[i]!]!);
    return { customers: acc.n, assets, endpoints, declaredEndpoints: declared, tools, maxRank: maxLevel - 1 };
  }

  /** Best level (rank + 1) per customer index, from the last summary() call. */
  lastCustomerLevels(): Map<number, number> {
    const m = new Map<number, number>();
    const a = this.last;
    if (a) for (let i = 0; i < a.n; i++) m.set(a.custList[i]!, a.cust[a.custList[i]!]!);
    return m;
  }

  /**
   * This index under other edge flags that differ only on out-edges of `tails`
   * and only block more (a what-if). Closures that never touch a tail, directly
   * or through a closure they merged, are shared; the rest are recomputed on demand.
   */
  withFlags(flags: Uint8Array, tails: readonly number[]): RadiusIndex {
    const affected = new Set<number>();
    const hasTail = (t: Int32Array) => tails.some((u) => bsearch(t, u));
    for (const [h, c] of this.closures) if (hasTail(c.touched)) affected.add(h);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [h, c] of this.closures) {
        if (!affected.has(h) && c.children.some((x) => affected.has(x))) {
          affected.add(h);
          grew = true;
        }
      }
    }
    const closures = new Map([...this.closures].filter(([h]) => !affected.has(h)));
    return new RadiusIndex(this.g, { attacker: this.attacker, flags }, { heavy: this.heavy, closures });
  }
}

function bsearch(a: Int32Array, x: number): boolean {
  let lo = 0;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! === x) return true;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
