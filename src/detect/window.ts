/**
 * Compact per-key window state: rings of recent event times for counting
 * rules, exact capped distinct-value tallies for value-counting rules. The
 * keys themselves live in ./keyed.ts.
 */
import type { KeyPart } from './keyed.js';

/**
 * The most recent event times of one key, up to a cap, kept inside the key's
 * own state (no extra object): whether `threshold` events fell within a window
 * needs only the last `threshold` of them, so a ring of the largest threshold
 * answers every rule that shares the key. Most keys see one event (a scanner
 * trying one name once), so a single time is held as a number and an array is
 * made only for the second.
 */
export interface Ring {
  /** One time, or the ring of times. */
  ring: number | number[];
  /** Next slot to overwrite once the ring is full. */
  pos: number;
}

/** Records `weight` events at `t` in a ring of at most `cap` times. */
export function ringPush(r: Ring, t: number, weight: number, cap: number): void {
  let n = Math.min(weight, cap);
  if (typeof r.ring === 'number') {
    if (cap === 1) {
      r.ring = t;
      return;
    }
    // Exact-size literal: a push onto [] would reserve 17 slots for every key.
    r.ring = [r.ring, t];
    n--;
  }
  const a = r.ring;
  for (; n > 0; n--) {
    if (a.length < cap) a.push(t);
    else {
      a[r.pos] = t;
      r.pos = (r.pos + 1) % cap;
    }
  }
}

/**
 * A ring as kept in a state slot: a bare number while it holds one event
 * (most keys never see a second), a Ring object from the second on.
 */
export type RingLike = number | Ring;

/** Adds `weight` events at `t` to a slot's ring; returns what the slot must now hold. */
export function ringAdd(r: RingLike | undefined, t: number, weight: number, cap: number): RingLike {
  if (r === undefined) {
    if (weight === 1) return t;
    const o: Ring = { ring: t, pos: 0 };
    ringPush(o, t, weight - 1, cap);
    return o;
  }
  if (typeof r === 'number') {
    const o: Ring = { ring: r, pos: 0 };
    ringPush(o, t, weight, cap);
    return o;
  }
  ringPush(r, t, weight, cap);
  return r;
}

/** Number of recorded times at or after `cutoff`. */
export function ringCount(r: RingLike, cutoff: number): number {
  if (typeof r === 'number') return r >= cutoff ? 1 : 0;
  if (typeof r.ring === 'number') return r.ring >= cutoff ? 1 : 0;
  let n = 0;
  for (const t of r.ring) if (t >= cutoff) n++;
  return n;
}

/** Earliest and latest recorded time at or after `cutoff`. */
export function ringSpan(r: RingLike, cutoff: number): { first: number; last: number } {
  if (typeof r === 'number') return r >= cutoff ? { first: r, last: r } : { first: Infinity, last: -Infinity };
  if (typeof r.ring === 'number') return r.ring >= cutoff ? { first: r.ring, last: r.ring } : { first: Infinity, last: -Infinity };
  let first = Infinity;
  let last = -Infinity;
  for (const t of r.ring) {
    if (t < cutoff) continue;
    if (t < first) first = t;
    if (t > last) last = t;
  }
  return { first, last };
}

/** Number of times held. */
export const ringLength = (r: RingLike): number => (typeof r === 'number' || typeof r.ring === 'number' ? 1 : r.ring.length);

/** One distinct value's tally in a window. */
export interface Tally {
  value: KeyPart;
  /** Last time seen. */
  t: number;
  /** Events counted. */
  n: number;
  /** Events with the rule's marked reason (for share conditions). */
  marked: number;
  /** Free slot for the detector (e.g. the source a user was last tried from). */
  tag?: string;
}

const SMALL = 12;

/**
 * Exact distinct values seen in a sliding window, with per-value counts, capped
 * (`truncated` is set once a value had to be refused). Small sets live in an
 * exact-size array, larger ones in a Map: most keys see one to three values.
 * It also carries its owner's bookkeeping (`first`, `prunedAt`), one object
 * per key rather than two.
 */
export class DistinctWindow {
  /** No value, one value (most windows), an exact-size array, or a Map past SMALL values. */
  private items: undefined | Tally | Tally[] | Map<KeyPart, Tally>;
  /** Sum of `n` over the values held. */
  total = 0;
  /** Sum of `marked` over the values held. */
  marked = 0;
  truncated = false;
  /** Time of the first event counted (the owner's). */
  first: number;
  /** Last time the owner pruned the window. */
  prunedAt: number;

  constructor(t = 0) {
    this.items = undefined;
    this.first = t;
    this.prunedAt = t;
  }

  get size(): number {
    const it = this.items;
    if (it === undefined) return 0;
    if (Array.isArray(it)) return it.length;
    return it instanceof Map ? it.size : 1;
  }

  get(value: KeyPart): Tally | undefined {
    const it = this.items;
    if (it === undefined) return undefined;
    if (Array.isArray(it)) {
      for (let i = 0; i < it.length; i++) if (it[i]!.value === value) return it[i];
      return undefined;
    }
    if (it instanceof Map) return it.get(value);
    return it.value === value ? it : undefined;
  }

  /** Counts `weight` events of `value` at `t`; returns the tally, or undefined when `cap` refused it. */
  touch(value: KeyPart, t: number, weight: number, marked: boolean, cap: number): Tally | undefined {
    let e = this.get(value);
    if (!e) {
      if (this.size >= cap) {
        this.truncated = true;
        return undefined;
      }
      e = { value, t, n: 0, marked: 0, tag: undefined };
      const it = this.items;
      if (it === undefined) this.items = e;
      else if (!Array.isArray(it) && !(it instanceof Map)) this.items = [it, e];
      else if (Array.isArray(it)) {
        if (it.length < SMALL) {
          // Exact-size copies: a push would reserve 17 slots for every key's first value.
          const next = new Array<Tally>(it.length + 1);
          for (let i = 0; i < it.length; i++) next[i] = it[i]!;
          next[it.length] = e;
          this.items = next;
        } else this.items = new Map([...it.map((x): [KeyPart, Tally] => [x.value, x]), [value, e]]);
      } else it.set(value, e);
    }
    if (t > e.t) e.t = t;
    e.n += weight;
    this.total += weight;
    if (marked) {
      e.marked += weight;
      this.marked += weight;
    }
    return e;
  }

  /** Removes one value. */
  remove(value: KeyPart): void {
    const e = this.get(value);
    if (!e) return;
    this.total -= e.n;
    this.marked -= e.marked;
    const it = this.items;
    if (Array.isArray(it)) this.items = it.filter((x) => x !== e);
    else if (it instanceof Map) it.delete(value);
    else this.items = undefined;
  }

  /** Drops values last seen before `cutoff`; calls `onDrop` for each. */
  prune(cutoff: number, onDrop?: (e: Tally) => void): void {
    const it = this.items;
    if (it === undefined) return;
    if (Array.isArray(it)) {
      if (!it.some((e) => e.t < cutoff)) return;
      const keep: Tally[] = [];
      for (const e of it) {
        if (e.t >= cutoff) keep.push(e);
        else this.drop(e, onDrop);
      }
      this.items = keep.length === 0 ? undefined : keep.length === 1 ? keep[0] : keep;
      return;
    }
    if (!(it instanceof Map)) {
      if (it.t < cutoff) {
        this.items = undefined;
        this.drop(it, onDrop);
      }
      return;
    }
    for (const e of it.values()) {
      if (e.t < cutoff) {
        it.delete(e.value);
        this.drop(e, onDrop);
      }
    }
  }

  private drop(e: Tally, onDrop?: (e: Tally) => void): void {
    this.total -= e.n;
    this.marked -= e.marked;
    onDrop?.(e);
  }

  values(): Iterable<Tally> {
    const it = this.items;
    if (it === undefined) return [];
    if (Array.isArray(it)) return it;
    return it instanceof Map ? it.values() : [it];
  }
}
