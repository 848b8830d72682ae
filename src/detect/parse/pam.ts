/**
 * Linux-PAM authentication failures, as pam_unix (and pam_sss, pam_ldap, ...)
 * log them through any program: sshd, su, sudo, vsftpd, dovecot...
 *
 *   pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.7  user=root
 *   (pam_unix) authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=host.example  user=root
 *
 * The layout is pam_unix's `"authentication failure; logname=%s uid=%d euid=%d
 * tty=%s ruser=%s rhost=%s" [" user=%s"]` (Linux-PAM modules/pam_unix/support.c).
 * `ruser` and `user` are chosen by the client, so `rhost` is taken where it is
 * followed by ` user=` or the end of the line: a `rhost=` written inside a user
 * name cannot satisfy both.
 */
import type { AuthEvent } from '../event.js';
import { newEvent, setUser } from './build.js';
import { attempt, type Conn } from './conn.js';
import { setSource } from './ip.js';
import type { Head } from './syslog.js';
import type { ParseContext, SkipReason } from './types.js';

/** Fields of one PAM failure message (reused object). */
export const PAM = {
  service: '',
  user: undefined as string | undefined,
  ruser: undefined as string | undefined,
  rhost: undefined as string | undefined,
};

const FAILURE = 'authentication failure;';

/** Parses a PAM `authentication failure;` message at `m`; false when `msg` is not one. */
export function parsePamFailure(msg: string, m: number): boolean {
  const f = msg.indexOf(FAILURE, m);
  if (f < 0) return false;
  // Module prefix: `pam_unix(sshd:auth): `, `(pam_unix) `, `pam_unix: `, `pam_sss(sshd:auth): `.
  const open = msg.indexOf('(', m);
  const close = open >= 0 && open < f ? msg.indexOf(')', open) : -1;
  const colon = close > 0 ? msg.indexOf(':', open) : -1;
  // `pam_unix(sshd:auth)` names the service; `pam_unix(auth)` and `(pam_unix)` do not.
  PAM.service = colon > open && colon < close && !msg.startsWith('(pam_', open) ? msg.slice(open + 1, colon) : '';
  PAM.user = undefined;
  PAM.ruser = undefined;
  PAM.rhost = undefined;
  const ruserAt = msg.indexOf(' ruser=', f);
  let k = msg.indexOf(' rhost=', f);
  while (k >= 0) {
    const vs = k + 7;
    let ve = msg.indexOf(' ', vs);
    if (ve < 0) ve = msg.length;
    let j = ve;
    while (msg.charCodeAt(j) === 32) j++;
    const userNext = msg.startsWith('user=', j);
    if (j >= msg.length || userNext || msg.startsWith('[preauth]', j)) {
      PAM.rhost = ve > vs ? msg.slice(vs, ve) : undefined;
      if (ruserAt >= 0 && ruserAt + 7 < k) PAM.ruser = msg.slice(ruserAt + 7, k);
      if (userNext) {
        const u = msg.slice(j + 5);
        PAM.user = u.endsWith(' [preauth]') ? u.slice(0, -10) : u;
      }
      return true;
    }
    k = msg.indexOf(' rhost=', vs);
  }
  // No rhost at all: a local failure (su, sudo, login on a tty).
  const u = msg.indexOf(' user=', f);
  if (u >= 0) PAM.user = msg.slice(u + 6).trim();
  return true;
}

/**
 * Builds the failure event of a parsed PAM message. `c` is the connection it
 * belongs to (sshd), so that its `Failed password` line is not counted again.
 */
export function pamEvent(line: string, h: Head, ctx: ParseContext, service: string, c?: Conn): AuthEvent[] | SkipReason {
  if (Number.isNaN(h.time)) return 'bad-timestamp';
  if (c && !attempt(c, 'pam', false)) return 'same-attempt';
  // pam_unix adds ` user=` only when the account exists, so its absence means an unknown user;
  // services such as vsftpd pass the login name as the remote user (`ruser=`).
  const ev = newEvent(ctx, line, h.time, service, 'failure', PAM.user === undefined ? 'unknown-user' : 'bad-password');
  setSource(ev, PAM.rhost);
  setUser(ev, PAM.user ?? (PAM.ruser || undefined));
  ev.target = h.host() || undefined;
  ev.method = 'password';
  return [ev];
}

/**
 * Handles a PAM line from a program other than sshd and dropbear (su, sudo,
 * vsftpd, ...): failures become events of that service; a failed `su`/`sudo`
 * is a local failure without source address.
 */
export function pamMessage(line: string, m: number, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  if (!parsePamFailure(line, m)) return 'not-auth';
  // Each line is one try: without a `Failed password` line to close it, other programs have no attempt state.
  return pamEvent(line, h, ctx, PAM.service || h.program() || 'pam');
}
