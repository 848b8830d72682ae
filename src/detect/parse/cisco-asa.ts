/**
 * `cisco-asa`: Cisco ASA / FTD syslog messages (Cisco Secure Firewall ASA
 * Series Syslog Messages) about logins to the VPN and the firewall itself:
 *
 *   113004  AAA user authentication Successful : server = S : user = U
 *   113005  AAA user authentication Rejected : reason = R : server = S : user = U : user IP = A
 *   113012  AAA user authentication Successful : local database : user = U
 *   113015  AAA user authentication Rejected : reason = R : local database : user = U : user IP = A
 *   716038  Group G User U IP A Authentication: successful, Session Type: WebVPN.
 *   716039  Group G User U IP A Authentication: rejected, Session Type: WebVPN.
 *   722051  Group <G> User <U> IP <A> IPv4 Address <B> IPv6 address <C> assigned to session
 *   605004  Login denied from A/P to IF:B/SVC for user "U"        (605005: permitted)
 *   611102  User authentication failed: IP address: A, Uname: U    (611101: succeeded)
 *   109006  Authentication failed for user U from A/P to B/Q on interface I   (109005: succeeded)
 *
 * ASA hides failed user names as `*****` unless `no logging hide username`:
 * such users are left empty. The header may be any syslog form, including
 * the ASA's own `Mmm dd yyyy HH:MM:SS` with a year.
 */
import type { AuthEvent } from '../event.js';
import { chomp, classifyJunk, newEvent, setUser, toPort } from './build.js';
import { setSource } from './ip.js';
import { reasonFromText } from './reason.js';
import { parseSyslogHeader, SyslogHead } from './syslog.js';
import type { LineParser, ParseContext, SkipReason } from './types.js';

const head = new SyslogHead();
const TAG = /%(ASA|FTD|PIX)-(?:[a-z]+-)?(\d)-(\d{6}): ?/;

/** `key = value` of the 113xxx messages, split on ` : `. */
function colonFields(msg: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of msg.split(' : ')) {
    const eq = part.indexOf(' = ');
    if (eq > 0) m.set(part.slice(0, eq).trim(), part.slice(eq + 3).trim());
  }
  return m;
}

/** `Group <G> User <U> IP <A>` (angle brackets optional). */
const GROUP_USER_IP = /Group <?([^>]*?)>? User <?(.*?)>? IP <?([0-9A-Fa-f:.]+)>?/;

interface Parsed {
  outcome: AuthEvent['outcome'];
  user?: string;
  ip?: string;
  port?: string;
  why?: string;
  method: string;
}

function parseMessage(id: string, msg: string): Parsed | undefined {
  switch (id) {
    case '113004':
    case '113005':
    case '113012':
    case '113015': {
      const f = colonFields(msg);
      const ok = msg.includes('Successful');
      return { outcome: ok ? 'success' : 'failure', user: f.get('user'), ip: f.get('user IP'), why: f.get('reason'), method: 'aaa' };
    }
    case '716038':
    case '716039':
    case '722051': {
      const m = GROUP_USER_IP.exec(msg);
      if (!m) return undefined;
      const ok = id !== '716039';
      return { outcome: ok ? 'success' : 'failure', user: m[2], ip: m[3], why: ok ? undefined : 'rejected', method: id === '722051' ? 'anyconnect' : 'webvpn' };
    }
    case '605004':
    case '605005': {
      const m = /from ([0-9A-Fa-f:.]+)\/(\d+) to .* for user "(.*)"/.exec(msg);
      if (!m) return undefined;
      return { outcome: id === '605005' ? 'success' : 'failure', user: m[3], ip: m[1], port: m[2], method: 'management' };
    }
    case '611101':
    case '611102': {
      const m = /IP address: ([0-9A-Fa-f:.]+), Uname: (.*)$/.exec(msg);
      if (!m) return undefined;
      return { outcome: id === '611101' ? 'success' : 'failure', user: m[2], ip: m[1], method: 'management' };
    }
    case '109005':
    case '109006': {
      const m = /for user '?(.*?)'? from ([0-9A-Fa-f:.]+)\/(\d+) to/.exec(msg);
      if (!m) return undefined;
      return { outcome: id === '109005' ? 'success' : 'failure', user: m[1], ip: m[2], port: m[3], method: 'cut-through' };
    }
  }
  return undefined;
}

const IDS = new Set(['113004', '113005', '113012', '113015', '716038', '716039', '722051', '605004', '605005', '611101', '611102', '109005', '109006']);

function mapLine(line: string, ctx: ParseContext): AuthEvent[] | SkipReason {
  const tag = TAG.exec(line);
  if (!tag) return classifyJunk(line);
  const id = tag[3] as string;
  if (!IDS.has(id)) return 'not-auth';
  const p = parseMessage(id, line.slice(tag.index + tag[0].length));
  if (!p) return 'not-auth';
  const hasHeader = parseSyslogHeader(line, ctx, head);
  if (!hasHeader || !Number.isFinite(head.time)) return 'bad-timestamp';
  const ev = newEvent(ctx, line, head.time, 'cisco-asa', p.outcome);
  if (p.outcome === 'failure') ev.reason = reasonFromText(p.why);
  ev.detail = p.why ? `${id} ${p.why}` : id;
  setSource(ev, p.ip);
  ev.srcPort = toPort(p.port);
  // `*****`: the ASA hid the name (its default for failed logins).
  setUser(ev, p.user && /^\*+$/.test(p.user) ? undefined : p.user);
  if (p.user && /^\*+$/.test(p.user)) ev.userRaw = p.user;
  const host = head.host();
  ev.target = host && !host.startsWith('%') ? host.toLowerCase() : undefined;
  ev.method = p.method;
  return [ev];
}

/** Cisco ASA / FTD syslog parser. */
export const ciscoAsa: LineParser = {
  name: 'cisco-asa',
  description: 'Cisco ASA / FTD syslog: AAA, WebVPN / AnyConnect and management logins',
  detect: (sample) => sample.some((l) => TAG.test(l)),
  parseLine(input, ctx) {
    const line = chomp(input);
    // Pre-filter: every ASA message carries `%ASA-`; most are connection logs.
    if (line.indexOf('%ASA-') < 0 && line.indexOf('%FTD-') < 0 && line.indexOf('%PIX-') < 0) return classifyJunk(line);
    return mapLine(line, ctx);
  },
};
