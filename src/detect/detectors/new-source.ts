/**
 * Privileged and MSP accounts signing in from a source never seen for them.
 * The first `learning` stretch of the stream builds each account's known
 * sources without alerting (every source is new on the first day); after it,
 * a success from an unknown source (IPv6 per /64) raises an alert. Known
 * sources are forgotten after `retention` unseen.
 */
import type { AuthEvent } from '../event.js';
import type { NewSourceRule } from '../rules.js';
import { sourceKey, type SourceKey } from '../net.js';
import { KeyedStore, type Key, type Stamped } from '../keyed.js';
import { compileAllow, compileKey, compileMatch, keyDepth, type Detector, type DetectorDeps, type EventFacts } from './common.js';

interface KnownState extends Stamped {
  known: Map<SourceKey, number>;
}

/** Detector for one `new-source` rule. */
export class NewSourceDetector implements Detector {
  readonly rules: readonly NewSourceRule[];
  private readonly match: (e: AuthEvent) => boolean;
  private readonly allow: ((e: AuthEvent) => boolean) | undefined;
  private readonly keyOf: (e: AuthEvent, f: EventFacts) => Key | undefined;
  private readonly store: KeyedStore<KnownState>;
  private learningEnd: number | undefined;
  private prunedAt = -Infinity;

  constructor(
    private readonly rule: NewSourceRule,
    private readonly deps: DetectorDeps,
    /** Sources already known per user (e.g. from the database), learned before the stream. */
    seed: Record<string, string[]> = {},
  ) {
    this.rules = [rule];
    this.match = compileMatch(rule.match);
    this.allow = compileAllow(rule);
    this.keyOf = compileKey(rule.groupBy);
    this.store = new KeyedStore(keyDepth(rule.groupBy), deps.ruleSet.maxKeysPerRule);
    this.seed = seed;
  }

  private readonly seed: Record<string, string[]>;

  onEvent(e: AuthEvent, f: EventFacts): void {
    this.learningEnd ??= e.time + this.rule.learning;
    if (e.user === undefined || f.source === undefined || !this.deps.isPrivileged(e.user)) return;
    if (!this.match(e) || this.allow?.(e)) return;
    const key = this.keyOf(e, f);
    if (key === undefined) return;
    let st = this.store.get(key);
    if (!st) {
      st = { k0: key.k0, k1: key.k1, k2: key.k2, last: e.time, queued: 0, known: new Map() };
      for (const s of this.seed[e.user] ?? []) st.known.set(sourceKey(s), e.time);
      this.store.add(st);
    } else if (e.time > st.last) st.last = e.time;
    const seen = st.known.get(f.source);
    if (seen !== undefined) {
      st.known.set(f.source, Math.max(seen, e.time));
      return;
    }
    if (st.known.size >= this.rule.maxSourcesPerUser) {
      // Forget the least recently inserted source: the map keeps insertion order.
      const oldest = st.known.keys().next();
      if (!oldest.done) st.known.delete(oldest.value);
    }
    st.known.set(f.source, e.time);
    if (e.time < this.learningEnd) return;
    const open = this.deps.book.find(this.rule.id, key);
    if (open) this.deps.book.merge(open, e, f.weight, f.source);
    else this.deps.book.openAlert(this.rule, key, f.tenant, e, { firstSeen: e.time, count: f.weight, sourceKeys: [f.source] });
  }

  evict(now: number): void {
    const cutoff = now - this.rule.retention;
    this.store.evict(cutoff);
    if (now - this.prunedAt < 3_600_000) return;
    this.prunedAt = now;
    for (const st of this.store.values()) {
      if (st.known.size < 32) continue; // small maps are left to the cap
      for (const [s, t] of st.known) if (t < cutoff) st.known.delete(s);
    }
  }

  stateSize(): number {
    let n = 0;
    for (const s of this.store.values()) n += 1 + s.known.size;
    return n;
  }

  shed(): number {
    return this.store.shed;
  }
}
