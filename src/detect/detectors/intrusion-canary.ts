/**
 * Intrusion canary (CISA AA22-131A, area 12): after an account's password
 * changes, failed sign-ins with the old one mean someone else still holds it.
 * State exists only for accounts whose password changed within the window.
 */
import type { AuthEvent } from '../event.js';
import type { IntrusionCanaryRule } from '../rules.js';
import { ringCount, ringLength, ringPush, ringSpan, type Ring } from '../window.js';
import { KeyedStore, type Key, type Stamped } from '../keyed.js';
import { compileAllow, compileKey, compileMatch, keyDepth, type Detector, type DetectorDeps, type EventFacts } from './common.js';

interface CanaryState extends Stamped, Partial<Ring> {
  changedAt: number;
}

/** Detector for one `intrusion-canary` rule. */
export class IntrusionCanaryDetector implements Detector {
  readonly rules: readonly IntrusionCanaryRule[];
  private readonly isFailure: (e: AuthEvent) => boolean;
  private readonly isChange: (e: AuthEvent) => boolean;
  private readonly allow: ((e: AuthEvent) => boolean) | undefined;
  private readonly keyOf: (e: AuthEvent, f: EventFacts) => Key | undefined;
  private readonly store: KeyedStore<CanaryState>;

  constructor(
    private readonly rule: IntrusionCanaryRule,
    private readonly deps: DetectorDeps,
  ) {
    this.rules = [rule];
    this.isFailure = compileMatch(rule.match);
    this.isChange = compileMatch(rule.change);
    this.allow = compileAllow(rule);
    this.keyOf = compileKey(rule.groupBy);
    this.store = new KeyedStore(keyDepth(rule.groupBy), deps.ruleSet.maxKeysPerRule);
  }

  onEvent(e: AuthEvent, f: EventFacts): void {
    if (this.isChange(e)) {
      const key = this.keyOf(e, f);
      if (key === undefined) return;
      // A new change starts a new watch: the old state (and its count) is replaced.
      this.store.delete(key);
      this.store.add({ k0: key.k0, k1: key.k1, k2: key.k2, last: e.time, queued: 0, changedAt: e.time, ring: undefined, pos: 0 });
      return;
    }
    if (!this.isFailure(e) || this.allow?.(e)) return;
    const key = this.keyOf(e, f);
    const st = key === undefined ? undefined : this.store.get(key);
    if (!st || e.time < st.changedAt || e.time - st.changedAt > this.rule.window) return;
    const open = this.deps.book.find(this.rule.id, st);
    if (open) {
      this.deps.book.merge(open, e, f.weight, f.source);
      return;
    }
    if (e.time > st.last) st.last = e.time;
    if (st.ring === undefined) {
      st.ring = e.time;
      if (f.weight > 1) ringPush(st as Ring, e.time, f.weight - 1, this.rule.threshold);
    } else ringPush(st as Ring, e.time, f.weight, this.rule.threshold);
    const n = ringCount(st as Ring, st.changedAt);
    if (n < this.rule.threshold) return;
    this.deps.book.openAlert(this.rule, st, f.tenant, e, {
      firstSeen: ringSpan(st as Ring, st.changedAt).first,
      count: n,
      sourceKeys: f.source !== undefined ? [f.source] : [],
    });
  }

  evict(now: number): void {
    this.store.evict(now - this.rule.window - this.deps.ruleSet.maxDisorder);
  }

  stateSize(): number {
    let n = 0;
    for (const s of this.store.values()) n += 1 + (s.ring === undefined ? 0 : ringLength(s as Ring));
    return n;
  }

  shed(): number {
    return this.store.shed;
  }
}
