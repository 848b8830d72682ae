/**
 * Failure reasons from free text, for formats that give a sentence or a
 * vendor token rather than a code (VPN appliances, OCSF `status_detail`, CSV
 * exports). The order of the tests matters: "password expired" is expiry,
 * not a bad password.
 */
import type { FailureReason } from '../event.js';

const RULES: [RegExp, FailureReason][] = [
  [/lock/i, 'locked'],
  [/expir/i, 'expired'],
  [/disabl|inactive|suspend/i, 'disabled'],
  [/(mfa|2fa|otp|token|factor|push).*(deni|declin|reject|fail)|(deni|declin|reject).*(mfa|push)/i, 'mfa-denied'],
  [/(mfa|multi.?factor|2fa|strong auth).*(requir|need)/i, 'mfa-required'],
  [/unknown.?user|user.?unknown|no such user|user.*not.?(found|exist)|nonexist|name_invalid|invalid.?user(name)?\b(?!.*password)|verification_error/i, 'unknown-user'],
  [/password|passwd|credential|bad.?login|login.?fail|auth.*fail|permission_denied|invalid/i, 'bad-password'],
];

/** Best-effort failure reason from a vendor's text; `other` when nothing matches. */
export function reasonFromText(text: string | undefined): FailureReason {
  if (!text) return 'other';
  // Vendor reasons are short; a long one is hostile input, and `.*` patterns must not see megabytes.
  const t = text.length > 512 ? text.slice(0, 512) : text;
  for (const [re, r] of RULES) if (re.test(t)) return r;
  return 'other';
}

/**
 * Outcome from the words exports use for it. Numbers depend on the column:
 * `codeLike` columns (result, status, error code) read 0 as success and any
 * other number as failure; flag-like columns read 1 / 0.
 */
export function outcomeFromText(v: string | undefined, codeLike = false): 'success' | 'failure' | 'unknown' {
  if (v === undefined) return 'unknown';
  const s = v.trim().toLowerCase();
  if (s === '') return 'unknown';
  if (/^-?\d+$/.test(s)) {
    const n = Number(s);
    if (codeLike) return n === 0 ? 'success' : 'failure';
    return n === 1 ? 'success' : n === 0 ? 'failure' : 'unknown';
  }
  if (/^(success|succeeded|successful|ok|true|yes|y|allow|allowed|accept|accepted|pass|passed|permit|permitted|granted|login|logon)$/.test(s)) return 'success';
  if (/^(fail|failed|failure|false|no|n|deny|denied|reject|rejected|error|blocked|block|invalid|refused|unauthorized|locked)$/.test(s)) return 'failure';
  if (/fail|deni|reject|error|block|invalid|refus/.test(s)) return 'failure';
  if (/success|succe|allow|accept|permit/.test(s)) return 'success';
  return 'unknown';
}
