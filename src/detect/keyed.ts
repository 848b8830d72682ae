/**
 * Keyed state of the detectors: grouping keys, the evicting keyed store, and
 * stores shared by detectors that group alike. Memory is bounded by the keys
 * active within a window, never by the input: each store evicts keys whose last
 * event left the window, and a hard cap sheds the least recently seen keys if an
 * attack outgrows it (the shed keys are counted).
 */
import { toSec } from './duration.js';

/**
 * A grouping key: the tenant's stand-in and up to two field values (a third
 * and later fields are joined into the second). Keys are looked up part by
 * part in nested maps rather than as one concatenated string: building and
 * hashing a fresh key string per event costs more than the detection itself.
 */
export interface Key {
  k0: string;
  k1: KeyPart | undefined;
  k2: KeyPart | undefined;
}

/** One part of a key: a field value, or a number for an IPv4 source (see SourceKey). */
export type KeyPart = string | number;

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

type Level<S> = Map<KeyPart, S | Level<S>>;
/** An inner level, which remembers its own key so that states under it can share that value. */
type Inner<S> = Map<KeyPart, S> & { key: KeyPart };

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

  // One-entry cache of the tenant level: a stream is mostly one tenant, and this
  // saves a map lookup on every get.
  private lastK0: string | undefined;
  private lastA: S | Level<S> | undefined;

  private level0(k0: string): S | Level<S> | undefined {
    if (k0 === this.lastK0) return this.lastA;
    const a = this.root.get(k0);
    if (a !== undefined && this.depth > 0) {
      this.lastK0 = k0;
      this.lastA = a;
    }
    return a;
  }

  get(k: Key): S | undefined {
    const a = this.level0(k.k0);
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
      let a = this.level0(s.k0) as Level<S> | undefined;
      if (!a) this.root.set(s.k0, (a = new Map()));
      if (this.depth === 1) a.set(s.k1!, s);
      else {
        let b = a.get(s.k1!) as Inner<S> | undefined;
        if (!b) {
          a.set(s.k1!, (b = new Map() as Inner<S>));
          b.key = s.k1!;
        } else s.k1 = b.key; // share the level's copy of the value: one string per user, not per key
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
    const a = this.level0(k.k0) as Level<S> | undefined;
    if (!a) return;
    if (this.depth === 1) {
      if (a.delete(k.k1!)) this.count--;
    } else {
      const b = a.get(k.k1!) as Level<S> | undefined;
      if (!b || !b.delete(k.k2!)) return;
      this.count--;
      if (b.size === 0) a.delete(k.k1!);
    }
    if (a.size === 0) {
      this.root.delete(k.k0);
      if (this.lastK0 === k.k0) this.lastK0 = this.lastA = undefined;
    }
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
        this.advance(); // stale slot: the key was deleted or replaced
        continue;
      }
      if (s.last < cutoff) {
        this.delete(s);
        this.advance();
        onEvict?.(s);
        continue;
      }
      if (s.last !== s.queued) {
        // Touched since queued: move to the tail with its new time.
        s.queued = s.last;
        q.push(s);
        this.advance();
        continue;
      }
      break;
    }
    this.compact();
  }

  /** Consumes the head slot, clearing it: a consumed slot must not keep its state alive. */
  private advance(): void {
    this.queue[this.head++] = undefined as unknown as S;
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
      const s = q[this.head]!;
      this.advance();
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
