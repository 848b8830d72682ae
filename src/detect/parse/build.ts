/**
 * Building normalized events: one constructor with a fixed property order (so
 * that V8 gives every event the same hidden class on the hot path) and the
 * user-name normalization every format shares.
 */
import type { AuthEvent, FailureReason } from '../event.js';
import { RAW_CAP, type ParseContext } from './types.js';

/**
 * A new event with every optional field present but undefined; callers fill
 * what their format knows. `raw` is capped at {@link RAW_CAP} characters.
 */
export function newEvent(
  ctx: ParseContext,
  raw: string,
  time: number,
  service: string,
  outcome: AuthEvent['outcome'],
  reason?: FailureReason,
): AuthEvent {
  return {
    time,
    tenant: ctx.tenant,
    srcIp: undefined,
    srcPort: undefined,
    srcHost: undefined,
    userRaw: undefined,
    user: undefined,
    userDomain: undefined,
    target: undefined,
    service,
    outcome,
    reason,
    mfa: undefined,
    activity: 'logon',
    repeat: undefined,
    method: undefined,
    logonType: undefined,
    detail: undefined,
    file: ctx.file,
    line: ctx.line,
    raw: raw.length > RAW_CAP ? raw.slice(0, RAW_CAP) : raw,
  };
}

/** Longest user name kept; longer ones are attacker noise (OpenSSH itself logs `%.100s`). */
const USER_CAP = 256;

/**
 * Sets `userRaw`, `user` and `userDomain` from the forms logs use:
 * `DOMAIN\user` and `user@domain` give user + domain; a separate domain
 * (Windows `TargetDomainName`) is used when the name carries none. Both are
 * lower-cased: Windows, Entra and Okta compare names case-insensitively, and
 * attackers vary case (`ROOT`, `Admin`) to look like different users.
 */
export function setUser(ev: AuthEvent, raw: string | undefined, domain?: string): void {
  if (raw === undefined) return;
  let name = raw.length > USER_CAP ? raw.slice(0, USER_CAP) : raw;
  ev.userRaw = name;
  name = name.trim();
  if (name === '' || name === '-' || name === 'N/A' || name === '(unknown)') return;
  const bs = name.indexOf('\\');
  if (bs > 0 && bs < name.length - 1) {
    ev.userDomain = name.slice(0, bs).toLowerCase();
    ev.user = name.slice(bs + 1).toLowerCase();
    return;
  }
  const at = name.lastIndexOf('@');
  if (at > 0 && at < name.length - 1) {
    ev.user = name.slice(0, at).toLowerCase();
    ev.userDomain = name.slice(at + 1).toLowerCase();
    return;
  }
  ev.user = name.toLowerCase();
  const d = domain?.trim();
  if (d && d !== '-' && d !== 'N/A') ev.userDomain = d.toLowerCase();
}

/** Parses a decimal port; undefined when absent or out of range. */
export function toPort(s: string | number | undefined | null): number | undefined {
  if (s === undefined || s === null || s === '') return undefined;
  const n = typeof s === 'number' ? s : Number(s);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

/**
 * Classifies a line that matched no record: replacement characters mean the
 * bytes were not UTF-8, control characters mean binary data; otherwise the
 * line is just not in this format.
 */
export function classifyJunk(line: string): 'invalid-utf8' | 'binary' | 'empty' | 'unrecognized' {
  if (line.length === 0 || line.trim().length === 0) return 'empty';
  if (line.indexOf('\uFFFD') >= 0) return 'invalid-utf8';
  const n = Math.min(line.length, 512);
  for (let i = 0; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c < 32 && c !== 9) return 'binary';
  }
  return 'unrecognized';
}

/** Drops the carriage return of a CRLF line (Windows exports), so no parser sees it in a value. */
export function chomp(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}
