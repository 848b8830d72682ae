/**
 * The detection engine: normalized events in, alerts out. It applies the
 * run-wide filters (time, bounded disorder, allow-lists), computes the facts
 * every detector needs once per event, routes the event to the detectors that
 * can use it, and advances the windows as log time moves.
 */
import type { AuthEvent } from './event.js';
import { AlertBook, retain, type AlertBookOptions, type AlertEvent, type DetectionAlert } from './alerts.js';
import { CidrSet, sourceKey } from './net.js';
import { defaultRuleSet, userMatcher, type MatchFilter, type Rule, type RuleSet, type ThresholdRule } from './rules.js';
import { newFacts, supersededBy, type Detector, type DetectorDeps, type EventFacts } from './detectors/common.js';
import { SharedStores } from './keyed.js';
import { toSec } from './duration.js';
import { ThresholdDetector, thresholdFamily } from './detectors/threshold.js';
import { DistributedSprayDetector } from './detectors/distributed-spray.js';
import { SuccessAfterFailuresDetector } from './detectors/success-after-failures.js';
import { IntrusionCanaryDetector } from './detectors/intrusion-canary.js';
import { NewSourceDetector } from './detectors/new-source.js';

/** Options of a detection run. */
export interface EngineOptions {
  /** Validated rules; the built-in defaults when absent. */
  ruleSet?: RuleSet;
  /** Tenant of events that carry none (else `unassigned`). */
  tenant?: string;
  /** Events before this time (epoch ms) are skipped as `before-since`. */
  since?: number;
  /** Privileged users (patterns with `*`) on top of the rules file's `privileged.users`. */
  privileged?: string[];
  /** Sources already known per privileged user, for the new-source rules. */
  knownSources?: Record<string, string[]>;
  /** Called for every opened alert and for throttled updates. */
  onAlert?: (e: AlertEvent) => void;
  /** Limits of the alert book. */
  alertLimits?: Omit<AlertBookOptions, 'onAlert' | 'distinctCap'>;
}

/** Counters of the detection stage (Vector-style: received, processed, rejected by reason). */
export interface EngineStats {
  received: number;
  processed: number;
  allowListed: number;
  skipped: Record<string, number>;
}

// Windows advance in steps of this much log time: fine next to windows of minutes and hours.
const TICK_MS = 10_000;
const OUTCOMES = ['success', 'failure', 'unknown'] as const;
type Outcome = (typeof OUTCOMES)[number];

function outcomesOf(filters: readonly MatchFilter[]): Set<Outcome> {
  const out = new Set<Outcome>();
  for (const f of filters) for (const o of f.outcome ?? OUTCOMES) out.add(o);
  return out;
}

function ruleOutcomes(r: Rule): Set<Outcome> {
  const s = outcomesOf(r.match);
  if (r.kind === 'success-after-failures') for (const o of outcomesOf(r.success)) s.add(o);
  if (r.kind === 'intrusion-canary') for (const o of outcomesOf(r.change)) s.add(o);
  if (r.kind === 'distributed-spray') s.add('success'); // successes resolve typos
  return s;
}

/** Builds the detectors of a rule set; threshold rules sharing match, grouping and count share one. */
export function buildDetectors(ruleSet: RuleSet, deps: DetectorDeps, knownSources?: Record<string, string[]>): Detector[] {
  const rules = ruleSet.rules.filter((r) => r.enabled);
  const families = new Map<string, ThresholdRule[]>();
  const out: Detector[] = [];
  for (const r of rules) {
    if (r.kind === 'threshold') {
      const k = thresholdFamily(r);
      families.set(k, [...(families.get(k) ?? []), r]);
    } else if (r.kind === 'distributed-spray') out.push(new DistributedSprayDetector(r, deps));
    else if (r.kind === 'success-after-failures') out.push(new SuccessAfterFailuresDetector(r, deps));
    else if (r.kind === 'intrusion-canary') out.push(new IntrusionCanaryDetector(r, deps));
    else out.push(new NewSourceDetector(r, deps, knownSources));
  }
  for (const fam of families.values()) out.push(new ThresholdDetector(fam, deps));
  return out;
}

/** Streams events through every enabled rule and keeps the alerts. */
export class DetectionEngine {
  readonly stats: EngineStats = { received: 0, processed: 0, allowListed: 0, skipped: {} };
  readonly ruleSet: RuleSet;
  readonly book: AlertBook;
  private readonly detectors: Detector[];
  private readonly shared: SharedStores;
  private readonly routes: Record<Outcome, Detector[]>;
  private readonly allowSources: CidrSet;
  private readonly allowUser: (u: string) => boolean;
  private readonly tenant: string;
  private readonly since: number;
  private readonly facts: EventFacts = newFacts();
  private readonly tenantKeys = new Map<string, string>();
  /** Newest event time seen (epoch ms). */
  watermark = -Infinity;
  private nextTick = -Infinity;
  private finished = false;

  constructor(opts: EngineOptions = {}) {
    this.ruleSet = opts.ruleSet ?? defaultRuleSet();
    this.book = new AlertBook({ ...opts.alertLimits, onAlert: opts.onAlert, distinctCap: this.ruleSet.distinctCap });
    const privileged = userMatcher([...this.ruleSet.privileged.users, ...(opts.privileged ?? [])]);
    this.shared = new SharedStores(this.ruleSet.maxKeysPerRule);
    const deps: DetectorDeps = {
      shared: this.shared,
      book: this.book,
      ruleSet: this.ruleSet,
      supersededBy: supersededBy(this.ruleSet.rules),
      isPrivileged: privileged,
    };
    this.detectors = buildDetectors(this.ruleSet, deps, opts.knownSources);
    this.routes = { success: [], failure: [], unknown: [] };
    for (const d of this.detectors) {
      const outs = new Set<Outcome>();
      for (const r of d.rules) for (const o of ruleOutcomes(r)) outs.add(o);
      for (const o of outs) this.routes[o].push(d);
    }
    this.allowSources = new CidrSet(this.ruleSet.allow.sources);
    this.allowUser = userMatcher(this.ruleSet.allow.users);
    this.tenant = opts.tenant ?? 'unassigned';
    this.since = opts.since ?? -Infinity;
  }

  private skip(reason: string): false {
    this.stats.skipped[reason] = (this.stats.skipped[reason] ?? 0) + 1;
    return false;
  }

  /** Feeds one event; returns false when it was skipped or allow-listed. */
  process(e: AuthEvent): boolean {
    this.stats.received++;
    const t = e.time;
    if (!Number.isFinite(t)) return this.skip('bad-time');
    if (t < this.since) return this.skip('before-since');
    // Bounded disorder: syslog relays and multi-threaded writers reorder lines by
    // seconds; an event older than the tolerance would corrupt closed windows.
    if (t < this.watermark - this.ruleSet.maxDisorder) return this.skip('out-of-order');
    if (t > this.watermark) this.watermark = t;
    if ((e.srcIp !== undefined && !this.allowSources.empty && this.allowSources.has(e.srcIp)) || (e.user !== undefined && this.allowUser(e.user))) {
      this.stats.allowListed++;
      return false;
    }
    // Parsers slice user and address out of large read buffers; a slice kept in
    // detector state would pin its whole buffer, so long ones are copied here.
    if (e.user !== undefined && e.user.length >= 13) e.user = retain(e.user);
    if (e.srcIp !== undefined && e.srcIp.length >= 13) e.srcIp = retain(e.srcIp);
    if (e.target !== undefined && e.target.length >= 13) e.target = retain(e.target);
    const f = this.facts;
    f.epoch++;
    f.tenant = e.tenant ?? this.tenant;
    let tk = this.tenantKeys.get(f.tenant);
    if (tk === undefined) this.tenantKeys.set(f.tenant, (tk = String(this.tenantKeys.size)));
    f.tenantKey = tk;
    f.source = e.srcIp === undefined ? undefined : sourceKey(e.srcIp);
    f.weight = e.repeat !== undefined && e.repeat > 1 ? Math.floor(e.repeat) : 1;
    f.now = this.watermark;
    f.sec = toSec(t);
    this.stats.processed++;
    // Advance the windows first, so an attack returning after a quiet gap opens a new alert.
    if (this.watermark >= this.nextTick) this.tick();
    const ds = this.routes[e.outcome] ?? this.routes.unknown;
    for (let i = 0; i < ds.length; i++) ds[i]!.onEvent(e, f);
    return true;
  }

  private tick(): void {
    this.nextTick = this.watermark + TICK_MS;
    for (const d of this.detectors) d.evict(this.watermark);
    this.shared.evict(this.watermark);
    this.book.closeIdle(this.watermark);
  }

  /** End of input: commits pending state and closes every alert; returns all alerts. */
  finish(): DetectionAlert[] {
    if (!this.finished) {
      this.finished = true;
      for (const d of this.detectors) d.finish?.();
      this.book.finish();
    }
    return this.book.alerts();
  }

  /** Every alert so far (snapshots of the open ones included). */
  alerts(): DetectionAlert[] {
    return this.book.alerts();
  }

  /** Keys and values held by all detectors, and open alerts: what memory is proportional to. */
  stateSize(): number {
    return this.detectors.reduce((n, d) => n + d.stateSize(), 0) + this.book.openCount;
  }

  /** Keys shed by the state caps, summed over the detectors. */
  shed(): number {
    return this.detectors.reduce((n, d) => n + d.shed(), this.shared.shed);
  }

  /** Opened alerts per detector id. */
  alertsByDetector(): Record<string, number> {
    return { ...this.book.openedByDetector };
  }
}
