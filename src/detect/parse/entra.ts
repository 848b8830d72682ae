/**
 * `entra-json`: Microsoft Entra ID sign-in logs in the three shapes admins
 * export them:
 * - Microsoft Graph `GET /auditLogs/signIns` (signIn resource, v1.0):
 *   `createdDateTime`, `userPrincipalName`, `ipAddress`, `appDisplayName`,
 *   `status.errorCode`, `status.failureReason`, `status.additionalDetails`,
 *   `conditionalAccessStatus`, `authenticationRequirement`, `clientAppUsed`;
 *   as `{"value":[...]}` pages, an array, or one object per line;
 * - Log Analytics `SigninLogs` rows: `TimeGenerated`, `ResultType`,
 *   `ResultDescription`, `UserPrincipalName`, `IPAddress`, `AppDisplayName`,
 *   `ConditionalAccessStatus`, `AuthenticationRequirement` (dynamic columns may
 *   arrive as JSON text);
 * - diagnostic-settings exports (`category: "SignInLogs"`, `properties: {...}`).
 *
 * Result codes are the AADSTS error codes ("Microsoft Entra authentication and
 * authorization error codes", Microsoft Learn).
 */
import type { AuthEvent, FailureReason } from '../event.js';
import { newEvent, setUser } from './build.js';
import { setSource } from './ip.js';
import { jsonParser, str } from './json-lines.js';
import { parseAnyTime } from './time.js';
import type { ParseContext, SkipReason } from './types.js';

/** AADSTS codes → reasons. Codes not listed are `other`. */
const CODES: Record<number, FailureReason> = {
  50126: 'bad-password', // invalid username or password
  50056: 'bad-password', // invalid or null password
  50053: 'locked', // account locked (smart lockout) or sign-in blocked from a malicious IP
  50055: 'expired', // password expired
  50144: 'expired', // AD password expired
  50133: 'expired', // session invalid: password expired or changed
  50057: 'disabled', // user account disabled
  50034: 'unknown-user', // user not found in the directory
  50020: 'unknown-user', // user from identity provider not in tenant
  90072: 'unknown-user', // external account must be added to the tenant first
  50074: 'mfa-required', // strong authentication required (interrupt)
  50076: 'mfa-required', // MFA required for this location or configuration
  50079: 'mfa-required', // MFA registration required
  50072: 'mfa-required', // MFA enrollment required
  50158: 'mfa-required', // external security challenge not satisfied
  500121: 'mfa-denied', // authentication failed during strong authentication request
  7000215: 'bad-password', // invalid client secret (service principal)
  7000222: 'expired', // client secret expired
};

/** Interrupts that are steps of a normal sign-in, not failures (KMSI prompt, account picker, device check). */
const INTERRUPTS = new Set([50140, 50199, 16000, 16001, 16003, 50125, 50058, 81010, 81012, 50097, 50129]);

const obj = (v: unknown): Record<string, unknown> | undefined => {
  if (typeof v === 'string' && v.startsWith('{')) {
    try {
      const p: unknown = JSON.parse(v);
      return typeof p === 'object' && p !== null ? (p as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
};

/** First defined field among several spellings (Graph camelCase, Log Analytics PascalCase). */
function pick(rec: Record<string, unknown>, ...keys: string[]): unknown {
  for (const k of keys) if (rec[k] !== undefined && rec[k] !== null && rec[k] !== '') return rec[k];
  return undefined;
}

/** MFA step of a strong-authentication failure, from the text Entra gives. */
function mfaOf(text: string): AuthEvent['mfa'] {
  if (/did not respond|timed? ?out|no response/i.test(text)) return 'timeout';
  return 'denied';
}

function mapSignIn(input: Record<string, unknown>, ctx: ParseContext, raw: string): AuthEvent[] | SkipReason {
  // Diagnostic exports put the Graph-shaped record in `properties`.
  const props = obj(input.properties);
  const rec = props ? { ...input, ...props } : input;
  const category = str(rec.category) ?? str(rec.Category);
  if (category && !/signin/i.test(category)) return 'not-auth';
  const time = parseAnyTime(pick(rec, 'createdDateTime', 'TimeGenerated', 'time', 'CreatedDateTime'), ctx);
  if (!Number.isFinite(time)) return 'bad-timestamp';
  const status = obj(pick(rec, 'status', 'Status'));
  const codeText = str(status?.errorCode) ?? str(pick(rec, 'ResultType', 'resultType'));
  const code = Number(codeText);
  if (codeText === undefined || !Number.isInteger(code)) return 'bad-record';
  const upn = str(pick(rec, 'userPrincipalName', 'UserPrincipalName', 'identity'));
  const text = [status?.failureReason, status?.additionalDetails, rec.ResultDescription, rec.resultDescription]
    .filter((s, i, all): s is string => typeof s === 'string' && s !== '' && all.indexOf(s) === i)
    .join('; ');
  const outcome: AuthEvent['outcome'] = code === 0 ? 'success' : INTERRUPTS.has(code) ? 'unknown' : 'failure';
  let reason: FailureReason | undefined = code === 0 ? undefined : (CODES[code] ?? 'other');
  // A sign-in blocked by Conditional Access carries the CA failure, not a credential error.
  if (code === 53003) reason = 'other';
  if (outcome === 'unknown') reason = undefined;
  const ev = newEvent(ctx, raw, time, 'entra', outcome, reason);
  setSource(ev, str(pick(rec, 'ipAddress', 'IPAddress', 'callerIpAddress')));
  setUser(ev, upn);
  ev.target = str(pick(rec, 'appDisplayName', 'AppDisplayName', 'resourceDisplayName', 'ResourceDisplayName'));
  ev.method = str(pick(rec, 'clientAppUsed', 'ClientAppUsed'));
  ev.detail = text ? `${code}: ${text}`.slice(0, 300) : String(code);
  if (reason === 'mfa-required') ev.mfa = 'challenge';
  else if (reason === 'mfa-denied') ev.mfa = mfaOf(text);
  else if (outcome === 'success' && /multiFactor/i.test(str(pick(rec, 'authenticationRequirement', 'AuthenticationRequirement')) ?? '')) {
    ev.mfa = 'approved';
  }
  return [ev];
}

/** Entra ID sign-in log parser (Graph, Log Analytics, diagnostic export). */
export const entraJson = jsonParser({
  name: 'entra-json',
  description: 'Microsoft Entra ID sign-in logs: Graph /auditLogs/signIns JSON, Log Analytics SigninLogs, diagnostic exports',
  detect: (text) =>
    (/"userPrincipalName"/.test(text) && /"(createdDateTime|ipAddress|appDisplayName)"/.test(text)) ||
    (/"UserPrincipalName"/.test(text) && /"ResultType"/.test(text)) ||
    /"category"\s*:\s*"(NonInteractiveUser|ServicePrincipal|ManagedIdentity)?SignInLogs"/i.test(text),
  map: mapSignIn,
});
