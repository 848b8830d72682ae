/**
 * The built-in detection rules, written the way a user writes a rules file.
 * Each default is a figure from a rule set or a vendor default that rules in
 * practice; docs/detection.md lists them with their tuning advice.
 */

import { controlDefault } from '../catalog/catalog.js';

/** Control ids of the catalog that the detectors evidence. */
export const CONTROLS = {
  bruteForce: 'hg.ctl.prevent.brute-force',
  spraying: 'hg.ctl.prevent.password-spraying',
  failedAuth: 'hg.ctl.immediate.failed-auth-monitoring',
  mfaFatigue: 'hg.ctl.mfa.mfa-fatigue',
  canary: 'hg.ctl.authn.intrusion-canary',
  newSourcePrivileged: 'hg.ctl.authn.new-source-privileged',
} as const;

/**
 * Failures that are password guesses. MFA denials are left out: whoever got
 * that far knew the password, and the MFA rules count those.
 */
const GUESS = { outcome: ['failure'], activity: ['logon'], notReason: ['mfa-denied', 'mfa-required'] };
const SIGN_IN_SUCCESS = { outcome: ['success'], activity: ['logon'] };
// Where a control of the catalog carries a parameter for what a rule measures,
// the rule takes its default from there, so the catalog and the detector agree.
const cat = (id: string, name: string): number => controlDefault(id, name);

const MFA_DENIED = [{ mfa: ['denied', 'timeout'] }, { outcome: ['failure'], reason: ['mfa-denied'] }];

/** Default rules file content (input form: durations as text). */
export const DEFAULT_RULE_FILE: { rules: ({ id: string } & Record<string, unknown>)[] } = {
  rules: [
    {
      // Fast brute force: the catalog's failures/window (10 in 5 minutes) on one account from
      // one source. Entra smart lockout's default threshold is also 10.
      id: 'brute-force.fast',
      kind: 'threshold',
      title: 'Brute force on one account',
      severity: 'medium',
      controls: [CONTROLS.bruteForce, CONTROLS.failedAuth],
      match: GUESS,
      groupBy: ['user', 'source'],
      count: 'events',
      window: `${cat(CONTROLS.bruteForce, 'windowMinutes')}m`,
      threshold: cat(CONTROLS.bruteForce, 'failures'),
      supersedes: ['brute-force.slow'],
    },
    {
      // Slow brute force: below fail2ban's default 5 per 10 min burst rate, still 20 in an hour.
      id: 'brute-force.slow',
      kind: 'threshold',
      title: 'Slow brute force on one account',
      severity: 'medium',
      controls: [CONTROLS.bruteForce, CONTROLS.failedAuth],
      match: GUESS,
      groupBy: ['user', 'source'],
      count: 'events',
      window: '1h',
      threshold: 20,
    },
    {
      // One account under sustained attack, at any rate and from any number of sources:
      // one try every few minutes for hours (low and slow) evades every per-window counter
      // of fail2ban and CrowdSec, and a botnet's tries against one account come from many
      // addresses (the catalog's brute-force control counts "whatever number of source
      // addresses"). Names that do not exist are left out: there is no account to take
      // over, and a botnet's dictionary would otherwise raise one alert per made-up name.
      id: 'brute-force.low-and-slow',
      kind: 'threshold',
      title: 'Sustained failures on one account (low and slow, or from many sources)',
      severity: 'medium',
      controls: [CONTROLS.bruteForce, CONTROLS.failedAuth],
      match: { ...GUESS, notReason: ['mfa-denied', 'mfa-required', 'unknown-user'] },
      groupBy: ['user'],
      count: 'events',
      window: '24h',
      threshold: 12,
    },
    {
      // Password spray from one source: many existing users, few tries each
      // (Microsoft Sentinel's spray rule and Okta/Splunk analytics count >= 10 users per IP).
      id: 'spray.single-source',
      kind: 'threshold',
      title: 'Password spray from one source',
      severity: 'high',
      controls: [CONTROLS.spraying, CONTROLS.failedAuth],
      match: { ...GUESS, notReason: ['mfa-denied', 'mfa-required', 'unknown-user'] },
      groupBy: ['source'],
      count: { distinct: 'user' },
      window: '1h',
      threshold: 10,
      conditions: { maxPerValue: cat(CONTROLS.spraying, 'maxAttemptsPerUser') },
    },
    {
      // Distributed spray: many sources, each below every per-source threshold, against
      // many users of one tenant over hours: the attack per-IP counters cannot see.
      id: 'spray.distributed',
      kind: 'distributed-spray',
      title: 'Distributed password spray',
      severity: 'high',
      controls: [CONTROLS.spraying, CONTROLS.failedAuth],
      match: GUESS,
      groupBy: [],
      window: `${cat(CONTROLS.spraying, 'windowMinutes')}m`,
      threshold: cat(CONTROLS.spraying, 'distinctUsers'),
      minSources: 10,
      maxPerSource: 5,
      resolveWithin: '10m',
    },
    {
      // Credential stuffing: leaked user/password pairs, one try each, from one network,
      // and many of the names do not exist here.
      id: 'credential-stuffing',
      kind: 'threshold',
      title: 'Credential stuffing from one network',
      severity: 'high',
      controls: [CONTROLS.spraying, CONTROLS.failedAuth],
      match: GUESS,
      groupBy: ['network'],
      count: { distinct: 'user' },
      window: '15m',
      threshold: 20,
      conditions: { maxPerValue: 1.5, minShare: { reason: 'unknown-user', share: 0.2 } },
    },
    {
      // User enumeration: many names that do not exist, from one source.
      id: 'user-enumeration',
      kind: 'threshold',
      title: 'User enumeration from one source',
      severity: 'medium',
      controls: [CONTROLS.bruteForce, CONTROLS.failedAuth],
      match: { outcome: ['failure'], reason: ['unknown-user'] },
      groupBy: ['source'],
      count: { distinct: 'user' },
      window: '10m',
      threshold: 10,
    },
    {
      // Failures then a success for the same user and source: the guess worked
      // (Wazuh's "multiple failed logins followed by a successful login", Sentinel's 5 failures + 1 success).
      id: 'success-after-failures',
      kind: 'success-after-failures',
      title: 'Sign-in after repeated failures (likely compromise)',
      severity: 'high',
      controls: [CONTROLS.bruteForce, CONTROLS.failedAuth],
      match: GUESS,
      success: SIGN_IN_SUCCESS,
      groupBy: ['user', 'source'],
      window: '1h',
      threshold: 5,
    },
    {
      // MFA fatigue: repeated denied or unanswered pushes for one user. The catalog's
      // default is 5 prompts in 10 minutes (Splunk's Okta analytic: more than 10 in 5).
      id: 'mfa-fatigue',
      kind: 'threshold',
      title: 'MFA fatigue: repeated denied pushes',
      severity: 'high',
      controls: [CONTROLS.mfaFatigue],
      match: MFA_DENIED,
      groupBy: ['user'],
      count: 'events',
      window: `${cat(CONTROLS.mfaFatigue, 'windowMinutes')}m`,
      threshold: cat(CONTROLS.mfaFatigue, 'prompts'),
    },
    {
      // A push approved right after denials: the user gave in (Elastic's Okta sequence rule).
      id: 'mfa-fatigue.accepted',
      kind: 'success-after-failures',
      title: 'MFA approved after repeated denials',
      severity: 'critical',
      controls: [CONTROLS.mfaFatigue],
      match: MFA_DENIED,
      success: [{ mfa: ['approved'] }, SIGN_IN_SUCCESS],
      groupBy: ['user'],
      window: '30m',
      threshold: 3,
    },
    {
      // Lockout storm: many accounts of one tenant locked out in a short time
      // (Splunk's "multiple accounts locked out" uses a 5-minute window).
      id: 'lockout-storm',
      kind: 'threshold',
      title: 'Lockout storm',
      severity: 'high',
      controls: [CONTROLS.spraying, CONTROLS.failedAuth],
      match: { activity: ['lockout'] },
      groupBy: [],
      count: { distinct: 'user' },
      window: '15m',
      threshold: 5,
    },
    {
      // Intrusion canary (CISA AA22-131A area 12): failures with a password after it was
      // changed mean someone still holds the old one. The catalog's default is a single
      // failure within a day; raise it where owners' devices keep cached passwords.
      id: 'intrusion-canary',
      kind: 'intrusion-canary',
      title: 'Failed sign-ins right after a password change',
      severity: 'high',
      controls: [CONTROLS.canary],
      match: { outcome: ['failure'], notReason: ['mfa-denied', 'mfa-required', 'unknown-user'] },
      change: { activity: ['password-change'] },
      groupBy: ['user'],
      window: `${cat(CONTROLS.canary, 'windowHours')}h`,
      threshold: cat(CONTROLS.canary, 'failures'),
    },
    {
      // Privileged and MSP accounts signing in from a source never seen for them.
      // The set of privileged users comes from the rules file (`privileged.users`) or --privileged.
      id: 'new-source.privileged',
      kind: 'new-source',
      title: 'Privileged account signed in from a new source',
      severity: 'high',
      controls: [CONTROLS.newSourcePrivileged],
      match: SIGN_IN_SUCCESS,
      groupBy: ['user'],
      window: '24h',
      threshold: 1,
      learning: `${cat(CONTROLS.newSourcePrivileged, 'baselineDays')}d`,
      retention: '90d',
    },
  ],
};
