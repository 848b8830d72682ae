/**
 * Distributed password spray: many sources, each staying below every
 * per-source threshold, against many users of one tenant (or target) over
 * hours. Per-IP counters (fail2ban, CrowdSec) cannot see it by design: no
 * single source ever looks busy. Here the failures are pooled per tenant and
 * counted by distinct users and distinct quiet sources.
 *
 * - A source with more than `maxPerSource` failures in the window is "loud":
 *   it belongs to the per-source rules and its users are not counted here.
 * - A failure followed within `resolveWithin` by a success of the same user is
 *   a typo, not a spray (the same reasoning as Entra smart lockout, which
 *   tells a familiar user's retries from an attacker's): the user is dropped.
 * - While the alert is open, users join it only once their failure stayed
 *   unresolved for `resolveWithin`, so benign typos never reach the alert.
 */
import type { AuthEvent } from '../event.js';
import { retain, type Evidence } from '../alerts.js';
import { sourceKey, type SourceKey } from '../net.js';
import type { DistributedSprayRule } from '../rules.js';
import { DistinctWindow, type Tally } from '../window.js';
import { KeyedStore, type Key, type Stamped } from '../keyed.js';
import { secs, toMs, toSec } from '../duration.js';
import { compileAllow, compileKey, compileMatch, keyDepth, type Detector, type DetectorDeps, type EventFacts } from './common.js';

interface SprayState extends Stamped {
  tenant: string;
  /** Users with unresolved failures; `tag` is the source address last tried from, `marked` > 0 once committed to the alert. */
  users: DistinctWindow;
  /** Sources (per /64) with their failure counts. */
  sources: DistinctWindow;
  samples: Evidence[];
  evalAt: number;
  /** Users first counted while the alert is open, oldest first, waiting out `resolveWithin`. */
  pending: Tally[];
  /** The last event seen, to describe the alert key. */
  lastEvent: AuthEvent;
}

const EVAL_EVERY = 10_000;
const SYNC_EVERY = 60_000;

/** Detector for one `distributed-spray` rule. */
export class DistributedSprayDetector implements Detector {
  readonly rules: readonly DistributedSprayRule[];
  private readonly match: (e: AuthEvent) => boolean;
  private readonly isSuccess = (e: AuthEvent): boolean => e.outcome === 'success' && (e.activity ?? 'logon') === 'logon';
  private readonly allow: ((e: AuthEvent) => boolean) | undefined;
  private readonly keyOf: (e: AuthEvent, f: EventFacts) => Key | undefined;
  private readonly store: KeyedStore<SprayState>;
  private syncedAt = -Infinity;

  constructor(
    private readonly rule: DistributedSprayRule,
    private readonly deps: DetectorDeps,
  ) {
    this.rules = [rule];
    this.match = compileMatch(rule.match);
    this.allow = compileAllow(rule);
    this.keyOf = compileKey(rule.groupBy);
    this.store = new KeyedStore(keyDepth(rule.groupBy), deps.ruleSet.maxKeysPerRule);
  }

  onEvent(e: AuthEvent, f: EventFacts): void {
    if (e.user === undefined || this.allow?.(e)) return;
    if (this.isSuccess(e)) return this.onSuccess(e, f);
    if (f.source === undefined || !this.match(e)) return;
    const key = this.keyOf(e, f);
    if (key === undefined) return;
    const cap = this.deps.ruleSet.distinctCap;
    let st = this.store.get(key);
    if (!st) {
      st = {
        k0: key.k0,
        k1: key.k1,
        k2: key.k2,
        last: e.time,
        queued: 0,
        tenant: f.tenant,
        users: new DistinctWindow(f.sec),
        sources: new DistinctWindow(f.sec),
        samples: [],
        pending: [],
        evalAt: -Infinity,
        lastEvent: e,
      };
      this.store.add(st);
    } else if (e.time > st.last) st.last = e.time;
    st.lastEvent = e;
    // Tallies hold state seconds, like every other detector's (see toSec).
    const src = st.sources.touch(f.source, f.sec, f.weight, false, cap);
    if (!src || src.n > this.rule.maxPerSource) return; // refused by the cap, or loud
    const u = st.users.touch(e.user, f.sec, f.weight, false, cap);
    if (!u) return;
    u.tag = e.srcIp;
    if (u.n === f.weight && this.deps.book.find(this.rule.id, st)) st.pending.push(u);
    if (st.samples.length >= 4) st.samples.shift();
    st.samples.push({ file: e.file, line: e.line, raw: retain(e.raw) });
    if (st.users.size >= this.rule.threshold && e.time - st.evalAt >= EVAL_EVERY && !this.deps.book.find(this.rule.id, st)) {
      st.evalAt = e.time;
      this.evaluate(st, e);
    }
  }

  private onSuccess(e: AuthEvent, f: EventFacts): void {
    if (this.rule.resolveWithin === 0) return;
    const key = this.keyOf(e, f);
    const st = key === undefined ? undefined : this.store.get(key);
    const u = st?.users.get(e.user!);
    if (!st || !u || u.marked > 0 || f.sec - u.t > secs(this.rule.resolveWithin)) return;
    // A typo followed by a good password: forget the failure and its source's share.
    st.users.remove(u.value);
    const sk = u.tag === undefined ? undefined : sourceKey(u.tag);
    const s = sk === undefined ? undefined : st.sources.get(sk);
    if (s) {
      s.n -= u.n;
      st.sources.total -= u.n;
      if (s.n <= 0) st.sources.remove(s.value);
    }
  }

  private quiet(st: SprayState, u: Tally): boolean {
    if (u.tag === undefined) return false;
    const s = st.sources.get(sourceKey(u.tag));
    return s !== undefined && s.n <= this.rule.maxPerSource;
  }

  private prune(st: SprayState, now: number): void {
    const t = toSec(now);
    if (t - st.users.prunedAt < secs(this.rule.window) / 16) return;
    st.users.prunedAt = t;
    const cutoff = t - secs(this.rule.window);
    st.users.prune(cutoff);
    st.sources.prune(cutoff);
  }

  private evaluate(st: SprayState, e: AuthEvent): void {
    this.prune(st, e.time);
    const users: string[] = [];
    const addrs = new Set<string>();
    const keys = new Set<SourceKey>();
    let count = 0;
    let first = toSec(e.time);
    for (const u of st.users.values()) {
      if (!this.quiet(st, u)) continue;
      users.push(String(u.value));
      addrs.add(u.tag!);
      keys.add(sourceKey(u.tag!));
      count += u.n;
      if (u.t < first) first = u.t;
    }
    if (users.length < this.rule.threshold || keys.size < this.rule.minSources) return;
    for (const u of st.users.values()) if (this.quiet(st, u)) u.marked = 1;
    this.deps.book.openAlert(this.rule, st, st.tenant, e, {
      firstSeen: toMs(first),
      count,
      users,
      sources: addrs,
      sourceKeys: keys,
      evidence: st.samples.slice(0, -1),
    });
  }

  /** Commits users whose failure stayed unresolved for `resolveWithin` to the open alert. */
  private sync(now: number, all: boolean): void {
    const wait = secs(this.rule.resolveWithin);
    for (const st of this.store.values()) {
      const a = this.deps.book.find(this.rule.id, st);
      if (!a) {
        st.pending.length = 0;
        continue;
      }
      let i = 0;
      for (; i < st.pending.length; i++) {
        const u = st.pending[i]!;
        if (u.marked > 0 || st.users.get(u.value) !== u) continue; // committed, resolved or aged out
        if (!all && toSec(now) - u.t < wait) break; // the rest are younger
        if (!this.quiet(st, u)) continue;
        u.marked = 1;
        this.deps.book.merge(a, { time: toMs(u.t), user: String(u.value), srcIp: u.tag, file: '', line: 0, raw: '' }, u.n, undefined);
      }
      st.pending.splice(0, i);
    }
  }

  evict(now: number): void {
    if (now - this.syncedAt >= SYNC_EVERY) {
      this.syncedAt = now;
      this.sync(now, false);
      for (const st of this.store.values()) this.prune(st, now);
    }
    this.store.evict(now - this.rule.window - this.deps.ruleSet.maxDisorder);
  }

  finish(): void {
    this.sync(Infinity, true);
  }

  stateSize(): number {
    let n = 0;
    for (const s of this.store.values()) n += 1 + s.users.size + s.sources.size;
    return n;
  }

  shed(): number {
    return this.store.shed;
  }
}
