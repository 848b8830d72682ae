/**
 * OpenSSH server messages (sshd, and sshd-session / sshd-auth since OpenSSH
 * 9.8 / 10.0 split the daemon) → authentication events.
 *
 * One SSH attempt is counted once. sshd logs a password try on up to three
 * lines of the same process: `Invalid user X from A` (unknown account), the
 * PAM failure, and `Failed password for [invalid user ]X from A port P ssh2`,
 * which always ends the try. The first line of a try reports it; the others
 * are skipped as `same-attempt` (see conn.ts). The connection's closing lines
 * (`Connection closed by ... [preauth]`, `Disconnected from ...`, `maximum
 * authentication attempts exceeded`) report nothing when tries were counted,
 * and a `preauth` failure when the peer left before trying a credential
 * (scanners, key probes, `Did not receive identification string`).
 * Refused public keys are held until the connection ends: a client offering
 * several keys before the right one is not an attack.
 */
import type { AuthEvent, FailureReason } from '../event.js';
import { A, addrAfterWord, addrAtEnd, preauthEnd } from './addr.js';
import { newEvent, setUser } from './build.js';
import { alias, attempt, conn, dropConn, findConn, type Conn } from './conn.js';
import { normalizeIp, setSource } from './ip.js';
import { PAM, pamEvent, parsePamFailure } from './pam.js';
import type { Head } from './syslog.js';
import type { ParseContext, SkipReason } from './types.js';

/** Short local name for the shared address-match result of addr.ts. */
const M = A;

const SERVICE = 'sshd';

/** Connection key: one sshd child process on one host. */
function keyOf(h: Head): string | undefined {
  const pid = h.pid();
  return pid ? `${h.host()} ${pid}` : undefined;
}

/** Event from the address found by the last match in addr.ts. */
function event(
  line: string,
  msg: string,
  h: Head,
  ctx: ParseContext,
  outcome: AuthEvent['outcome'],
  reason: FailureReason | undefined,
  user: string | undefined,
): AuthEvent {
  const ev = newEvent(ctx, line, h.time, SERVICE, outcome, reason);
  setSource(ev, msg.slice(M.ipS, M.ipE));
  ev.srcPort = M.port;
  setUser(ev, user);
  ev.target = h.host() || undefined;
  return ev;
}

/** Strips `error: `, `fatal: ` and Solaris `[ID 800047 auth.info] ` prefixes. */
function stripPrefix(msg: string): string {
  let s = msg;
  if (s.startsWith('[ID ')) {
    const e = s.indexOf('] ');
    if (e > 0) s = s.slice(e + 2);
  }
  if (s.startsWith('error: ') || s.startsWith('fatal: ')) s = s.slice(7);
  const last = s.charCodeAt(s.length - 1);
  return last === 32 || last === 9 || last === 13 ? s.trimEnd() : s;
}

/**
 * Parses one sshd message (`line` from index `m`) into events. `h` supplies
 * time, host and pid; `ctx.state` keeps the per-connection state.
 */
export function sshdMessage(line: string, m: number, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  // Cheap test before any slicing: session open/close lines are most of a busy server's log.
  if (line.charCodeAt(m) === 112 && line.startsWith('pam_unix(sshd:session)', m)) return 'not-auth';
  return dispatch(line, stripPrefix(m === 0 ? line : line.slice(m)), h, ctx);
}

/** Routes one message by its first words; `line` is the raw line kept as evidence. */
function dispatch(line: string, msg: string, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  if (Number.isNaN(h.time)) return 'bad-timestamp';
  const first = msg.charCodeAt(0);
  switch (first) {
    case 65: // A
      if (msg.startsWith('Accepted ')) return accepted(line, msg, h, ctx);
      break;
    case 70: // F
      if (msg.startsWith('Failed ')) return failed(line, msg, h, ctx);
      break;
    case 73: // I
      if (msg.startsWith('Invalid user ')) return invalidUser(line, msg, h, ctx);
      break;
    case 109: // m
      if (msg.startsWith('message repeated ')) return repeated(line, msg, h, ctx);
      if (msg.startsWith('maximum authentication attempts exceeded for ')) return tooMany(line, msg, h, ctx);
      break;
    case 80: // P
      if (msg.startsWith('PAM: ')) return pamError(line, msg, h, ctx);
      if (msg.startsWith('PAM ') && msg.includes('more authentication failure')) return 'same-attempt';
      break;
    case 85: // U
      if (msg.startsWith('User ')) return userNotAllowed(line, msg, h, ctx);
      if (msg.startsWith('Unable to negotiate')) return probe(line, msg, h, ctx, ' with ');
      break;
    case 67: // C
      if (msg.startsWith('Connection from ')) return connectionFrom(msg, h, ctx);
      if (msg.startsWith('Connection closed by ')) return closed(line, msg, h, ctx, 21);
      if (msg.startsWith('Connection reset by ')) return closed(line, msg, h, ctx, 20);
      break;
    case 68: // D
      if (msg.startsWith('Disconnected from ')) return closed(line, msg, h, ctx, 18);
      if (msg.startsWith('Disconnecting')) return tooMany(line, msg, h, ctx);
      if (msg.startsWith('Did not receive identification string from ')) return probe(line, msg, h, ctx, ' from ');
      break;
    case 82: // R
      if (msg.startsWith('Received disconnect from ')) return receivedDisconnect(line, msg, h, ctx);
      if (msg.startsWith('ROOT LOGIN REFUSED FROM ')) return rootRefused(line, msg, h, ctx);
      if (msg.startsWith('Read from socket failed')) return closedNoAddr(line, msg, h, ctx);
      break;
    case 66: // B
      if (msg.startsWith('Bad protocol version identification')) return probe(line, msg, h, ctx, ' from ');
      break;
    case 98: // b
      if (msg.startsWith('banner exchange: Connection from ')) return probe(line, msg, h, ctx, ' from ');
      break;
    case 84: // T
      if (msg.startsWith('Timeout before authentication for ')) return probe(line, msg, h, ctx, ' for ');
      break;
    case 114: // r
      if (msg.startsWith('refused connect from ')) return refusedConnect(line, msg, h, ctx);
      break;
    case 107: // k
      if (msg.startsWith('kex_exchange_identification: ')) return closedNoAddr(line, msg, h, ctx);
      break;
    case 112: // p
    case 40: // (
      if (parsePamFailure(msg, 0)) return pamEvent(line, h, ctx, SERVICE, conn(ctx, keyOf(h), h.time, PAM.rhost));
      if (msg.startsWith('pam_faillock(') && msg.includes('account temporarily locked')) return faillock(line, msg, h, ctx);
      break;
  }
  return 'not-auth';
}

function accepted(line: string, msg: string, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  const sp = msg.indexOf(' ', 9);
  if (sp < 0 || !msg.startsWith(' for ', sp)) return 'not-auth';
  const method = msg.startsWith('publickey ', 9) ? 'publickey' : msg.startsWith('password ', 9) ? 'password' : msg.slice(9, sp);
  if (!addrAfterWord(msg, ' from ', sp + 4, msg.length, hasExtra(method))) return 'not-auth';
  const ev = event(line, msg, h, ctx, 'success', undefined, msg.slice(sp + 5, M.before));
  ev.method = method;
  // The connection's state is not dropped here: nothing after a success consults it, it ages out
  // (conn.ts), and a lookup per success costs more than the rest of the line on a busy server.
  return [ev];
}

/**
 * OpenSSH appends `: <extra>` after `ssh2` only for key-based methods (the key
 * fingerprint; auth.c `auth_log`). For the others the address must end the
 * line, which also keeps a user name containing `from A port P ssh2` from
 * passing for the address.
 */
function hasExtra(method: string): boolean {
  return method === 'publickey' || method === 'hostbased' || method.startsWith('gssapi');
}

function failed(line: string, msg: string, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  const sp = msg.indexOf(' ', 7);
  if (sp < 0 || !msg.startsWith(' for ', sp)) return 'not-auth';
  const method = msg.slice(7, sp);
  if (method === 'none') return 'not-auth'; // a client asking which methods exist
  if (!addrAfterWord(msg, ' from ', sp + 4, msg.length, hasExtra(method))) return 'not-auth';
  let userS = sp + 5;
  const invalid = msg.startsWith('invalid user ', userS);
  if (invalid) userS += 13;
  const user = msg.slice(userS, Math.max(userS, M.before));
  const key = keyOf(h);
  let c = conn(ctx, key, h.time, msg.slice(M.ipS, M.ipE));
  if (!c.pending && M.port !== undefined) {
    // Logs whose lines of one try carry different pids still share address and port.
    const other = findConn(ctx, `${msg.slice(M.ipS, M.ipE)} ${M.port}`, h.time);
    if (other?.pending) c = other;
  }
  if (method === 'publickey' && !invalid && !c.pending) {
    c.pk++;
    return 'pubkey-probe';
  }
  if (!attempt(c, 'failed', true)) return 'same-attempt';
  const reason: FailureReason = c.deferred ?? (invalid || c.invalid ? 'unknown-user' : method === 'hostbased' ? 'other' : 'bad-password');
  const ev = event(line, msg, h, ctx, 'failure', reason, user === '<invalid username>' ? undefined : user);
  ev.method = method;
  return [ev];
}

function invalidUser(line: string, msg: string, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  if (!addrAfterWord(msg, ' from ', 12, preauthEnd(msg))) return 'not-auth';
  const c = conn(ctx, keyOf(h), h.time, msg.slice(M.ipS, M.ipE));
  c.invalid = true;
  if (M.port !== undefined) alias(ctx, `${msg.slice(M.ipS, M.ipE)} ${M.port}`, c);
  if (!attempt(c, 'invalid', false)) return 'same-attempt';
  return [event(line, msg, h, ctx, 'failure', 'unknown-user', msg.slice(13, Math.max(13, M.before)))];
}

/** `error: PAM: Authentication failure for [illegal user ]X from H` (sshd's own PAM conversation). */
function pamError(line: string, msg: string, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  const f = msg.indexOf(' for ');
  if (f < 0 || !addrAfterWord(msg, ' from ', f + 4, msg.length)) return 'not-auth';
  let userS = f + 5;
  const illegal = msg.startsWith('illegal user ', userS);
  if (illegal) userS += 13;
  const unknown = illegal || msg.includes('User not known');
  const c = conn(ctx, keyOf(h), h.time, msg.slice(M.ipS, M.ipE));
  if (!attempt(c, 'pam-error', false)) return 'same-attempt';
  const ev = event(line, msg, h, ctx, 'failure', unknown ? 'unknown-user' : 'bad-password', msg.slice(userS, Math.max(userS, M.before)));
  ev.method = 'keyboard-interactive';
  return [ev];
}

/** `User X from A not allowed because ...` (AllowUsers, DenyUsers, groups, locked account). */
function userNotAllowed(line: string, msg: string, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  const because = msg.lastIndexOf(' not allowed because ');
  if (because < 0) return 'not-auth';
  const reason: FailureReason = msg.includes('account is locked', because) ? 'locked' : 'disabled';
  const found = addrAfterWord(msg, ' from ', 4, because);
  const c = conn(ctx, keyOf(h), h.time, found ? msg.slice(M.ipS, M.ipE) : undefined);
  if (!found) {
    // `User root not allowed because account is locked`: no address; the try's `Failed` line reports it.
    c.deferred = reason;
    return 'same-attempt';
  }
  if (!attempt(c, 'not-allowed', false)) return 'same-attempt';
  c.deferred = reason;
  const ev = event(line, msg, h, ctx, 'failure', reason, msg.slice(5, Math.max(5, M.before)));
  ev.detail = msg.slice(because + 1);
  return [ev];
}

function rootRefused(line: string, msg: string, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  if (!addrAfterWord(msg, ' FROM ', 13, preauthEnd(msg))) return 'not-auth';
  if (!attempt(conn(ctx, keyOf(h), h.time, msg.slice(M.ipS, M.ipE)), 'root-refused', true)) return 'same-attempt';
  return [event(line, msg, h, ctx, 'failure', 'disabled', 'root')];
}

/**
 * End of a connection (`Connection closed by`, `Disconnected from`). `at` is
 * where the peer part starts. Only `[preauth]` endings can be failures.
 */
function closed(line: string, msg: string, h: Head, ctx: ParseContext, at: number): AuthEvent[] | SkipReason {
  const end = preauthEnd(msg);
  if (end === msg.length) return 'not-auth'; // after a session, or before the protocol started
  let user: string | undefined;
  let p = at;
  if (msg.startsWith('authenticating user ', p)) p += 20;
  else if (msg.startsWith('invalid user ', p)) p += 13;
  else if (msg.startsWith('user ', p)) p += 5;
  if (!addrAtEnd(msg, at, end)) return 'not-auth';
  if (p > at) user = msg.slice(p, Math.max(p, M.before));
  return connectionEnd(line, msg, h, ctx, user, 'preauth');
}

/** Reports a connection's end: nothing if tries were counted, else one failure. */
function connectionEnd(
  line: string,
  msg: string,
  h: Head,
  ctx: ParseContext,
  user: string | undefined,
  reason: FailureReason,
  c0?: Conn,
): AuthEvent[] | SkipReason {
  const key = keyOf(h);
  const c = c0 ?? findConn(ctx, key, h.time, msg.slice(M.ipS, M.ipE));
  if (c && (c.attempts > 0 || c.closed)) {
    c.closed = true;
    c.pending = '';
    return 'same-attempt';
  }
  const ev = event(line, msg, h, ctx, 'failure', c?.deferred ?? (c && c.pk > 0 ? 'other' : reason), user);
  if (c && c.pk > 0) {
    ev.method = 'publickey';
    ev.detail = `${c.pk} public key(s) refused`;
  }
  const cc = c ?? conn(ctx, key, h.time, msg.slice(M.ipS, M.ipE));
  cc.closed = true;
  cc.attempts++;
  return [ev];
}

/** `Disconnecting: Too many authentication failures [for X]` and `maximum authentication attempts exceeded for X from A`. */
function tooMany(line: string, msg: string, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  const end = preauthEnd(msg);
  const c = findConn(ctx, keyOf(h), h.time);
  if (c && (c.attempts > 0 || c.closed)) return connectionEnd(line, msg, h, ctx, undefined, 'other', c);
  const maxTries = msg.startsWith('maximum');
  if (maxTries) {
    if (!addrAfterWord(msg, ' from ', 40, end, true)) return 'not-auth';
    let userS = 45;
    if (msg.startsWith('invalid user ', userS)) userS += 13;
    return connectionEnd(line, msg, h, ctx, msg.slice(userS, Math.max(userS, M.before)), 'other', c);
  }
  // `Disconnecting invalid user X A port P: reason` / `Disconnecting authenticating user X A port P: reason`
  const colon = msg.indexOf(': ', 13);
  if (msg.startsWith('Disconnecting ') && colon > 0 && addrAtEnd(msg, 14, colon)) {
    const us = msg.startsWith('invalid user ', 14) ? 27 : msg.startsWith('authenticating user ', 14) ? 34 : 14;
    return connectionEnd(line, msg, h, ctx, msg.slice(us, Math.max(us, M.before)), 'other', c);
  }
  return closedNoAddr(line, msg, h, ctx, 'other');
}

/** Lines that end a connection but name no address: usable only when `Connection from` gave it. */
function closedNoAddr(line: string, msg: string, h: Head, ctx: ParseContext, reason: FailureReason = 'preauth'): AuthEvent[] | SkipReason {
  const c = findConn(ctx, keyOf(h), h.time);
  if (!c) return 'not-auth';
  if (c.attempts > 0 || c.closed) return connectionEnd(line, msg, h, ctx, undefined, reason, c);
  if (!c.ip) return 'not-auth';
  M.ipS = 0;
  M.ipE = c.ip.length;
  M.port = undefined;
  // `event` reads the address from its message argument: hand it the remembered address.
  return connectionEnd(line, c.ip, h, ctx, undefined, reason, c);
}

/** `Connection from A port P on B port 22`: remembers the peer for lines that omit it. */
function connectionFrom(msg: string, h: Head, ctx: ParseContext): SkipReason {
  const sp = msg.indexOf(' ', 16);
  const ip = msg.slice(16, sp < 0 ? msg.length : sp);
  const key = keyOf(h);
  // A new connection: whatever an earlier process of this pid left behind is not its state.
  if (key && normalizeIp(ip)) {
    dropConn(ctx, key);
    conn(ctx, key, h.time, ip);
  }
  return 'not-auth';
}

function receivedDisconnect(line: string, msg: string, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  const end = preauthEnd(msg);
  // Without [preauth] a client is leaving its session, unless it says why it gave up (old sshd had no marker).
  if (end === msg.length && !msg.includes('Auth fail') && !msg.includes('authentication methods')) return 'not-auth';
  if (!addrAfterWord(msg, ' from ', 16, end, true)) return 'not-auth';
  return connectionEnd(line, msg, h, ctx, undefined, 'preauth');
}

/** Protocol-level probes with an address after `word`: scanners that never try a credential. */
function probe(line: string, msg: string, h: Head, ctx: ParseContext, word: string): AuthEvent[] | SkipReason {
  const end = preauthEnd(msg);
  // `Unable to negotiate with A port P: no matching ...` ends the address at a colon.
  const colon = word === ' with ' ? msg.indexOf(': ') : word === ' from ' && msg.startsWith('banner') ? msg.lastIndexOf(': ') : -1;
  const stop = colon > 0 ? colon : end;
  if (!addrAfterWord(msg, word, 0, stop)) return closedNoAddr(line, msg, h, ctx);
  return connectionEnd(line, msg, h, ctx, undefined, 'preauth');
}

/** tcp_wrappers: `refused connect from NAME (A)`. */
function refusedConnect(line: string, msg: string, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  const open = msg.lastIndexOf(' (');
  if (open < 0 || !msg.endsWith(')')) return 'not-auth';
  M.ipS = open + 2;
  M.ipE = msg.length - 1;
  M.port = undefined;
  return connectionEnd(line, msg, h, ctx, undefined, 'preauth');
}

/** pam_faillock: `Consecutive login failures for user X account temporarily locked`. */
function faillock(line: string, msg: string, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  const u = msg.indexOf('for user ');
  const e = msg.indexOf(' account temporarily locked');
  if (u < 0 || e < u) return 'not-auth';
  const ev = newEvent(ctx, line, h.time, SERVICE, 'unknown', 'locked');
  ev.activity = 'lockout';
  setUser(ev, msg.slice(u + 9, e));
  ev.target = h.host() || undefined;
  return [ev];
}

/** rsyslog's `message repeated N times: [ <message>]`: the message, standing for N tries. */
function repeated(line: string, msg: string, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  const t = msg.indexOf(' times: [');
  const n = Number(msg.slice(17, t));
  if (t < 0 || !Number.isInteger(n) || n < 1 || !msg.endsWith(']')) return 'not-auth';
  let inner = msg.slice(t + 9, -1);
  if (inner.startsWith(' ')) inner = inner.slice(1);
  const res = dispatch(line, stripPrefix(inner), h, ctx);
  if (typeof res === 'string') return res;
  for (const ev of res) ev.repeat = n;
  return res;
}
