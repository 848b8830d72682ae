/**
 * `fortigate`: FortiOS event logs (FortiOS Log Message Reference), sent by
 * syslog or saved from FortiAnalyzer, as `key=value` pairs with quoted
 * values: `date=2024-03-04 time=10:00:00 ... tz="+0100" logid="0101039426"
 * type="event" subtype="vpn" action="ssl-login-fail" user="bob"
 * remip=203.0.113.5 reason="sslvpn_login_permission_denied"`.
 *
 * Read: SSL VPN logins (`action=ssl-login-fail`, logdesc "SSL VPN login
 * fail"; success as `tunnel-up` of an SSL tunnel), administrator logins
 * (subtype system, action login, status success/failed: the firewall's own
 * management plane) and firewall user authentication (subtype user,
 * action authentication). Time: `eventtime` (epoch, ns in FortiOS 6.2+) when
 * present, else `date` + `time` in the `tz` offset.
 */
import type { AuthEvent } from '../event.js';
import { chomp, classifyJunk, newEvent, setUser } from './build.js';
import { setSource } from './ip.js';
import { reasonFromText } from './reason.js';
import { civilToMs, digits, epochByMagnitude } from './time.js';
import type { LineParser, ParseContext, SkipReason } from './types.js';

/** Parses FortiOS `key=value` / `key="value"` pairs (values may hold `\"`). */
export function parseKv(line: string, from: number): Map<string, string> {
  const kv = new Map<string, string>();
  let i = from;
  const n = line.length;
  while (i < n) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    const eq = line.indexOf('=', i);
    if (eq < 0) break;
    const key = line.slice(i, eq);
    let v = '';
    let j = eq + 1;
    if (line.charCodeAt(j) === 34) {
      j++;
      let start = j;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) {
          v += line.slice(start);
          j = n;
          break;
        }
        if (line.charCodeAt(q - 1) === 92) {
          v += `${line.slice(start, q - 1)}"`;
          j = start = q + 1;
          continue;
        }
        v += line.slice(start, q);
        j = q + 1;
        break;
      }
    } else {
      let e = line.indexOf(' ', j);
      if (e < 0) e = n;
      v = line.slice(j, e);
      j = e;
    }
    if (key.length > 0 && key.length < 40 && key.indexOf(' ') < 0) kv.set(key, v);
    i = j;
  }
  return kv;
}

/** `+0100` / `-05:00` / `UTC` → minutes east of UTC; undefined when not an offset. */
function tzMinutes(tz: string | undefined): number | undefined {
  if (!tz) return undefined;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(tz.trim());
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return /^(utc|gmt|z)$/i.test(tz.trim()) ? 0 : undefined;
}

function timeOf(kv: Map<string, string>, ctx: ParseContext): number {
  const et = kv.get('eventtime');
  if (et && /^\d{9,19}$/.test(et)) return epochByMagnitude(Number(et));
  const d = kv.get('date');
  const t = kv.get('time');
  if (!d || !t || d.length !== 10 || t.length < 8) return NaN;
  const ms = civilToMs(digits(d, 0, 4), digits(d, 5, 2), digits(d, 8, 2), digits(t, 0, 2), digits(t, 3, 2), digits(t, 6, 2), 0);
  return ms - (tzMinutes(kv.get('tz')) ?? ctx.tzOffsetMinutes ?? 0) * 60_000;
}

const clean = (v: string | undefined): string | undefined => (v && v !== 'N/A' && v !== 'n/a' ? v : undefined);

function mapKv(kv: Map<string, string>, ctx: ParseContext, line: string): AuthEvent[] | SkipReason {
  const subtype = kv.get('subtype');
  const action = kv.get('action') ?? '';
  const desc = kv.get('logdesc') ?? '';
  const status = (kv.get('status') ?? '').toLowerCase();
  let outcome: AuthEvent['outcome'];
  let ip: string | undefined;
  let method: string;
  if (subtype === 'vpn' && (action === 'ssl-login-fail' || /ssl vpn login fail/i.test(desc))) {
    outcome = 'failure';
    ip = kv.get('remip');
    method = 'ssl-vpn';
  } else if (subtype === 'vpn' && action === 'tunnel-up' && (kv.get('tunneltype') ?? '').startsWith('ssl')) {
    outcome = 'success';
    ip = kv.get('remip');
    method = 'ssl-vpn';
  } else if (subtype === 'system' && action === 'login' && (status === 'failed' || status === 'success')) {
    outcome = status === 'success' ? 'success' : 'failure';
    ip = kv.get('srcip') ?? /\(([^)]+)\)/.exec(kv.get('ui') ?? '')?.[1];
    method = `admin-${(kv.get('ui') ?? '').replace(/\(.*$/, '') || 'login'}`;
  } else if (subtype === 'user' && action === 'authentication' && (status === 'failure' || status === 'success')) {
    outcome = status === 'success' ? 'success' : 'failure';
    ip = kv.get('srcip');
    method = clean(kv.get('authproto')) ?? 'firewall-auth';
  } else return 'not-auth';
  const time = timeOf(kv, ctx);
  if (!Number.isFinite(time)) return 'bad-timestamp';
  const ev = newEvent(ctx, line, time, 'fortigate', outcome);
  const why = kv.get('reason') ?? kv.get('msg');
  if (outcome === 'failure') ev.reason = reasonFromText(why);
  ev.detail = [kv.get('logid'), kv.get('reason')].filter(Boolean).join(' ') || undefined;
  setSource(ev, clean(ip));
  setUser(ev, clean(kv.get('user')));
  ev.target = clean(kv.get('devname'))?.toLowerCase();
  ev.method = method;
  return [ev];
}

/** FortiGate key=value log parser. */
export const fortigate: LineParser = {
  name: 'fortigate',
  description: 'FortiGate (FortiOS) event logs in key=value form: SSL VPN, admin and firewall user logins',
  detect: (sample) => sample.some((l) => /\blogid="?\d{10}"?/.test(l) && /\btype="?event"?/.test(l)),
  parseLine(input, ctx) {
    const line = chomp(input);
    // Fields start at `date=` (or `logver=`/`eventtime=` in newer formats); anything before is a syslog header.
    const start = line.search(/\b(date|logver|eventtime|itime)=/);
    if (start < 0) return classifyJunk(line);
    // Pre-filter: only three subtypes can be logins.
    if (line.indexOf('subtype="vpn"') < 0 && line.indexOf('subtype=vpn') < 0 && line.indexOf('action="login"') < 0 && line.indexOf('action=login') < 0 && line.indexOf('authentication') < 0) return 'not-auth';
    return mapKv(parseKv(line, start), ctx, line);
  },
};
