/**
 * `sshd-syslog`: a Linux authentication log (`/var/log/auth.log`,
 * `/var/log/secure`) in any syslog framing (RFC 3164, RFC 5424, RFC 3339
 * stamps). Lines are routed by program, so one file may mix sshd, dropbear
 * and PAM failures of other services (su, sudo, vsftpd, ...).
 */
import type { AuthEvent } from '../event.js';
import { chomp, classifyJunk } from './build.js';
import { dropbearMessage } from './dropbear.js';
import { pamMessage } from './pam.js';
import { sshdMessage } from './sshd.js';
import { parseSyslogHeader, SyslogHead, type Head } from './syslog.js';
import type { LineParser, ParseContext, SkipReason } from './types.js';

/**
 * Routes one message to the handler of its program. Shared with the journald
 * parser, which gets program, pid and host from journal fields.
 */
export function authMessage(line: string, m: number, h: Head, ctx: ParseContext): AuthEvent[] | SkipReason {
  if (h.programIs('sshd')) return sshdMessage(line, m, h, ctx);
  if (h.programIs('dropbear')) return dropbearMessage(line, m, h, ctx);
  // Generic PAM failures of other services (su, sudo, vsftpd, ...).
  if (isPamFailure(line, m)) return pamMessage(line, m, h, ctx);
  return 'not-auth';
}

/**
 * Cheap test for a PAM failure message: `authentication failure` right after
 * the module word (`pam_unix(su:auth): `, `(pam_unix) `, `pam_unix: `) or at
 * the start (programs named `pop(pam_unix)`). Avoids scanning every cron and
 * session line for the phrase.
 */
function isPamFailure(line: string, m: number): boolean {
  const c = line.charCodeAt(m);
  if (c === 97) return line.startsWith('authentication failure', m);
  if (c !== 112 && c !== 40) return false;
  const sp = line.indexOf(' ', m);
  return sp > 0 && sp - m < 64 && line.startsWith('authentication failure', sp + 1);
}

const head = new SyslogHead();

/** Markers of an auth log in a sample: the programs this parser reads. */
const SAMPLE_MARK = /\b(sshd(-session|-auth)?|dropbear)(\[\d+\])?:? |pam_unix\(|\(pam_unix\)/;

/** Linux auth.log parser: sshd, dropbear and PAM lines in syslog framing. */
export const sshdSyslog: LineParser = {
  name: 'sshd-syslog',
  description: 'Linux auth.log / secure: OpenSSH, dropbear and PAM lines in RFC 3164, RFC 5424 or RFC 3339 syslog',
  detect(sample) {
    let hits = 0;
    const ctx: ParseContext = { file: '', line: 0, state: {} };
    for (const l of sample) {
      if (!l || l.startsWith('#')) continue;
      if (parseSyslogHeader(l, ctx, head) && SAMPLE_MARK.test(l)) hits++;
    }
    return hits > 0;
  },
  parseLine(input, ctx) {
    const line = chomp(input);
    if (!parseSyslogHeader(line, ctx, head)) return classifyJunk(line);
    return authMessage(line, head.msg, head, ctx);
  },
};
