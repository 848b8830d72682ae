/**
 * Compact sliding-window state for the detectors. Memory is bounded by the
 * keys active within a window, never by the input: each keyed store evicts
 * keys whose last event left the window, and a hard cap sheds the least
 * recently seen keys if an attack outgrows it (the shed keys are counted).
 */

/**
 * A grouping key: the tenant's stand-in and up to two field values (a third
 * and later fields are joined into the second). Keys are looked up part by
 * part in nested maps rather than as one concatenated string: building and
 * hashing a fresh key string per event costs more than the detection itself.
 */
export interface Key {
  k0: string;
  k1: string | undefined;
  k2: string | undefined;
}

/**
 * Detector state keeps times as whole seconds since 2000-01-01: small integers
 * that V8 stores unboxed, where a millisecond epoch time costs a 16-byte heap
 * number in every field that holds it. One second is finer than any window.
 */
export const SEC_BASE = Date.UTC(2000, 0, 1) / 1000;
/** Epoch milliseconds to state seconds. */
// `| 0` keeps the result a small integer (a float result would make V8 box the field).
export const toSec = (ms: number): number => Math.floor(ms / 1000 - SEC_BASE) | 0;
/** State seconds to epoch milliseconds. */
export const toMs = (sec: number): number => (sec + SEC_BASE) * 1000;
/** A duration in milliseconds as whole seconds (rounded up). */
export const secs = (ms: number): number => Math.ceil(ms / 1000);

/** Separator of key parts when a key is written as one string. */
export const SEP = '\u0001';

/** A key as one string (for alert ids and titles). */
export const keyText = (k: Key): string => k.k0 + (k.k1 === undefined ? '' : SEP + k.k1) + (k.k2 === undefined ? '' : SEP + k.k2);

/** Per-key state carries its key, the time of its last event and its position in the eviction queue. */
export interface Stamped extends Key {
  /** Time of the last event, epoch ms. */
  last: number;
  /** Value of `last` when the state was (re)queued; internal to KeyedStore. */
  queued: number;
}

type Level<S> = Map<string, S | Level<S>>;

/**
 * A map of per-key state with amortized O(1) eviction. Keys are queued when
 * created; a key touched since it was queued is re-queued lazily when it
 * reaches the head, so a touch costs nothing but setting `last`. Empty inner
 * maps are removed with their last key, so memory follows the live keys.
 */
export class KeyedStore<S extends Stamped> {
  private readonly root: Level<S> = new Map();
  private count = 0;
  private queue: S[] = [];
  private head = 0;
  /** Keys dropped because the store reached its cap (not by age). */
  shed = 0;

  /** `depth`: number of key parts after the tenant (0, 1 or 2). */
  constructor(
    private readonly depth: number,
    private readonly maxKeys: number,
  ) {}

  get size(): number {
    return this.count;
  }

  get(k: Key): S | undefined {
    const a = this.root.get(k.k0);
    if (this.depth === 0 || a === undefined) return a as S | undefined;
    const b = (a as Level<S>).get(k.k1!);
    if (this.depth === 1 || b === undefined) return b as S | undefined;
    return (b as Level<S>).get(k.k2!) as S | undefined;
  }

  /** Adds a new state (its key parts and `last` must be set). */
  add(s: S): void {
    s.queued = s.last;
    if (this.depth === 0) this.root.set(s.k0, s);
    else {
      let a = this.root.get(s.k0) as Level<S> | undefined;
      if (!a) this.root.set(s.k0, (a = new Map()));
      if (this.depth === 1) a.set(s.k1!, s);
      else {
        let b = a.get(s.k1!) as Level<S> | undefined;
        if (!b) a.set(s.k1!, (b = new Map()));
        b.set(s.k2!, s);
      }
    }
    this.count++;
    this.queue.push(s);
    if (this.count > this.maxKeys) this.shedOldest();
  }

  /** Removes the state of a key (its queue slot becomes stale and is skipped later). */
  delete(k: Key): void {
    if (this.depth === 0) {
      if (this.root.delete(k.k0)) this.count--;
      return;
    }
    const a = this.root.get(k.k0) as Level<S> | undefined;
    if (!a) return;
    if (this.depth === 1) {
      if (a.delete(k.k1!)) this.count--;
    } else {
      const b = a.get(k.k1!) as Level<S> | undefined;
      if (!b || !b.delete(k.k2!)) return;
      this.count--;
      if (b.size === 0) a.delete(k.k1!);
    }
    if (a.size === 0) this.root.delete(k.k0);
  }

  *values(): IterableIterator<S> {
    for (const a of this.root.values()) {
      if (this.depth === 0) yield a as S;
      else
        for (const b of (a as Level<S>).values()) {
          if (this.depth === 1) yield b as S;
          else yield* (b as Level<S>).values() as IterableIterator<S>;
        }
    }
  }

  /** Removes every state whose last event is before `cutoff`; calls `onEvict` for each. */
  evict(cutoff: number, onEvict?: (s: S) => void): void {
    const q = this.queue;
    while (this.head < q.length) {
      const s = q[this.head]!;
      if (this.get(s) !== s) {
        this.head++; // stale slot: the key was deleted or replaced
        continue;
      }
      if (s.last < cutoff) {
        this.delete(s);
        this.head++;
        onEvict?.(s);
        continue;
      }
      if (s.last !== s.queued) {
        // Touched since queued: move to the tail with its new time.
        s.queued = s.last;
        q.push(s);
        this.head++;
        continue;
      }
      break;
    }
    this.compact();
  }

  /** The least recently queued live state, if any. */
  oldest(): S | undefined {
    for (let i = this.head; i < this.queue.length; i++) {
      const s = this.queue[i]!;
      if (this.get(s) === s) return s;
    }
    return undefined;
  }

  private shedOldest(): void {
    const q = this.queue;
    while (this.head < q.length && this.count > this.maxKeys) {
      const s = q[this.head++]!;
      if (this.get(s) === s) {
        this.delete(s);
        this.shed++;
      }
    }
    this.compact();
  }

  private compact(): void {
    // Drop the consumed prefix once it is most of the array, so the queue stays O(live keys).
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Number of queue slots held (live and stale), for memory-bound tests. */
  get queueLength(): number {
    return this.queue.length - this.head;
  }
}

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
  value: string;
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
  private items: undefined | Tally | Tally[] | Map<string, Tally>;
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

  get(value: string): Tally | undefined {
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
  touch(value: string, t: number, weight: number, marked: boolean, cap: number): Tally | undefined {
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
        } else this.items = new Map([...it.map((x): [string, Tally] => [x.value, x]), [value, e]]);
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
  remove(value: string): void {
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

/**
 * A key's state shared by the detectors that group alike: each keeps its part
 * in its own slot property (`a`..`d`), so the sharing costs no extra array.
 */
export interface Shared extends Stamped {
  a?: unknown;
  b?: unknown;
  c?: unknown;
  d?: unknown;
}

const SLOTS = ['a', 'b', 'c', 'd'] as const;
/** Reads and writes one detector's slot of a shared state. */
export interface Slot {
  get(sh: Shared): unknown;
  set(sh: Shared, v: unknown): void;
}

function slotAccess(i: number): Slot {
  const name = SLOTS[i]!;
  return { get: (sh) => sh[name], set: (sh, v) => void (sh[name] = v) };
}

/**
 * Keyed stores shared by grouping signature and horizon: fast and slow brute
 * force and success-after-failures all key on user+source over the same hour,
 * and one lookup (the main cost per event) then serves all of them. Detectors
 * with other horizons get their own store, so a short window's state does not
 * linger for a long one's sake.
 */
export class SharedStores {
  private readonly stores = new Map<string, { store: KeyedStore<Shared>; slots: number }>();
  /** Slots claimed per store, read when a state is made (after every detector claimed). */
  private readonly widths = new Map<KeyedStore<Shared>, number>();

  constructor(private readonly maxKeys: number) {}

  /** Claims a slot in the store of a grouping signature; `horizon` is how long a key outlives its last event. */
  claim(signature: string, depth: number, horizon: number): { store: KeyedStore<Shared>; slot: Slot; horizon: number } {
    const id = `${signature}|${horizon}`;
    let e = this.stores.get(id);
    if (!e || e.slots >= SLOTS.length) this.stores.set(id, (e = { store: new KeyedStore<Shared>(depth, this.maxKeys), slots: 0 }));
    this.widths.set(e.store, e.slots + 1);
    return { store: e.store, slot: slotAccess(e.slots++), horizon };
  }

  /** Number of slots of a store. */
  width(store: KeyedStore<Shared>): number {
    return this.widths.get(store) ?? SLOTS.length;
  }

  /** Evicts, in every store, the keys idle for longer than its horizon (`now` in epoch ms; stores hold seconds). */
  evict(now: number): void {
    for (const [id, e] of this.stores) e.store.evict(toSec(now - Number(id.slice(id.lastIndexOf('|') + 1))));
  }

  /** Keys shed by the caps, over all stores. */
  get shed(): number {
    let n = 0;
    for (const e of this.stores.values()) n += e.store.shed;
    return n;
  }
}

/** Gets (or creates, with `width` slots) the shared state of `key`, stamping it with `t` (seconds). */
export function sharedState(store: KeyedStore<Shared>, key: Key, t: number, width: number): Shared {
  let sh = store.get(key);
  if (!sh) {
    // Only the claimed slots: every property costs a word in each of many states.
    if (width === 1) sh = { k0: key.k0, k1: key.k1, k2: key.k2, last: t, queued: 0, a: undefined };
    else if (width === 2) sh = { k0: key.k0, k1: key.k1, k2: key.k2, last: t, queued: 0, a: undefined, b: undefined };
    else sh = { k0: key.k0, k1: key.k1, k2: key.k2, last: t, queued: 0, a: undefined, b: undefined, c: undefined, d: undefined };
    store.add(sh);
  } else if (t > sh.last) sh.last = t;
  return sh;
}
