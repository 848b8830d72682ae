/**
 * Threshold rules: Sigma's `event_count` (N matching events of one group in a
 * window) and `value_count` (N distinct values of a field in a window).
 * Rules with the same match, grouping and count share one keyed state: fast
 * and slow brute force read one ring of recent failure times per user+source.
 */
import type { AuthEvent } from '../event.js';
import type { ThresholdRule } from '../rules.js';
import { sourceKey } from '../net.js';
import { DistinctWindow, ringAdd, ringCount, ringLength, ringSpan, type RingLike } from '../window.js';
import { sharedState, type Key, type KeyedStore, type Shared, type Slot } from '../keyed.js';
import { secs, toMs } from '../duration.js';
import { compileAllow, compileKey, compileMatch, distinctValue, keyDepth, type Detector, type DetectorDeps, type EventFacts } from './common.js';

/** The signature under which threshold rules share state. */
export function thresholdFamily(r: ThresholdRule): string {
  const count = r.count === 'events' ? 'events' : `distinct:${r.count.distinct}:${r.window}:${r.conditions.minShare?.reason ?? ''}`;
  return JSON.stringify([r.match, r.groupBy, count, r.allow]);
}

/** A family of threshold rules that share one keyed state. */
export class ThresholdDetector implements Detector {
  readonly rules: readonly ThresholdRule[];
  private readonly match: (e: AuthEvent) => boolean;
  private readonly allow: ((e: AuthEvent) => boolean) | undefined;
  private readonly keyOf: (e: AuthEvent, f: EventFacts) => Key | undefined;
  private readonly counting: boolean;
  private readonly store: KeyedStore<Shared>;
  private readonly slot: Slot;
  private readonly ringCap: number;
  private readonly field: 'user' | 'source' | 'network' | 'target';

  constructor(
    rules: ThresholdRule[],
    private readonly deps: DetectorDeps,
  ) {
    const first = rules[0]!;
    this.rules = rules;
    this.match = compileMatch(first.match);
    this.allow = compileAllow(first);
    this.keyOf = compileKey(first.groupBy);
    // A span condition looks further back than the threshold: a ring of only the last
    // N events of a steady trickle always spans the same time, whatever came before.
    this.ringCap = Math.max(...rules.map((r) => (r.conditions.minSpan !== undefined ? r.threshold * 4 : r.threshold)));
    this.counting = first.count === 'events';
    this.field = first.count === 'events' ? 'user' : first.count.distinct;
    // A key may still receive events up to `maxDisorder` late, so it is kept that much longer.
    const horizon = Math.max(...rules.map((r) => r.window)) + deps.ruleSet.maxDisorder;
    ({ store: this.store, slot: this.slot } = deps.shared.claim(first.groupBy.join(','), keyDepth(first.groupBy), horizon));
  }

  onEvent(e: AuthEvent, f: EventFacts): void {
    if (!this.match(e) || this.allow?.(e)) return;
    const key = this.keyOf(e, f);
    if (key === undefined) return;
    if (this.counting) this.onCount(e, f, key);
    else this.onDistinct(e, f, key);
  }

  /** Merges into open alerts; returns true when every rule of the family has one for the key. */
  private mergeOpen(e: AuthEvent, f: EventFacts, key: Key): boolean {
    let all = true;
    for (const r of this.rules) {
      const a = this.deps.book.find(r.id, key);
      if (a) this.deps.book.merge(a, e, f.weight, f.source);
      else all = false;
    }
    return all;
  }

  private blocked(r: ThresholdRule, key: Key): boolean {
    if (this.deps.book.find(r.id, key)) return true;
    const by = this.deps.supersededBy.get(r.id);
    return by !== undefined && by.some((id) => this.deps.book.find(id, key) !== undefined);
  }

  private onCount(e: AuthEvent, f: EventFacts, key: Key): void {
    const allOpen = this.mergeOpen(e, f, key);
    const t = f.sec;
    const sh = sharedState(this.store, key, t, this.deps.shared.width(this.store));
    const st = ringAdd(this.slot.get(sh) as RingLike | undefined, t, f.weight, this.ringCap);
    this.slot.set(sh, st);
    if (allOpen) return;
    for (const r of this.rules) {
      if (ringLength(st) < r.threshold || this.blocked(r, key)) continue;
      const cutoff = t - secs(r.window);
      const n = ringCount(st, cutoff);
      if (n < r.threshold) continue;
      const span = ringSpan(st, cutoff);
      if (r.conditions.minSpan !== undefined && (span.last - span.first) * 1000 < r.conditions.minSpan) continue;
      this.deps.book.openAlert(r, key, f.tenant, e, {
        firstSeen: toMs(span.first),
        count: n,
        sourceKeys: f.source !== undefined ? [f.source] : [],
      });
    }
  }

  private onDistinct(e: AuthEvent, f: EventFacts, key: Key): void {
    const r0 = this.rules[0]!;
    const field = this.field;
    const v = distinctValue(field, e, f);
    if (v === undefined) return;
    const allOpen = this.mergeOpen(e, f, key);
    const t = f.sec;
    const sh = sharedState(this.store, key, t, this.deps.shared.width(this.store));
    let st = this.slot.get(sh) as DistinctWindow | undefined;
    if (!st) this.slot.set(sh, (st = new DistinctWindow(t)));
    const marked = r0.conditions.minShare !== undefined && (e.reason ?? 'none') === r0.conditions.minShare.reason;
    const tally = st.touch(v, t, f.weight, marked, this.deps.ruleSet.distinctCap);
    if (tally && e.srcIp !== undefined) tally.tag = e.srcIp;
    if (allOpen) return;
    for (const r of this.rules) {
      if (st.size < r.threshold || this.blocked(r, key)) continue;
      // Pruning walks the set, so it runs at most once per 1/16 of the window:
      // the window is exact to that step, and the cost stays O(1) per event.
      const win = secs(r.window);
      if (t - st.prunedAt >= win / 16 || st.prunedAt > t) {
        st.prune(t - win);
        st.prunedAt = t;
        if (st.size < r.threshold) continue;
      }
      const c = r.conditions;
      if (c.maxPerValue !== undefined && st.total / st.size > c.maxPerValue) continue;
      if (c.minShare !== undefined && st.marked / Math.max(1, st.total) < c.minShare.share) continue;
      const tallies = [...st.values()];
      const addrs = tallies.flatMap((t) => (t.tag === undefined ? [] : [t.tag]));
      this.deps.book.openAlert(r, key, f.tenant, e, {
        firstSeen: toMs(Math.max(st.first, t - win)),
        count: st.total,
        users: field === 'user' ? tallies.map((t) => String(t.value)) : [],
        sources: addrs,
        sourceKeys: field === 'source' ? tallies.map((t) => t.value) : addrs.map(sourceKey),
      });
    }
  }

  evict(): void {
    // The shared store is evicted by the engine.
  }

  stateSize(): number {
    let n = 0;
    for (const sh of this.store.values()) {
      const st = this.slot.get(sh) as RingLike | DistinctWindow | undefined;
      if (st !== undefined) n += 1 + (this.counting ? ringLength(st as RingLike) : (st as DistinctWindow).size);
    }
    return n;
  }

  shed(): number {
    return 0; // counted by the shared stores
  }
}
