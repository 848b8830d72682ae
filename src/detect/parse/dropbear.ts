/**
 * Dropbear SSH server messages (svr-auth.c, svr-authpasswd.c, svr-authpubkey.c):
 *
 *   Bad password attempt for 'root' from 198.51.100.87:5543
 *   Bad PAM password attempt for 'root' from 198.51.100.87:5543
 *   Login attempt for nonexistent user from ::ffff:192.0.2.1:60495      (older releases)
 *   Login attempt for nonexistent user 'admin' from 192.0.2.1:60495
 *   Password auth succeeded for 'root' from 192.0.2.1:5678
 *   Pubkey auth succeeded for 'root' with ssh-ed25519 key SHA256:... from 192.0.2.1:5678
 *   Exit before auth (user 'root', 10 fails): Max auth tries reached - user 'root' from 192.0.2.1:60588
 *
 * The peer is printed as `addr:port`. Each failure line is one try; the
 * closing `Exit before auth` only counts when no try of the process was seen.
 */
import type { AuthEvent, FailureReason } from '../event.js';
import { A, hostColonPort } from './addr.js';
import { newEvent, setUser } from './build.js';
import { conn, dropConn, findConn } from './conn.js';
import { setSource } from './ip.js';
import type { Head } from './syslog.js';
import type { ParseContext, SkipReason } from './types.js';

/** Short local name for the shared address-match result of addr.ts. */
const M = A;

const SERVICE = 'dropbear';

function keyOf(h: Head): string | undefined {
  const pid = h.pid();
  return pid ? `${h.host()} ${pid}` : undefined;
}

/** Reads `'user'` quoted at `i`; returns the user and sets `q` to the index after the closing quote. */
function quoted(msg: string, i: number): { user: string; next: number } | undefined {
  if (msg.charCodeAt(i) !== 39) return undefined;
  // The name is client-chosen and may contain quotes: the closing one is the last before ` from `.
  const from = msg.lastIndexOf("' from ");
  const with_ = msg.indexOf("' with ", i + 1);
  const close = with_ > i && (from < 0 || with_ < from) ? with_ : from;
  if (close <= i) return undefined;
  return { user: msg.slice(i + 1, close), next: close + 1 };
}

function build(
  line: string,
  msg: string,
  h: Head,
  ctx: ParseContext,
  outcome: AuthEvent['outcome'],
  reason: FailureReason | undefined,
  user: string | undefined,
  method: string,
): AuthEvent[] | SkipReason {
  // Newer dropbear writes `Exit before auth from <A:P>: ...`; elsewhere the peer ends the line.
  const lt = msg.indexOf('from <');
  const gt = lt >= 0 ? msg.indexOf('>', lt) : -1;
  const f = msg.lastIndexOf(' from ');
  const found = gt > 0 ? hostColonPort(msg, lt + 6, gt) : f >= 0 && hostColonPort(msg, f + 6, msg.length);
  if (!found) return 'not-auth';
  const ev = newEvent(ctx, line, h.time, SERVICE, outcome, reason);
  setSource(ev, msg.slice(M.ipS, M.ipE));
  ev.srcPort = M.port;
  setUser(ev, user);
  ev.target = h.host() || undefined;
  ev.method = method;
  return [ev];
}

/** Parses one dropbear message (`line` from index `m`). */
export function dropbearMessage(line: string, m: number, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  const c0 = line.charCodeAt(m) | 0x20;
  // Dropbear capitalised its messages in 2015; both spellings occur in old logs.
  if (c0 !== 98 && c0 !== 108 && c0 !== 112 && c0 !== 101) return 'not-auth';
  const msg = m === 0 ? line : line.slice(m);
  if (Number.isNaN(h.time)) return 'bad-timestamp';
  const lower = msg.slice(0, 40).toLowerCase();
  const key = keyOf(h);
  if (lower.startsWith('bad password attempt for ') || lower.startsWith('bad pam password attempt for ')) {
    const q = quoted(msg, lower.startsWith('bad pam') ? 29 : 25);
    const res = build(line, msg, h, ctx, 'failure', 'bad-password', q?.user, 'password');
    if (typeof res !== 'string') conn(ctx, key, h.time).attempts++;
    return res;
  }
  if (lower.startsWith('login attempt for nonexistent user')) {
    const q = quoted(msg, 35);
    const res = build(line, msg, h, ctx, 'failure', 'unknown-user', q?.user, 'password');
    if (typeof res !== 'string') conn(ctx, key, h.time).attempts++;
    return res;
  }
  if (lower.startsWith('password auth succeeded for ') || lower.startsWith('pubkey auth succeeded for ')) {
    const pub = lower.startsWith('pubkey');
    const q = quoted(msg, pub ? 26 : 28);
    dropConn(ctx, key);
    return build(line, msg, h, ctx, 'success', undefined, q?.user, pub ? 'publickey' : 'password');
  }
  if (lower.startsWith('exit before auth')) {
    const c = findConn(ctx, key, h.time);
    dropConn(ctx, key);
    if (!msg.includes('Max auth tries')) return 'not-auth';
    if (c && c.attempts > 0) return 'same-attempt';
    return build(line, msg, h, ctx, 'failure', 'other', /user '(.*?)'/.exec(msg)?.[1], 'password');
  }
  return 'not-auth';
}
