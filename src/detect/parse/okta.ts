/**
 * `okta-json`: the Okta System Log (`GET /api/v1/logs`, LogEvent objects) as
 * an API array, a pretty-printed export or JSON lines. Fields: `eventType`,
 * `published`, `actor.alternateId`, `client.ipAddress` (or the first
 * `request.ipChain` hop), `outcome.result` (SUCCESS, FAILURE, DENY, ...),
 * `outcome.reason`, `target[]`, `authenticationContext.credentialType`.
 *
 * Event types read: sign-ins (`user.session.start`, `user.authentication.*`),
 * MFA steps (`user.authentication.auth_via_mfa`, Okta Verify push sent /
 * denied), lockouts (`user.account.lock*`) and password changes. Others are
 * `not-auth`.
 */
import type { AuthEvent, FailureReason } from '../event.js';
import { newEvent, setUser } from './build.js';
import { setSource } from './ip.js';
import { jsonParser, path, str } from './json-lines.js';
import { reasonFromText } from './reason.js';
import { parseAnyTime } from './time.js';
import type { ParseContext, SkipReason } from './types.js';

type Kind = 'logon' | 'mfa' | 'push-sent' | 'push-denied' | 'lockout' | 'password';

const TYPES: Record<string, Kind> = {
  'user.session.start': 'logon',
  'user.authentication.sso': 'logon',
  'user.authentication.verify': 'logon',
  'user.authentication.auth_via_IDP': 'logon',
  'user.authentication.auth_via_social': 'logon',
  'user.authentication.auth_via_radius': 'logon',
  'user.authentication.auth_via_richclient': 'logon',
  'user.authentication.authenticate': 'logon',
  'user.authentication.auth_via_mfa': 'mfa',
  'system.push.send_factor_verify_push': 'push-sent',
  'user.mfa.okta_verify.deny_push': 'push-denied',
  'user.mfa.okta_verify.deny_push_upgrade_needed': 'push-denied',
  'user.account.lock': 'lockout',
  'user.account.lock.limit': 'lockout',
  'user.account.update_password': 'password',
  'user.account.reset_password': 'password',
};

/** Okta `outcome.reason` tokens → reasons. */
const REASONS: Record<string, FailureReason> = {
  INVALID_CREDENTIALS: 'bad-password',
  // Okta answers VERIFICATION_ERROR when the sign-in name matches no user.
  VERIFICATION_ERROR: 'unknown-user',
  LOCKED_OUT: 'locked',
  PASSWORD_EXPIRED: 'expired',
};

const first = (v: unknown): Record<string, unknown> | undefined =>
  Array.isArray(v) && typeof v[0] === 'object' && v[0] !== null ? (v[0] as Record<string, unknown>) : undefined;

/** The target of a given type (`User`, `AppInstance`) in `target[]`. */
function targetOf(rec: Record<string, unknown>, type: string): Record<string, unknown> | undefined {
  const t = rec.target;
  if (!Array.isArray(t)) return undefined;
  return t.find((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && (x as { type?: unknown }).type === type);
}

function mapLog(rec: Record<string, unknown>, ctx: ParseContext, raw: string): AuthEvent[] | SkipReason {
  const type = str(rec.eventType);
  if (type === undefined) return 'bad-record';
  const kind = TYPES[type];
  if (!kind) return 'not-auth';
  const time = parseAnyTime(rec.published, ctx);
  if (!Number.isFinite(time)) return 'bad-timestamp';
  const result = (str(path(rec, 'outcome.result')) ?? '').toUpperCase();
  const why = str(path(rec, 'outcome.reason'));
  const ev = newEvent(ctx, raw, time, 'okta', 'unknown');
  const failed = result === 'FAILURE' || result === 'DENY';
  if (result === 'SUCCESS' || result === 'ALLOW') ev.outcome = 'success';
  else if (failed) ev.outcome = 'failure';
  setSource(ev, str(path(rec, 'client.ipAddress')) ?? str(first(path(rec, 'request.ipChain'))?.ip));
  // Password resets by an administrator name the admin as actor and the account as target.
  const user = kind === 'password' ? (str(targetOf(rec, 'User')?.alternateId) ?? str(path(rec, 'actor.alternateId'))) : str(path(rec, 'actor.alternateId'));
  setUser(ev, user);
  ev.target = str(targetOf(rec, 'AppInstance')?.displayName) ?? 'okta';
  ev.method = str(path(rec, 'authenticationContext.credentialType'))?.toLowerCase();
  ev.detail = why ? `${type}: ${why}` : type;
  switch (kind) {
    case 'logon':
      if (failed) ev.reason = (why ? REASONS[why.toUpperCase()] : undefined) ?? reasonFromText(why);
      break;
    case 'mfa':
      ev.activity = 'mfa';
      ev.mfa = failed ? 'denied' : ev.outcome === 'success' ? 'approved' : undefined;
      if (failed) ev.reason = 'mfa-denied';
      break;
    case 'push-sent':
      ev.activity = 'mfa';
      ev.mfa = 'challenge';
      ev.outcome = 'unknown';
      break;
    case 'push-denied':
      ev.activity = 'mfa';
      ev.mfa = 'denied';
      ev.outcome = 'failure';
      ev.reason = 'mfa-denied';
      break;
    case 'lockout':
      ev.activity = 'lockout';
      ev.outcome = 'unknown';
      ev.reason = 'locked';
      break;
    case 'password':
      ev.activity = 'password-change';
      break;
  }
  return [ev];
}

/** Okta System Log parser. */
export const oktaJson = jsonParser({
  name: 'okta-json',
  description: 'Okta System Log events (API /api/v1/logs JSON, exports, JSON lines)',
  detect: (text) => /"eventType"\s*:/.test(text) && /"(published|actor|outcome)"\s*:/.test(text),
  prefilter: (text) => /"(user\.(session\.start|authentication\.|mfa\.okta_verify\.deny|account\.(lock|update_password|reset_password))|system\.push\.send_factor)/.test(text),
  map: mapLog,
});
