/**
 * `globalprotect`: Palo Alto Networks GlobalProtect logins from PAN-OS syslog
 * (CSV after an optional syslog header):
 * - PAN-OS 9.1+ GLOBALPROTECT log type ("GlobalProtect Log Fields"): field 3
 *   is `GLOBALPROTECT`, 6 Generated Time, 8 Event ID (`portal-auth`,
 *   `gateway-auth`), 12 Source User, 15 Public IP, 16 Public IPv6,
 *   24 Repeat Count, 26 Error, 28 Status (`success` / `failure`);
 * - older SYSTEM logs of subtype `globalprotect`: field 8 is
 *   `globalprotectgateway-auth-fail` / `globalprotectportal-auth-succ`..., and
 *   field 14 the description "... Login from: A, Source region: R, User name: U, ... Reason: T, Auth type: X."
 * Times are the firewall's local time without zone: `ParseContext.tzOffsetMinutes` applies.
 */
import type { AuthEvent } from '../event.js';
import { chomp, classifyJunk, newEvent, setUser } from './build.js';
import { splitCsv } from './csv.js';
import { setSource } from './ip.js';
import { reasonFromText } from './reason.js';
import { civilToMs, digits } from './time.js';
import type { LineParser, ParseContext, SkipReason } from './types.js';

/** `2024/03/04 10:00:00` (PAN-OS local time) → epoch ms. */
function panTime(s: string | undefined, ctx: ParseContext): number {
  if (!s || s.length < 19 || s.charCodeAt(4) !== 47) return NaN;
  const t = civilToMs(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2), digits(s, 11, 2), digits(s, 14, 2), digits(s, 17, 2), 0);
  return t - (ctx.tzOffsetMinutes ?? 0) * 60_000;
}

/** Finds the CSV body: it starts with the FUTURE_USE field and the receive time (`1,2024/03/04 ...`). */
function csvStart(line: string): number {
  const m = /\b\d+,\d{4}\/\d{2}\/\d{2} /.exec(line);
  return m ? m.index : -1;
}

function build(
  ctx: ParseContext,
  line: string,
  time: number,
  outcome: AuthEvent['outcome'],
  user: string | undefined,
  ip: string | undefined,
  why: string | undefined,
  target: string | undefined,
): AuthEvent[] | SkipReason {
  if (!Number.isFinite(time)) return 'bad-timestamp';
  const ev = newEvent(ctx, line, time, 'globalprotect', outcome);
  if (outcome === 'failure') ev.reason = reasonFromText(why);
  ev.detail = why || undefined;
  setSource(ev, ip);
  setUser(ev, user);
  ev.target = target;
  ev.method = 'globalprotect';
  return [ev];
}

function mapFields(f: string[], ctx: ParseContext, line: string): AuthEvent[] | SkipReason {
  const type = f[3];
  if (type === 'GLOBALPROTECT') {
    const id = f[8] ?? '';
    if (id !== 'portal-auth' && id !== 'gateway-auth') return 'not-auth';
    const status = (f[28] ?? '').toLowerCase();
    const outcome = status === 'success' ? 'success' : status === 'failure' ? 'failure' : 'unknown';
    const ip = f[15] && f[15] !== '0.0.0.0' ? f[15] : f[16];
    const res = build(ctx, line, panTime(f[6], ctx), outcome, f[12], ip, f[26] || f[25], id);
    const repeat = Number(f[24]);
    if (typeof res !== 'string' && Number.isInteger(repeat) && repeat > 1) for (const e of res) e.repeat = repeat;
    return res;
  }
  if (type === 'SYSTEM' && f[4] === 'globalprotect') {
    const id = f[8] ?? '';
    const m = /^globalprotect(portal|gateway)-auth-(fail|succ)/.exec(id);
    if (!m) return 'not-auth';
    const desc = f[14] ?? '';
    const ip = /Login from: ([^,\s]+)/.exec(desc)?.[1];
    const user = /User name: ([^,]+)/.exec(desc)?.[1]?.trim();
    const why = /Reason: (.*?)(?:, Auth type:|\.?$)/.exec(desc)?.[1];
    return build(ctx, line, panTime(f[6], ctx), m[2] === 'succ' ? 'success' : 'failure', user, ip, why, `${m[1]}-auth`);
  }
  return 'not-auth';
}

/** PAN-OS GlobalProtect syslog parser. */
export const globalProtect: LineParser = {
  name: 'globalprotect',
  description: 'Palo Alto Networks GlobalProtect portal / gateway logins from PAN-OS syslog (GLOBALPROTECT and SYSTEM logs)',
  detect: (sample) => sample.some((l) => /,GLOBALPROTECT,|,SYSTEM,globalprotect,/.test(l)),
  parseLine(input, ctx) {
    const line = chomp(input);
    const start = csvStart(line);
    if (start < 0) return classifyJunk(line);
    // Other PAN-OS log types (TRAFFIC, THREAT, ...) share the framing.
    if (line.indexOf('GLOBALPROTECT') < 0 && line.indexOf('globalprotect') < 0) return 'not-auth';
    const f = splitCsv(line.slice(start));
    if (!f) return 'bad-csv';
    return mapFields(f, ctx, line);
  },
};
