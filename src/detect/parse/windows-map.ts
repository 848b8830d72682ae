/**
 * Windows Security audit events → authentication events, shared by the XML,
 * EVTX and Winlogbeat readers. Field names are those of the events'
 * `EventData` (Microsoft Learn, "Audit logon events" / "Advanced security
 * audit policy" pages for 4624, 4625, 4648, 4740, 4768, 4771, 4776, 4723, 4724).
 *
 * Failure codes: 4625 and 4776 carry NTSTATUS values (`Status`, `SubStatus`;
 * when Status is the generic 0xC000006D/0xC000006E the SubStatus says why);
 * 4768 and 4771 carry Kerberos error codes (RFC 4120 §7.5.9).
 */
import type { AuthEvent, FailureReason } from '../event.js';
import { newEvent, setUser, toPort } from './build.js';
import { setSource } from './ip.js';
import type { ParseContext, SkipReason } from './types.js';

/** One Windows event reduced to what the mapping needs. */
export interface WinRecord {
  eventId: number;
  /** Epoch ms (System/TimeCreated/@SystemTime). */
  time: number;
  /** System/Computer: the machine that logged it. */
  computer?: string;
  /** System/Keywords: `0x8020000000000000` audit success, `0x8010000000000000` audit failure (or the words). */
  keywords?: string;
  /** EventData name → value. */
  data: Record<string, string | undefined>;
}

/** NTSTATUS codes of failed logons (MS-ERREF §2.3.1, as listed for event 4625). */
const NTSTATUS: Record<number, FailureReason> = {
  0xc000006a: 'bad-password',
  0xc0000064: 'unknown-user',
  0xc0000234: 'locked',
  0xc0000072: 'disabled',
  0xc0000071: 'expired', // password expired
  0xc0000193: 'expired', // account expired
  0xc0000224: 'expired', // password must change at next logon
  0xc000006f: 'other', // outside allowed hours
  0xc0000070: 'other', // workstation restriction
  0xc000015b: 'other', // logon type not granted
  0xc0000133: 'other', // clock skew
  0xc0000413: 'other', // authentication firewall
};

/** Kerberos KDC error codes (RFC 4120 §7.5.9; as listed for events 4768 and 4771). */
const KERBEROS: Record<number, FailureReason> = {
  0x6: 'unknown-user', // KDC_ERR_C_PRINCIPAL_UNKNOWN
  0x12: 'locked', // KDC_ERR_CLIENT_REVOKED: disabled, expired or locked out
  0x17: 'expired', // KDC_ERR_KEY_EXPIRED: password expired
  0x18: 'bad-password', // KDC_ERR_PREAUTH_FAILED
  0x25: 'other', // KRB_AP_ERR_SKEW
};

/** Parses `0xC000006A` / `0x18` / `3221225578` into a number; NaN when absent. */
export function statusCode(v: string | undefined): number {
  if (v === undefined) return NaN;
  const s = v.trim();
  if (/^0x[0-9a-f]+$/i.test(s)) return parseInt(s.slice(2), 16);
  if (/^\d+$/.test(s)) return Number(s);
  return NaN;
}

/** Failure reason of an NTSTATUS pair: the SubStatus is the specific one when Status is generic. */
export function ntReason(status: string | undefined, sub: string | undefined): FailureReason {
  const st = statusCode(status);
  const ss = statusCode(sub);
  if ((st === 0xc000006d || st === 0xc000006e || Number.isNaN(st)) && ss && NTSTATUS[ss]) return NTSTATUS[ss] as FailureReason;
  return NTSTATUS[st] ?? (ss ? (NTSTATUS[ss] ?? 'other') : 'other');
}

/** Kerberos failure reason. */
export function krbReason(status: string | undefined): FailureReason {
  return KERBEROS[statusCode(status)] ?? 'other';
}

/** Accounts that are the system itself, not a person or service signing in. */
const SYSTEM_SIDS = new Set(['S-1-5-18', 'S-1-5-19', 'S-1-5-20', 'S-1-5-7']);

/** Whether the audit outcome in Keywords is a failure (bit 52, 0x0010000000000000) or says so in words. */
function keywordFailure(k: string | undefined): boolean | undefined {
  if (!k) return undefined;
  const s = k.trim().toLowerCase();
  if (s.includes('failure')) return true;
  if (s.includes('success')) return false;
  if (/^0x[0-9a-f]+$/.test(s)) {
    const v = BigInt(s);
    if (v & 0x10000000000000n) return true;
    if (v & 0x20000000000000n) return false;
  }
  return undefined;
}

const clean = (v: string | undefined): string | undefined => {
  const s = v?.trim();
  return s && s !== '-' && s !== '' ? s : undefined;
};

/** The event IDs this mapping reads. */
export const WINDOWS_EVENT_IDS = new Set([4624, 4625, 4648, 4740, 4768, 4771, 4776, 4723, 4724]);

/** Maps one Windows event; other event IDs are `not-auth`. */
export function mapWindows(r: WinRecord, ctx: ParseContext, raw: string): AuthEvent[] | SkipReason {
  if (!WINDOWS_EVENT_IDS.has(r.eventId)) return 'not-auth';
  if (!Number.isFinite(r.time)) return 'bad-timestamp';
  const d = r.data;
  const ev = newEvent(ctx, raw, r.time, 'windows', 'unknown');
  ev.target = clean(r.computer)?.toLowerCase();
  ev.detail = String(r.eventId);
  setSource(ev, clean(d.IpAddress));
  ev.srcPort = toPort(clean(d.IpPort));
  switch (r.eventId) {
    case 4624:
    case 4625: {
      const lt = Number(d.LogonType);
      if (Number.isInteger(lt)) ev.logonType = lt;
      // Service (5) and system (0) logons are the OS starting its own services, not sign-ins.
      if (r.eventId === 4624 && (lt === 5 || lt === 0 || SYSTEM_SIDS.has(d.TargetUserSid ?? ''))) return 'not-auth';
      setUser(ev, clean(d.TargetUserName), clean(d.TargetDomainName));
      if (!ev.srcIp && !ev.srcHost) setSource(ev, clean(d.WorkstationName));
      ev.method = clean(d.AuthenticationPackageName)?.toLowerCase();
      if (r.eventId === 4624) ev.outcome = 'success';
      else {
        ev.outcome = 'failure';
        ev.reason = ntReason(clean(d.Status), clean(d.SubStatus));
        const sub = clean(d.SubStatus);
        ev.detail = `4625 ${(sub && statusCode(sub) !== 0 ? sub : clean(d.Status)) ?? ''}`.trim();
      }
      return [ev];
    }
    case 4648:
      // A logon attempted with explicit credentials (runas, mapped drives, lateral movement):
      // logged before the outcome is known.
      setUser(ev, clean(d.TargetUserName), clean(d.TargetDomainName));
      ev.target = clean(d.TargetServerName)?.toLowerCase() ?? ev.target;
      ev.detail = `4648 by ${clean(d.SubjectDomainName) ?? ''}\\${clean(d.SubjectUserName) ?? ''}`;
      return [ev];
    case 4740:
      // TargetDomainName of 4740 is the caller computer: the machine the bad passwords came from.
      setUser(ev, clean(d.TargetUserName));
      setSource(ev, clean(d.TargetDomainName));
      ev.activity = 'lockout';
      ev.reason = 'locked';
      return [ev];
    case 4768:
    case 4771: {
      setUser(ev, clean(d.TargetUserName), r.eventId === 4768 ? clean(d.TargetDomainName) : undefined);
      ev.method = 'kerberos';
      const st = statusCode(clean(d.Status));
      if (r.eventId === 4768 && st === 0) ev.outcome = 'success';
      else {
        ev.outcome = 'failure';
        ev.reason = krbReason(clean(d.Status));
        ev.detail = `${r.eventId} ${clean(d.Status) ?? ''}`.trim();
      }
      return [ev];
    }
    case 4776: {
      setUser(ev, clean(d.TargetUserName));
      setSource(ev, clean(d.Workstation));
      ev.method = 'ntlm';
      const st = statusCode(clean(d.Status) ?? clean(d.ErrorCode));
      if (st === 0) ev.outcome = 'success';
      else {
        ev.outcome = 'failure';
        ev.reason = ntReason(clean(d.Status) ?? clean(d.ErrorCode), undefined);
        ev.detail = `4776 ${clean(d.Status) ?? clean(d.ErrorCode) ?? ''}`.trim();
      }
      return [ev];
    }
    default: {
      // 4723: a user changed their own password; 4724: an administrator reset it.
      setUser(ev, clean(d.TargetUserName), clean(d.TargetDomainName));
      ev.activity = 'password-change';
      const failed = keywordFailure(r.keywords);
      ev.outcome = failed === true ? 'failure' : failed === false ? 'success' : 'unknown';
      ev.detail = `${r.eventId} by ${clean(d.SubjectDomainName) ?? ''}\\${clean(d.SubjectUserName) ?? ''}`;
      return [ev];
    }
  }
}
