/**
 * Alerts: one per attack, opened when a rule's condition is met and merged
 * while the attack goes on (new events update counts, entities and lastSeen
 * instead of raising a new alert per window), closed after a quiet gap.
 */
import { createHash } from 'node:crypto';
import { Alert, type Severity } from '../core/index.js';
import type { AuthEvent } from './event.js';
import type { Rule } from './rules.js';
import { sourceKey as toSourceKey, type SourceKey } from './net.js';
import { keyText, KeyedStore, type Key, type KeyPart, type Stamped } from './keyed.js';

/** The parts of an event an alert keeps; synthetic merges pass an empty `raw` and add no evidence. */
export type AlertInput = Pick<AuthEvent, 'time' | 'file' | 'line' | 'raw'> & Partial<Pick<AuthEvent, 'user' | 'srcIp' | 'target' | 'service' | 'userDomain'>>;

/** A sample log line kept as evidence. */
export interface Evidence {
  file: string;
  line: number;
  raw: string;
}

/**
 * An alert as the detectors report it: the core Alert fields plus exact
 * distinct counts (the entity lists are capped, the counts are not, up to
 * the distinct cap, past which `truncated` is set).
 */
export interface DetectionAlert {
  id: string;
  tenant: string;
  detector: string;
  severity: Severity;
  controls: string[];
  title: string;
  entities: { sources: string[]; users: string[]; targets: string[] };
  firstSeen: string;
  lastSeen: string;
  count: number;
  evidence: Evidence[];
  distinctUsers: number;
  distinctSources: number;
  truncated: boolean;
}

/**
 * What an `onAlert` callback or a sink receives: `opened` once, `updated` as
 * the attack goes on (throttled), `closed` once with the final state, when the
 * attack went quiet for the merge gap or the input ended.
 */
export interface AlertEvent {
  type: 'opened' | 'updated' | 'closed';
  alert: DetectionAlert;
}

/**
 * Where alerts go besides the run's result: the CLI's JSON lines, a database,
 * a webhook. `write` sees every opened alert and throttled updates; the same
 * id supersedes what was written before.
 */
export interface AlertSink {
  write(event: AlertEvent): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** Reduces a detection alert to the core Alert record (validated), e.g. for storage. */
export function toCoreAlert(a: DetectionAlert): Alert {
  return Alert.parse({
    id: a.id,
    tenant: a.tenant,
    detector: a.detector,
    severity: a.severity,
    controls: a.controls,
    title: a.title,
    entities: a.entities,
    firstSeen: a.firstSeen,
    lastSeen: a.lastSeen,
    count: a.count,
    evidence: a.evidence,
  });
}

/**
 * Copies a string so that a kept value does not pin the whole read buffer it
 * was sliced from (V8 makes substrings of 13 characters or more as views
 * that keep their parent alive; shorter ones are copies already).
 */
export const retain = (s: string): string => (s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8'));

/** Deterministic alert id: detector + grouping key + first time bucket, so reruns give the same ids. */
export function alertId(detector: string, key: string, firstSeen: number, bucketMs: number): string {
  const bucket = Math.floor(firstSeen / Math.max(bucketMs, 60_000));
  const h = createHash('sha256').update(`${detector}\u0000${key}\u0000${bucket}`).digest('hex').slice(0, 20);
  return `hg-alert-${h}`;
}

/** A key part as text for ids: IPv4 integers back in dotted form. */
function partText(p: string | number | undefined): string | undefined {
  if (typeof p !== 'number') return p;
  const u = p >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`;
}

/** The mutable state of one open alert. */
export class AlertState implements Stamped {
  k0: string;
  k1: KeyPart | undefined;
  k2: KeyPart | undefined;
  last: number;
  queued = 0;
  readonly id: string;
  readonly rule: Rule;
  readonly tenant: string;
  readonly title: string;
  firstSeen: number;
  count = 0;
  severity: Severity;
  readonly users = new Set<string>();
  readonly sources = new Set<string>();
  readonly sourceKeys = new Set<SourceKey>();
  readonly targets = new Set<string>();
  readonly evidence: Evidence[] = [];
  truncated = false;
  emittedCount = 0;
  emittedAt = 0;

  constructor(rule: Rule, key: Key, tenant: string, title: string, firstSeen: number, at: number) {
    this.rule = rule;
    this.k0 = key.k0;
    this.k1 = key.k1;
    this.k2 = key.k2;
    this.tenant = tenant;
    this.title = title;
    this.firstSeen = firstSeen;
    this.last = at;
    this.severity = rule.severity;
    // The key starts with a per-run stand-in for the tenant; the id uses the tenant's name instead.
    this.id = alertId(rule.id, keyText({ k0: tenant, k1: partText(key.k1), k2: partText(key.k2) }), firstSeen, rule.window);
  }
}

/** Limits of the alert book. */
export interface AlertBookOptions {
  onAlert?: (e: AlertEvent) => void;
  /** Entities listed per kind (the counts stay exact). Default 100. */
  entityCap?: number;
  /** Evidence lines per alert. Default 5. */
  evidenceCap?: number;
  /** Exact distinct users/sources counted per alert. Default 4096. */
  distinctCap?: number;
  /** Open alerts per rule before the least recently updated is closed. Default 100 000. */
  maxOpenPerRule?: number;
  /** Alerts kept in the run's result; past it they are still streamed (`closed`) and counted. Default 50 000. */
  maxKept?: number;
}

/** Extra facts a detector hands over when it opens an alert. */
export interface OpenFacts {
  firstSeen: number;
  count: number;
  users?: Iterable<string>;
  sources?: Iterable<string>;
  sourceKeys?: Iterable<SourceKey>;
  /** Earlier sample lines, listed before the triggering one. */
  evidence?: readonly Evidence[];
}

/**
 * Open alerts keyed by rule and grouping key, and the alerts already closed.
 * `updated` events are throttled: one when the count doubles or five minutes
 * of log time passed since the last one; `closed` carries the final state.
 */
export class AlertBook {
  private readonly open = new Map<string, KeyedStore<AlertState>>();
  private readonly done: DetectionAlert[] = [];
  readonly openedByDetector: Record<string, number> = {};
  /** Alerts left out of the result because `maxKept` was reached. */
  dropped = 0;
  private readonly entityCap: number;
  private readonly evidenceCap: number;
  private readonly distinctCap: number;
  private readonly maxOpen: number;
  private readonly maxKept: number;

  constructor(private readonly opts: AlertBookOptions = {}) {
    this.entityCap = opts.entityCap ?? 100;
    this.evidenceCap = opts.evidenceCap ?? 5;
    this.distinctCap = opts.distinctCap ?? 4096;
    this.maxOpen = opts.maxOpenPerRule ?? 100_000;
    this.maxKept = opts.maxKept ?? 50_000;
  }

  private readonly gaps = new Map<string, number>();

  private store(rule: Rule): KeyedStore<AlertState> {
    let s = this.open.get(rule.id);
    if (!s) {
      this.gaps.set(rule.id, mergeGap(rule));
      s = new KeyedStore<AlertState>(Math.min(rule.groupBy.length, 2), Number.MAX_SAFE_INTEGER);
      this.open.set(rule.id, s);
    }
    return s;
  }

  /** The open alert of a rule for a grouping key, if any. */
  find(ruleId: string, key: Key): AlertState | undefined {
    return this.open.get(ruleId)?.get(key);
  }

  /** Opens an alert for `key` triggered by event `e`. */
  openAlert(rule: Rule, key: Key, tenant: string, e: AlertInput, facts: OpenFacts): AlertState {
    const a = new AlertState(rule, key, tenant, `${rule.title}: ${describeKey(rule, e, tenant)}`, facts.firstSeen, e.time);
    a.count = facts.count;
    for (const u of facts.users ?? []) this.addCapped(a, a.users, u);
    for (const s of facts.sources ?? []) if (a.sources.size < this.distinctCap) a.sources.add(s);
    for (const s of facts.sourceKeys ?? []) this.addCapped(a, a.sourceKeys, s);
    for (const ev of facts.evidence ?? []) if (a.evidence.length < this.evidenceCap - 1) a.evidence.push(ev);
    this.addEvent(a, e, undefined);
    const store = this.store(rule);
    store.add(a);
    if (store.size > this.maxOpen) this.closeOldest(store);
    this.openedByDetector[rule.id] = (this.openedByDetector[rule.id] ?? 0) + 1;
    this.emit(a, 'opened');
    return a;
  }

  /** Merges one more event into an open alert (`weight` events, or none when only entities change). */
  merge(a: AlertState, e: AlertInput, weight: number, sourceKey: SourceKey | undefined): void {
    a.count += weight;
    if (e.time > a.last) a.last = e.time;
    if (e.time < a.firstSeen) a.firstSeen = e.time;
    this.addEvent(a, e, sourceKey);
    if (a.count >= a.emittedCount * 2 || a.last - a.emittedAt >= 300_000) this.emit(a, 'updated');
  }

  /** Raises an open alert's severity (never lowers it). */
  escalate(a: AlertState, severity: Severity): void {
    const order: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
    if (order.indexOf(severity) > order.indexOf(a.severity)) {
      a.severity = severity;
    }
  }

  private addCapped<T>(a: AlertState, set: Set<T>, v: T): void {
    if (set.has(v)) return;
    if (set.size >= this.distinctCap) a.truncated = true;
    else set.add(v);
  }

  private addEvent(a: AlertState, e: AlertInput, sourceKey: SourceKey | undefined): void {
    if (e.user) this.addCapped(a, a.users, e.user);
    if (e.srcIp) {
      if (a.sources.size < this.distinctCap) a.sources.add(e.srcIp);
      this.addCapped(a, a.sourceKeys, sourceKey ?? toSourceKey(e.srcIp));
    }
    if (e.target && a.targets.size < this.entityCap) a.targets.add(e.target);
    if (e.raw && a.evidence.length < this.evidenceCap) a.evidence.push({ file: e.file, line: e.line, raw: retain(e.raw) });
  }

  /** Closes alerts idle for longer than their rule's merge gap, as of log time `now`. */
  closeIdle(now: number): void {
    for (const [ruleId, store] of this.open) {
      if (store.size > 0) store.evict(now - this.gaps.get(ruleId)!, this.onClose);
    }
  }

  private readonly onClose = (a: AlertState): void => this.finishAlert(a);

  private closeOldest(store: KeyedStore<AlertState>): void {
    const oldest = store.oldest();
    if (oldest) {
      store.delete(oldest);
      this.finishAlert(oldest);
    }
  }

  private finishAlert(a: AlertState): void {
    const final = snapshot(a, this.entityCap);
    this.opts.onAlert?.({ type: 'closed', alert: final });
    if (this.done.length < this.maxKept) this.done.push(final);
    else this.dropped++;
  }

  /** Closes every open alert (end of input), each with its `closed` event. */
  finish(): void {
    for (const store of this.open.values()) {
      for (const a of store.values()) this.finishAlert(a);
    }
    this.open.clear();
  }

  /** Every alert of the run so far: closed ones, then a snapshot of the open ones. */
  alerts(): DetectionAlert[] {
    const out = [...this.done];
    for (const store of this.open.values()) for (const a of store.values()) out.push(snapshot(a, this.entityCap));
    return out;
  }

  /** Number of open alerts (for memory-bound tests). */
  get openCount(): number {
    let n = 0;
    for (const s of this.open.values()) n += s.size;
    return n;
  }

  private emit(a: AlertState, type: AlertEvent['type']): void {
    a.emittedCount = a.count;
    a.emittedAt = a.last;
    this.opts.onAlert?.({ type, alert: snapshot(a, this.entityCap) });
  }
}

/** How long an alert of `rule` stays open without events: its merge gap, else its window but at least 30 minutes. */
export const mergeGap = (rule: Rule): number => rule.mergeGap ?? Math.max(rule.window, 1_800_000);

function snapshot(a: AlertState, cap: number): DetectionAlert {
  const first = <T>(s: Set<T>): T[] => {
    const out: T[] = [];
    for (const v of s) {
      if (out.length >= cap) break;
      out.push(v);
    }
    return out;
  };
  return {
    id: a.id,
    tenant: a.tenant,
    detector: a.rule.id,
    severity: a.severity,
    controls: [...a.rule.controls],
    title: a.title,
    entities: { sources: first(a.sources), users: first(a.users), targets: first(a.targets) },
    firstSeen: new Date(a.firstSeen).toISOString(),
    lastSeen: new Date(a.last).toISOString(),
    count: a.count,
    evidence: [...a.evidence],
    distinctUsers: a.users.size,
    distinctSources: a.sourceKeys.size,
    truncated: a.truncated,
  };
}

/** Human words for a grouping key: `root from 203.0.113.10 on web01`. */
function describeKey(rule: Rule, e: AlertInput, tenant: string): string {
  const parts: string[] = [];
  for (const f of rule.groupBy) {
    if (f === 'user') parts.push(e.user ?? '(no user)');
    else if (f === 'source') parts.push(`from ${e.srcIp ?? '(no source)'}`);
    else if (f === 'network') parts.push(`from network of ${e.srcIp ?? '(no source)'}`);
    else if (f === 'target') parts.push(`on ${e.target ?? '(no target)'}`);
    else if (f === 'service') parts.push(`via ${e.service ?? '(no service)'}`);
    else if (f === 'userDomain') parts.push(`domain ${e.userDomain ?? '(none)'}`);
  }
  if (!parts.length) parts.push(`tenant ${tenant}`);
  return parts.join(' ');
}
