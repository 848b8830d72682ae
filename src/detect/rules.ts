/**
 * Detection rules as data, in the manner of Sigma correlation rules
 * (`event_count` / `value_count` with `group-by`, `timespan` and a
 * threshold condition): every detector is a rule with documented defaults
 * that a user tunes from a YAML or JSON file (`hubguard detect --rules`).
 * The file is validated once, and a bad one is refused listing every problem.
 */
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { HubguardError, Severity, ValidationFailed, type Problem } from '../core/index.js';
import { assertKnownControls } from '../catalog/catalog.js';
import { parseDuration } from './duration.js';
import { isCidr } from './net.js';
import { DEFAULT_RULE_FILE } from './defaults.js';

const OUTCOMES = ['success', 'failure', 'unknown'] as const;
/** Failure reasons a rule can match; `none` matches events that carry no reason. */
const REASONS = ['bad-password', 'unknown-user', 'locked', 'mfa-denied', 'mfa-required', 'expired', 'disabled', 'preauth', 'other', 'none'] as const;
const ACTIVITIES = ['logon', 'lockout', 'password-change', 'mfa'] as const;
const MFA_STEPS = ['challenge', 'approved', 'denied', 'timeout'] as const;

/** Fields an event can be grouped by (the tenant is always part of the key). */
export const GROUP_FIELDS = ['user', 'source', 'network', 'target', 'service', 'userDomain'] as const;
export type GroupField = (typeof GROUP_FIELDS)[number];
/** Fields whose distinct values a rule can count. */
export const DISTINCT_FIELDS = ['user', 'source', 'network', 'target'] as const;
export type DistinctField = (typeof DISTINCT_FIELDS)[number];

const Duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `must be a positive duration such as 90s, 10m, 1h or 7d (got ${JSON.stringify(v)})` });
    return z.NEVER;
  }
  return ms;
});

const Cidr = z.string().refine(isCidr, { message: 'must be an IP address or CIDR range such as 10.0.0.0/8 or 2001:db8::/32' });

/** One conjunctive filter: every listed field must match one of its values. */
const MatchFilter = z.strictObject({
  outcome: z.array(z.enum(OUTCOMES)).min(1).optional(),
  reason: z.array(z.enum(REASONS)).min(1).optional(),
  notReason: z.array(z.enum(REASONS)).min(1).optional(),
  /** Events without an activity are sign-ins (`logon`). */
  activity: z.array(z.enum(ACTIVITIES)).min(1).optional(),
  mfa: z.array(z.enum(MFA_STEPS)).min(1).optional(),
  service: z.array(z.string().min(1)).min(1).optional(),
});
export type MatchFilter = z.output<typeof MatchFilter>;
/** A filter, or a list of filters of which any may match. */
const Match = z.union([MatchFilter, z.array(MatchFilter).min(1)]).transform((m) => (Array.isArray(m) ? m : [m]));

const AllowList = z.strictObject({
  /** Scanners, shared NAT egress, the office: events from these never count. */
  sources: z.array(Cidr).default([]),
  /** Users (case-insensitive, `*` wildcards) whose events never count. */
  users: z.array(z.string().min(1)).default([]),
});
export type AllowList = z.output<typeof AllowList>;

const Base = {
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'must be lower-case letters, digits, dots and dashes'),
  title: z.string().min(1),
  description: z.string().optional(),
  severity: Severity,
  controls: z.array(z.string().regex(/^hg\.ctl\.[a-z0-9-]+\.[a-z0-9-]+$/, 'must look like hg.ctl.<area>.<name>')).min(1),
  enabled: z.boolean().default(true),
  /** Per-rule allow-list, on top of the file's global one. */
  allow: AllowList.default({ sources: [], users: [] }),
  /** How long an alert stays open without new events before the next one is a new attack. */
  mergeGap: Duration.optional(),
  groupBy: z.array(z.enum(GROUP_FIELDS)).default([]),
  match: Match,
  window: Duration,
  threshold: z.number().int().min(1).max(100_000),
};

const ThresholdRule = z.strictObject({
  ...Base,
  kind: z.literal('threshold'),
  /** `events` counts matching events (Sigma event_count); `{distinct: field}` counts values (value_count). */
  count: z.union([z.literal('events'), z.strictObject({ distinct: z.enum(DISTINCT_FIELDS) })]),
  conditions: z
    .strictObject({
      /** The counted events must spread over at least this long (low-and-slow). */
      minSpan: Duration.optional(),
      /** Average events per distinct value at most this (a spray tries each user a few times). */
      maxPerValue: z.number().positive().optional(),
      /** At least this share of the events must carry this reason (credential stuffing hits unknown users). */
      minShare: z.strictObject({ reason: z.enum(REASONS), share: z.number().min(0).max(1) }).optional(),
    })
    .default({}),
  /** Rules with the same grouping whose alerts this one replaces while it is open. */
  supersedes: z.array(z.string()).default([]),
});

const DistributedSprayRule = z.strictObject({
  ...Base,
  kind: z.literal('distributed-spray'),
  /** Distinct sources (IPv6 counted per /64) the failures must come from. */
  minSources: z.number().int().min(1),
  /** A source with more failures than this in the window is left to the per-source rules. */
  maxPerSource: z.number().int().min(1),
  /** A failure followed by a success for the same user within this time is a typo, not a spray. 0 turns it off. */
  resolveWithin: z.union([z.literal(0), Duration]).default(600_000),
});

const SuccessAfterFailuresRule = z.strictObject({
  ...Base,
  kind: z.literal('success-after-failures'),
  /** What the closing success looks like. */
  success: Match,
});

const IntrusionCanaryRule = z.strictObject({
  ...Base,
  kind: z.literal('intrusion-canary'),
  /** What a password change looks like. */
  change: Match,
});

const NewSourceRule = z.strictObject({
  ...Base,
  kind: z.literal('new-source'),
  /** Sources seen in this first stretch of the stream are learned, not alerted. */
  learning: Duration,
  /** A known source is forgotten after this long unseen. */
  retention: Duration,
  maxSourcesPerUser: z.number().int().min(1).default(256),
});

/** A validated rule (durations in milliseconds, match as a list of filters). */
export const Rule = z.discriminatedUnion('kind', [ThresholdRule, DistributedSprayRule, SuccessAfterFailuresRule, IntrusionCanaryRule, NewSourceRule]);
export type Rule = z.output<typeof Rule>;
export type ThresholdRule = z.output<typeof ThresholdRule>;
export type DistributedSprayRule = z.output<typeof DistributedSprayRule>;
export type SuccessAfterFailuresRule = z.output<typeof SuccessAfterFailuresRule>;
export type IntrusionCanaryRule = z.output<typeof IntrusionCanaryRule>;
export type NewSourceRule = z.output<typeof NewSourceRule>;

/** The top level of a rules file; `rules` entries override defaults by id or add new rules. */
const RuleFile = z.strictObject({
  version: z.literal(1).default(1),
  /** How far back in time an event may be and still be counted (bounded disorder). */
  maxDisorder: Duration.default(300_000),
  allow: AllowList.default({ sources: [], users: [] }),
  privileged: z.strictObject({ users: z.array(z.string().min(1)).default([]) }).default({ users: [] }),
  /** When true, only the file's rules run; otherwise they are merged over the defaults by id. */
  replaceDefaults: z.boolean().default(false),
  /** Per-key state cap of each rule: past it, the least recently seen keys are shed (and counted). */
  maxKeysPerRule: z.number().int().min(1_000).default(400_000),
  /** Cap of exact distinct-value sets (users, sources) kept per key and per alert. */
  distinctCap: z.number().int().min(16).max(1_000_000).default(4_096),
  rules: z.array(z.looseObject({ id: z.string() })).default([]),
});

/** A validated set of rules and the settings that go with them. */
export interface RuleSet {
  rules: Rule[];
  allow: AllowList;
  privileged: { users: string[] };
  maxDisorder: number;
  maxKeysPerRule: number;
  distinctCap: number;
}

function problemsOf(err: z.ZodError, file: string, prefix: (string | number)[] = []): Problem[] {
  return err.issues.map((i) => ({
    code: 'HG_ERR_CONFIG' as const,
    message: i.message,
    location: { file, field: [...prefix, ...i.path].map(String).join('.') || undefined },
  }));
}

function mergeRule(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base, ...over };
  for (const k of ['conditions', 'allow'] as const) {
    const b = base[k];
    const o = over[k];
    if (b && typeof b === 'object' && o && typeof o === 'object' && !Array.isArray(o)) out[k] = { ...b, ...o };
  }
  return out;
}

/**
 * Validates a parsed rules document (from YAML or JSON) merged over the
 * defaults. Throws ValidationFailed (HG_ERR_CONFIG) listing every problem.
 */
export function buildRuleSet(doc: unknown, file = '<rules>'): RuleSet {
  const top = RuleFile.safeParse(doc ?? {});
  if (!top.success) throw new ValidationFailed(problemsOf(top.error, file));
  const f = top.data;
  const defaults = f.replaceDefaults ? [] : DEFAULT_RULE_FILE.rules;
  const merged = new Map<string, { raw: Record<string, unknown>; index: number | undefined }>();
  for (const r of defaults) merged.set(r.id, { raw: r as Record<string, unknown>, index: undefined });
  const problems: Problem[] = [];
  f.rules.forEach((r, index) => {
    const prev = merged.get(r.id);
    if (prev && prev.index !== undefined) {
      problems.push({ code: 'HG_ERR_CONFIG', message: `rule id '${r.id}' is given twice (first at rules.${prev.index})`, location: { file, field: `rules.${index}.id` } });
      return;
    }
    merged.set(r.id, { raw: prev ? mergeRule(prev.raw, r) : r, index });
  });
  const rules: Rule[] = [];
  for (const { raw, index } of merged.values()) {
    const parsed = Rule.safeParse(raw);
    if (!parsed.success) {
      problems.push(...problemsOf(parsed.error, file, index === undefined ? ['defaults', String(raw.id)] : ['rules', index]));
      continue;
    }
    rules.push(parsed.data);
  }
  const ids = new Set(rules.map((r) => r.id));
  for (const r of rules) {
    const where = { file, field: `rules.${String(r.id)}` };
    if (r.kind === 'threshold') {
      for (const s of r.supersedes) {
        const other = rules.find((o) => o.id === s);
        if (!ids.has(s)) problems.push({ code: 'HG_ERR_CONFIG', message: `supersedes unknown rule '${s}'`, location: where });
        else if (other && other.groupBy.join() !== r.groupBy.join()) {
          problems.push({ code: 'HG_ERR_CONFIG', message: `supersedes '${s}', which groups by other fields`, location: where });
        }
      }
    }
    try {
      assertKnownControls(r.controls, `rule ${r.id}`);
    } catch (e) {
      problems.push({ code: 'HG_ERR_UNKNOWN_CONTROL', message: (e as Error).message, location: { ...where, field: `${where.field}.controls` } });
    }
    if (r.kind === 'new-source' && !r.groupBy.includes('user')) {
      problems.push({ code: 'HG_ERR_CONFIG', message: 'a new-source rule must group by user', location: where });
    }
  }
  if (problems.length) throw new ValidationFailed(problems);
  return {
    rules,
    allow: f.allow,
    privileged: f.privileged,
    maxDisorder: f.maxDisorder,
    maxKeysPerRule: f.maxKeysPerRule,
    distinctCap: f.distinctCap,
  };
}

/** Parses rules file text (YAML, of which JSON is a subset) and validates it. */
export function parseRuleFile(text: string, file: string): RuleSet {
  let doc: unknown;
  try {
    // maxAliasCount guards against alias-expansion bombs ("billion laughs" in YAML form).
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    const e = err as { message?: string; linePos?: { line: number; col: number }[] };
    const pos = e.linePos?.[0];
    throw new HubguardError('HG_ERR_YAML', e.message?.split('\n')[0], { file, line: pos?.line, column: pos?.col }, { cause: err });
  }
  return buildRuleSet(doc, file);
}

/** The built-in rules with their documented defaults. */
export const defaultRuleSet = (): RuleSet => buildRuleSet({}, '<defaults>');

/** Compiles a user pattern (`adm-*`, `*@msp.example`) into a case-insensitive test. */
export function userMatcher(patterns: readonly string[]): (user: string) => boolean {
  if (!patterns.length) return () => false;
  const exact = new Set<string>();
  const res: RegExp[] = [];
  for (const p of patterns) {
    const lower = p.toLowerCase();
    if (!lower.includes('*')) exact.add(lower);
    else res.push(new RegExp(`^${lower.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  }
  return (user) => {
    const u = user.toLowerCase();
    return exact.has(u) || res.some((r) => r.test(u));
  };
}
