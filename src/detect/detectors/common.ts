/** What every detector shares: the event facts computed once, matching, grouping keys. */
import type { AuthEvent } from '../event.js';
import type { AlertBook } from '../alerts.js';
import { SEP, type Key, type KeyPart, type SharedStores } from '../keyed.js';
import { CidrSet, networkKey, type SourceKey } from '../net.js';
import { userMatcher, type GroupField, type MatchFilter, type Rule, type RuleSet } from '../rules.js';

/** Facts about one event, computed once by the engine and shared by every detector. */
export interface EventFacts {
  /** The event's tenant, or the run's default, or `unassigned`. */
  tenant: string;
  /** Short stand-in for the tenant inside grouping keys (keys are many; tenants few). */
  tenantKey: string;
  /** Event counter: grouping keys cached for this event are valid while it is unchanged. */
  epoch: number;
  /** Grouping keys computed for this event, by key slot (see `compileKey`). */
  keys: (Key | undefined)[];
  keyEpochs: number[];
  /** Reusable key objects, by key slot. */
  keyObjs: Key[];
  /** Source counting key: IPv4 address as an integer or IPv6 /64 (see SourceKey); undefined without a source. */
  source: SourceKey | undefined;
  /** How many attempts the event stands for (`repeat`, at least 1). */
  weight: number;
  /** Newest event time seen so far (the watermark), epoch ms. */
  now: number;
  /** The event's time in state seconds (see `toSec`): what keyed state records. */
  sec: number;
}

/** A detector: one or more rules of one kind sharing their per-key state. */
export interface Detector {
  readonly rules: readonly Rule[];
  /** Feeds one event (already past the engine's global filters). */
  onEvent(e: AuthEvent, f: EventFacts): void;
  /** Drops state that left every window, as of log time `now`. */
  evict(now: number): void;
  /** End of input: commit anything pending. */
  finish?(): void;
  /** Number of keys and values held, for memory-bound checks. */
  stateSize(): number;
  /** Keys shed because a state cap was reached. */
  shed(): number;
}

/** What a detector is built with. */
export interface DetectorDeps {
  book: AlertBook;
  ruleSet: RuleSet;
  /** For each rule id, the ids of the rules that supersede it (see `supersededBy`). */
  supersededBy: Map<string, string[]>;
  /** Whether a user is privileged (for the new-source rules). */
  isPrivileged: (user: string) => boolean;
  /** Keyed stores shared by detectors that group alike. */
  shared: SharedStores;
}

/** Compiles a rule's match (any of its filters) into a predicate. */
export function compileMatch(filters: readonly MatchFilter[]): (e: AuthEvent) => boolean {
  const preds = filters.map((f) => {
    const outcome = f.outcome && new Set<string>(f.outcome);
    const reason = f.reason && new Set<string>(f.reason);
    const notReason = f.notReason && new Set<string>(f.notReason);
    const activity = f.activity && new Set<string>(f.activity);
    const mfa = f.mfa && new Set<string>(f.mfa);
    const service = f.service && new Set<string>(f.service);
    return (e: AuthEvent): boolean =>
      (!outcome || outcome.has(e.outcome)) &&
      (!reason || reason.has(e.reason ?? 'none')) &&
      (!notReason || !notReason.has(e.reason ?? 'none')) &&
      (!activity || activity.has(e.activity ?? 'logon')) &&
      (!mfa || (e.mfa !== undefined && mfa.has(e.mfa))) &&
      (!service || service.has(e.service));
  });
  if (preds.length === 1) return preds[0]!;
  return (e) => preds.some((p) => p(e));
}

/** Key slots by grouping signature, shared by every engine. */
const slots = new Map<string, number>();

/** New per-event facts with an empty key cache. */
export const newFacts = (): EventFacts => ({ tenant: '', tenantKey: '', epoch: 0, keys: [], keyEpochs: [], keyObjs: [], source: undefined, weight: 1, now: 0, sec: 0 });

/** How many key parts follow the tenant for a grouping (fields past the second are joined into it). */
export const keyDepth = (groupBy: readonly GroupField[]): number => Math.min(groupBy.length, 2);

type Getter = (e: AuthEvent, f: EventFacts) => KeyPart | undefined;

function getter(g: GroupField): Getter {
  switch (g) {
    case 'user':
      return (e) => e.user;
    case 'source':
      return (_e, f) => f.source;
    case 'network':
      return (e) => (e.srcIp ? networkKey(e.srcIp) : undefined);
    case 'target':
      return (e) => e.target ?? '';
    case 'service':
      return (e) => e.service;
    case 'userDomain':
      return (e) => e.userDomain ?? '';
  }
}

/**
 * Builds the grouping key of an event (tenant first, so tenants never mix),
 * or undefined when the event lacks a field the rule groups by. Rules that
 * group alike share the key, computed once per event. The returned object is
 * reused for the next event: copy its parts to keep them.
 */
export function compileKey(groupBy: readonly GroupField[]): (e: AuthEvent, f: EventFacts) => Key | undefined {
  const sig = groupBy.join(',');
  let slot = slots.get(sig);
  if (slot === undefined) slots.set(sig, (slot = slots.size));
  const s = slot;
  const gs = groupBy.map(getter);
  const g1 = gs[0];
  const g2 = gs[1];
  const rest = gs.slice(2);
  const build = (e: AuthEvent, f: EventFacts, k: Key): Key | undefined => {
    k.k0 = f.tenantKey;
    k.k1 = undefined;
    k.k2 = undefined;
    if (!g1) return k;
    if ((k.k1 = g1(e, f)) === undefined) return undefined;
    if (!g2) return k;
    let v = g2(e, f);
    for (const g of rest) {
      const w = g(e, f);
      if (w === undefined || v === undefined) return undefined;
      v = `${v}${SEP}${w}`;
    }
    if ((k.k2 = v) === undefined) return undefined;
    return k;
  };
  return (e, f) => {
    if (f.keyEpochs[s] === f.epoch) return f.keys[s];
    const obj = (f.keyObjs[s] ??= { k0: '', k1: undefined, k2: undefined });
    const k = build(e, f, obj);
    f.keys[s] = k;
    f.keyEpochs[s] = f.epoch;
    return k;
  };
}

/** The value of a distinct-count field for an event. */
export function distinctValue(field: 'user' | 'source' | 'network' | 'target', e: AuthEvent, f: EventFacts): KeyPart | undefined {
  switch (field) {
    case 'user':
      return e.user;
    case 'source':
      return f.source;
    case 'network':
      return e.srcIp ? networkKey(e.srcIp) : undefined;
    case 'target':
      return e.target;
  }
}

/**
 * Compiles a rule's own allow-list into a predicate (true: the event is
 * allow-listed for this rule), or undefined when the list is empty.
 */
export function compileAllow(rule: Rule): ((e: AuthEvent) => boolean) | undefined {
  const { sources, users } = rule.allow;
  if (!sources.length && !users.length) return undefined;
  const cidrs = new CidrSet(sources);
  const user = userMatcher(users);
  return (e) => (e.srcIp !== undefined && cidrs.has(e.srcIp)) || (e.user !== undefined && user(e.user));
}

/**
 * For each rule, the rules that supersede it: while one of those has an open
 * alert for a key, the superseded rule opens none for that key.
 */
export function supersededBy(rules: readonly Rule[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of rules) {
    if (r.kind !== 'threshold') continue;
    for (const s of r.supersedes) out.set(s, [...(out.get(s) ?? []), r.id]);
  }
  return out;
}
