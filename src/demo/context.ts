import { catalog } from '../catalog/catalog.js';
import type { Duty } from '../core/index.js';
import { hash32, type Rng } from './prng.js';
import type { DemoOptions, FlawCode } from './types.js';

/** Options with defaults applied. */
export interface ResolvedOptions {
  customers: number;
  seed: number;
  now: Date;
}

/** Defaults of generateDemo. */
export const DEMO_DEFAULTS: Readonly<ResolvedOptions> = Object.freeze({
  customers: 24,
  seed: 1,
  now: new Date('2026-11-01T00:00:00Z'),
});

/** Applies defaults and rejects options that cannot give a workspace. */
export function resolveOptions(options: DemoOptions = {}): ResolvedOptions {
  const customers = options.customers ?? DEMO_DEFAULTS.customers;
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const now = options.now ?? DEMO_DEFAULTS.now;
  if (!Number.isSafeInteger(customers) || customers < 0) throw new RangeError(`customers must be a non-negative integer, got ${customers}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid date');
  return { customers, seed, now: new Date(now.getTime()) };
}

/** How often a per-customer flaw recurs, and which flaws take precedence over it on one customer. */
interface Placement {
  period: number;
  /** Guarantee at least two hits among the first five customers ("several customers"). */
  several?: boolean;
  /** Flaws that exclude this one on the same customer (a missing plan cannot also lack a playbook). */
  avoid?: readonly FlawCode[];
}

/**
 * Per-customer flaws recur every `period` customers from a seed-chosen first
 * customer among the first five, so each appears at any size of five or more
 * and the share stays stable as the workspace grows.
 */
const PLACEMENT: Partial<Record<FlawCode, Placement>> = {
  'standing-global-admin': { period: 3, several: true },
  'legacy-dap': { period: 4 },
  'gdap-autoextend-global-admin': { period: 5 },
  'shared-admin-credential': { period: 3, several: true },
  'departed-technician-active': { period: 4 },
  'stale-account': { period: 2 },
  'msp-account-in-customer-admin-group': { period: 5 },
  'ended-agreement-standing-access': { period: 7 },
  'notify-confirmed-only': { period: 4 },
  'slow-incident-notification': { period: 5 },
  'unassigned-controls': { period: 3 },
  'short-log-retention': { period: 3 },
  'backup-never-restore-tested': { period: 4 },
  'ir-plan-without-msp-playbook': { period: 4 },
  'ir-plan-not-exercised': { period: 2 },
  'missing-ir-plan': { period: 6, avoid: ['ir-plan-without-msp-playbook', 'ir-plan-not-exercised'] },
  'internet-facing-rdp': { period: 6 },
  'internet-facing-smb': { period: 9 },
  'kev-vulnerable-device': { period: 3 },
  'end-of-life-software': { period: 3 },
};

/** A control of the catalog as the demo's agreements use it. */
export interface DemoControl {
  id: string;
  duty: Duty;
}

/** Everything the per-kind generators share: options, flaw placement and catalog controls. Small and O(1) in customers. */
export interface DemoContext extends ResolvedOptions {
  nowMs: number;
  /** Index of the one hospital customer, or -1 below five customers. */
  hospitalIndex: number;
  controls: readonly DemoControl[];
  /** Does customer `i` carry the placed flaw? */
  has(code: FlawCode, i: number): boolean;
}

/** Builds the shared context of one generateDemo call. */
export function demoContext(options: DemoOptions = {}): DemoContext {
  const opts = resolveOptions(options);
  const first = new Map<FlawCode, number>();
  const rawHit = (code: FlawCode, i: number): boolean => {
    const pl = PLACEMENT[code];
    const r = first.get(code);
    return pl !== undefined && r !== undefined && i % pl.period === r;
  };
  for (const [code, pl] of Object.entries(PLACEMENT) as [FlawCode, Placement][]) {
    const range = pl.several ? 2 : Math.min(pl.period, 5);
    const start = hash32(opts.seed, 'flaw', code) % range;
    let r = start;
    // Pick the first candidate whose first hit no higher-priority flaw claims, so every flaw shows at five customers.
    for (let k = 0; k < range; k++) {
      const cand = (start + k) % range;
      if (!(pl.avoid ?? []).some((a) => rawHit(a, cand))) {
        r = cand;
        break;
      }
    }
    first.set(code, r);
  }
  const has = (code: FlawCode, i: number): boolean =>
    i >= 0 && i < opts.customers && rawHit(code, i) && !(PLACEMENT[code]?.avoid ?? []).some((a) => rawHit(a, i));
  return {
    ...opts,
    nowMs: opts.now.getTime(),
    hospitalIndex: opts.customers >= 5 ? hash32(opts.seed, 'hospital') % opts.customers : -1,
    controls: catalog().controls.map((c) => ({ id: c.id, duty: c.duty })),
    has,
  };
}

/** Milliseconds in a day. */
export const DAY = 86_400_000;

/** ISO timestamp of an instant, truncated to the minute as exports usually are. */
export const isoAt = (ms: number): string => new Date(Math.floor(ms / 60_000) * 60_000).toISOString();

/** ISO timestamp `days` days before `now` (fractional days allowed). */
export const daysAgo = (ctx: DemoContext, days: number): string => isoAt(ctx.nowMs - days * DAY);

/** ISO timestamp `days` days after `now`. */
export const daysAhead = (ctx: DemoContext, days: number): string => isoAt(ctx.nowMs + days * DAY);

/** A random instant between minDays and maxDays before now, at minute resolution. */
export const randomAgo = (ctx: DemoContext, rng: Rng, minDays: number, maxDays: number): string =>
  daysAgo(ctx, minDays + rng.next() * (maxDays - minDays));
