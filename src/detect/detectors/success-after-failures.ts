/**
 * Success after failures: repeated failures for one group (user and source by
 * default), then a success: the guess worked. Wazuh correlates "multiple
 * failed logins followed by a successful login" the same way; Sentinel's
 * portal brute-force rule counts 5 failures and a success. The failure streak
 * resets on a success below the threshold, as Active Directory resets
 * badPwdCount on a good logon, so a user's occasional typos never add up.
 */
import type { AuthEvent } from '../event.js';
import type { SuccessAfterFailuresRule } from '../rules.js';
import { ringAdd, ringCount, ringLength, ringSpan, type RingLike } from '../window.js';
import { sharedState, type Key, type KeyedStore, type Shared, type Slot } from '../keyed.js';
import { secs, toMs } from '../duration.js';
import { compileAllow, compileKey, compileMatch, keyDepth, type Detector, type DetectorDeps, type EventFacts } from './common.js';

/**
 * The failure streak of a key: a bare time while it is one failure (most
 * keys), else the ring of recent failure times and the streak's total (the
 * ring holds only the last `threshold`, the alert reports all of them).
 */
type Streak = number | { ring: RingLike; failures: number };

/** Detector for one `success-after-failures` rule. */
export class SuccessAfterFailuresDetector implements Detector {
  readonly rules: readonly SuccessAfterFailuresRule[];
  private readonly isFailure: (e: AuthEvent) => boolean;
  private readonly isSuccess: (e: AuthEvent) => boolean;
  private readonly allow: ((e: AuthEvent) => boolean) | undefined;
  private readonly keyOf: (e: AuthEvent, f: EventFacts) => Key | undefined;
  private readonly store: KeyedStore<Shared>;
  private readonly slot: Slot;

  constructor(
    private readonly rule: SuccessAfterFailuresRule,
    private readonly deps: DetectorDeps,
  ) {
    this.rules = [rule];
    this.isFailure = compileMatch(rule.match);
    this.isSuccess = compileMatch(rule.success);
    this.allow = compileAllow(rule);
    this.keyOf = compileKey(rule.groupBy);
    ({ store: this.store, slot: this.slot } = deps.shared.claim(rule.groupBy.join(','), keyDepth(rule.groupBy), rule.window + deps.ruleSet.maxDisorder));
  }

  onEvent(e: AuthEvent, f: EventFacts): void {
    const failure = this.isFailure(e);
    const success = !failure && this.isSuccess(e);
    if ((!failure && !success) || this.allow?.(e)) return;
    const key = this.keyOf(e, f);
    if (key === undefined) return;
    const open = this.deps.book.find(this.rule.id, key);
    if (open) {
      this.deps.book.merge(open, e, f.weight, f.source);
      return;
    }
    if (failure) {
      const sh = sharedState(this.store, key, f.sec, this.deps.shared.width(this.store));
      const st = this.slot.get(sh) as Streak | undefined;
      if (st === undefined && f.weight === 1) this.slot.set(sh, f.sec);
      else if (st === undefined || typeof st === 'number') {
        const ring = ringAdd(st, f.sec, f.weight, this.rule.threshold);
        this.slot.set(sh, { ring, failures: (st === undefined ? 0 : 1) + f.weight });
      } else {
        st.ring = ringAdd(st.ring, f.sec, f.weight, this.rule.threshold);
        st.failures += f.weight;
      }
      return;
    }
    // A success: did enough failures precede it within the window?
    const sh = this.store.get(key);
    const st = (sh && this.slot.get(sh)) as Streak | undefined;
    if (!sh || st === undefined) return;
    const cutoff = f.sec - secs(this.rule.window);
    const ring = typeof st === 'number' ? st : st.ring;
    const failures = typeof st === 'number' ? 1 : st.failures;
    const n = ringCount(ring, cutoff);
    this.slot.set(sh, undefined); // the streak ends with the success either way
    if (n < this.rule.threshold) return;
    this.deps.book.openAlert(this.rule, key, f.tenant, e, {
      firstSeen: toMs(ringSpan(ring, cutoff).first),
      count: failures + f.weight, // the failures and the success
      sourceKeys: f.source !== undefined ? [f.source] : [],
    });
  }

  evict(): void {
    // The shared store is evicted by the engine.
  }

  stateSize(): number {
    let n = 0;
    for (const sh of this.store.values()) {
      const st = this.slot.get(sh) as Streak | undefined;
      if (st !== undefined) n += 1 + ringLength(typeof st === 'number' ? st : st.ring);
    }
    return n;
  }

  shed(): number {
    return 0; // counted by the shared stores
  }
}
