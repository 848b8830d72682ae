import { describe, expect, it } from 'vitest';
import type { AuthEvent } from '../event.js';
import { CONN_CAP } from './conn.js';
import { parseAll } from './parser.contract.js';
import { sshdSyslog } from './sshd-syslog.js';

const FILE_TIME = Date.UTC(2026, 2, 5);
const run = (text: string, fileTime = FILE_TIME) => parseAll(sshdSyslog, text.trim().split('\n'), 'auth.log', fileTime);
const failures = (evs: AuthEvent[]) => evs.filter((e) => e.outcome === 'failure');

describe('sshd: one SSH attempt is counted once', () => {
  it('joins Invalid user, the PAM failure and Failed password of one process', () => {
    const r = run(`
Mar  4 10:01:00 web01 sshd[2003]: Invalid user oracle from 203.0.113.10 port 40001
Mar  4 10:01:02 web01 sshd[2003]: pam_unix(sshd:auth): check pass; user unknown
Mar  4 10:01:02 web01 sshd[2003]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.10
Mar  4 10:01:04 web01 sshd[2003]: Failed password for invalid user oracle from 203.0.113.10 port 40001 ssh2
Mar  4 10:01:05 web01 sshd[2003]: Connection closed by invalid user oracle 203.0.113.10 port 40001 [preauth]`);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ outcome: 'failure', reason: 'unknown-user', user: 'oracle', srcIp: '203.0.113.10', srcPort: 40001, line: 1, service: 'sshd', target: 'web01' });
    expect(r.skips['same-attempt']).toBe(3);
  });

  it('joins a PAM failure with the Failed password line that follows it', () => {
    const r = run(`
Mar  4 10:02:00 web01 sshd[2004]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.20  user=root
Mar  4 10:02:02 web01 sshd[2004]: Failed password for root from 198.51.100.20 port 40100 ssh2`);
    expect(failures(r.events)).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ user: 'root', reason: 'bad-password', srcIp: '198.51.100.20' });
  });

  it('counts each further try of the same connection', () => {
    const r = run(`
Mar  4 10:02:00 web01 sshd[2004]: Failed password for root from 198.51.100.20 port 40100 ssh2
Mar  4 10:02:02 web01 sshd[2004]: Failed password for root from 198.51.100.20 port 40100 ssh2
Mar  4 10:02:04 web01 sshd[2004]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.20  user=root
Mar  4 10:02:05 web01 sshd[2004]: Failed password for root from 198.51.100.20 port 40100 ssh2
Mar  4 10:02:06 web01 sshd[2004]: error: maximum authentication attempts exceeded for root from 198.51.100.20 port 40100 ssh2 [preauth]`);
    expect(failures(r.events)).toHaveLength(3);
  });

  it('pairs the lines of one try by address and port when their pids differ', () => {
    const r = run(`
Mar  4 05:00:00 web01 sshd[1001]: Invalid user pi from 203.0.113.55 port 41234
Mar  4 05:00:00 web01 sshd[5002]: Failed password for invalid user pi from 203.0.113.55 port 41234 ssh2`);
    expect(r.events).toHaveLength(1);
  });

  it('does not join tries of different hosts that share a pid', () => {
    const r = run(`
Mar  4 10:01:00 web01 sshd[2003]: Invalid user oracle from 203.0.113.10 port 40001
Mar  4 10:01:04 web02 sshd[2003]: Failed password for invalid user oracle from 203.0.113.11 port 40002 ssh2`);
    expect(r.events).toHaveLength(2);
  });

  it('keeps its per-connection memory bounded', () => {
    const lines = Array.from({ length: CONN_CAP + 5000 }, (_, i) => `Mar  4 10:01:00 web01 sshd[${100000 + i}]: Invalid user u${i} from 203.0.113.10`);
    const ctx = { file: 'a', line: 0, state: {} as Record<string, unknown>, fileTime: FILE_TIME };
    for (const l of lines) sshdSyslog.parseLine(l, ctx);
    expect((ctx.state.conns as Map<string, unknown>).size).toBeLessThanOrEqual(CONN_CAP);
  });
});

describe('sshd: rsyslog repeats and connection ends', () => {
  it('turns "message repeated N times" into one event with repeat N', () => {
    const r = run(`
Mar  4 10:02:02 web01 sshd[2004]: Failed password for root from 198.51.100.20 port 40100 ssh2
Mar  4 10:02:05 web01 sshd[2004]: message repeated 4 times: [ Failed password for root from 198.51.100.20 port 40100 ssh2]`);
    expect(r.events).toHaveLength(2);
    expect(r.events[1]).toMatchObject({ repeat: 4, user: 'root', line: 2 });
    expect(r.events[1]?.raw).toContain('message repeated 4 times');
  });

  it('reports a connection that ends before any credential as one preauth failure', () => {
    const r = run(`
Mar  4 10:05:33 web01 sshd[2011]: Received disconnect from 192.0.2.54 port 53004:11: Bye Bye [preauth]
Mar  4 10:05:33 web01 sshd[2011]: Disconnected from 192.0.2.54 port 53004 [preauth]
Mar  4 10:05:40 web01 sshd[2012]: Connection closed by authenticating user git 192.0.2.50 port 53000 [preauth]
Mar  4 10:05:41 web01 sshd[2013]: Did not receive identification string from 192.0.2.51 port 53001
Mar  4 10:05:42 web01 sshd[2014]: Unable to negotiate with 192.0.2.52 port 53002: no matching host key type found. Their offer: ssh-dss [preauth]
Mar  4 10:05:43 web01 sshd[2015]: banner exchange: Connection from 192.0.2.53 port 53003: invalid format`);
    expect(r.events.map((e) => [e.reason, e.srcIp, e.user])).toEqual([
      ['preauth', '192.0.2.54', undefined],
      ['preauth', '192.0.2.50', 'git'],
      ['preauth', '192.0.2.51', undefined],
      ['preauth', '192.0.2.52', undefined],
      ['preauth', '192.0.2.53', undefined],
    ]);
  });

  it('holds refused public keys until the connection ends without success', () => {
    const ok = run(`
Mar  4 10:08:00 web01 sshd[2014]: Failed publickey for deploy from 10.1.2.4 port 55000 ssh2: RSA SHA256:cXV1eDEyMzQ1Njc4OTBh
Mar  4 10:08:00 web01 sshd[2014]: Accepted publickey for deploy from 10.1.2.4 port 55000 ssh2: ED25519 SHA256:Zm9vYmFyYmF6cXV4`);
    expect(failures(ok.events)).toHaveLength(0);
    expect(ok.skips['pubkey-probe']).toBe(1);
    const refused = run(`
Mar  4 10:08:30 web01 sshd[2019]: Failed publickey for git from 192.0.2.80 port 55100 ssh2: RSA SHA256:cXV1eDEyMzQ1Njc4OTBh
Mar  4 10:08:31 web01 sshd[2019]: Connection closed by authenticating user git 192.0.2.80 port 55100 [preauth]`);
    expect(failures(refused.events)).toEqual([expect.objectContaining({ user: 'git', method: 'publickey', reason: 'other' })]);
  });

  it('ignores ends of normal sessions', () => {
    const r = run(`
Mar  4 10:12:30 web01 sshd[2001]: Received disconnect from 10.1.2.3 port 50122:11: disconnected by user
Mar  4 10:12:30 web01 sshd[2001]: Disconnected from user deploy 10.1.2.3 port 50122
Mar  4 10:12:31 web01 sshd[2001]: pam_unix(sshd:session): session closed for user deploy`);
    expect(r.events).toEqual([]);
    expect(r.skips['not-auth']).toBe(3);
  });
});

describe('sshd: addresses, users and injection', () => {
  it('normalizes IPv6 and unwraps IPv4-mapped addresses', () => {
    const r = run(`
Mar  4 10:03:00 web01 sshd[2005]: Failed password for alice from 2001:DB8:0:0::BEEF port 51000 ssh2
Mar  4 10:04:00 web01 sshd[2006]: Failed keyboard-interactive/pam for admin from ::ffff:192.0.2.44 port 52000 ssh2`);
    expect(r.events.map((e) => e.srcIp)).toEqual(['2001:db8::beef', '192.0.2.44']);
  });

  it('normalizes DOMAIN\\user, user@domain and case', () => {
    const r = run(`
Mar  4 10:10:00 web01 sshd[2015]: Accepted password for CORP\\Erin from 192.0.2.70 port 56000 ssh2
Mar  4 10:10:30 web01 sshd[2016]: Accepted password for frank@Corp.Example from 192.0.2.71 port 56001 ssh2
Mar  4 10:11:00 web01 sshd[2017]: Failed password for ROOT from 192.0.2.72 port 56002 ssh2`);
    expect(r.events.map((e) => [e.user, e.userDomain, e.userRaw])).toEqual([
      ['erin', 'corp', 'CORP\\Erin'],
      ['frank', 'corp.example', 'frank@Corp.Example'],
      ['root', undefined, 'ROOT'],
    ]);
  });

  it('reads the address from the end, where a user name cannot inject one', () => {
    const r = run(`
Nov 11 08:04:52 web01 sshd[2737]: Failed password for invalid user test from 10.10.1.2 port 55555 ssh2 from 127.0.0.1 port 58946 ssh2
Jul 17 23:04:01 web01 sshd[1300]: Connection closed by authenticating user test 127.0.0.1 port 12345 192.0.2.11 port 46039 [preauth]`, Date.UTC(2026, 11, 31));
    expect(r.events[0]).toMatchObject({ srcIp: '127.0.0.1', srcPort: 58946, userRaw: 'test from 10.10.1.2 port 55555 ssh2' });
    expect(r.events[1]).toMatchObject({ srcIp: '192.0.2.11', userRaw: 'test 127.0.0.1 port 12345' });
  });

  it('keeps a host name source apart from addresses', () => {
    const r = run('May 29 20:56:52 imago sshd[28732]: error: PAM: Authentication failure for stefanor from example.com', Date.UTC(2026, 11, 31));
    expect(r.events[0]).toMatchObject({ srcIp: undefined, srcHost: 'example.com', user: 'stefanor' });
  });

  it('reads sshd-session (OpenSSH 9.8+) and tags without host or pid', () => {
    const r = run(`
Mar  4 10:11:00 web01 sshd-session[2017]: Failed password for invalid user test from 192.0.2.72 port 56002 ssh2
Mar  3 00:17:22 [sshd]: User root from 211.188.220.49 not allowed because not listed in AllowUsers`);
    expect(r.events.map((e) => [e.user, e.srcIp, e.reason])).toEqual([
      ['test', '192.0.2.72', 'unknown-user'],
      ['root', '211.188.220.49', 'disabled'],
    ]);
  });
});

describe('sshd: timestamps', () => {
  it('infers the RFC 3164 year from the file time and rolls back across New Year', () => {
    const r = run(`
Dec 30 23:59:58 web01 sshd[1]: Failed password for root from 203.0.113.1 port 1 ssh2
Dec 31 12:00:00 web01 sshd[2]: Failed password for root from 203.0.113.1 port 2 ssh2
Jan  1 00:00:05 web01 sshd[3]: Failed password for root from 203.0.113.1 port 3 ssh2
Jan  2 08:00:00 web01 sshd[4]: Failed password for root from 203.0.113.1 port 4 ssh2`, Date.UTC(2026, 0, 3));
    expect(r.events.map((e) => new Date(e.time).toISOString())).toEqual([
      '2025-12-30T23:59:58.000Z',
      '2025-12-31T12:00:00.000Z',
      '2026-01-01T00:00:05.000Z',
      '2026-01-02T08:00:00.000Z',
    ]);
  });

  it('never dates a line after the file time (beyond a day of zone slack)', () => {
    const r = run('Nov 29 17:53:34 web01 sshd[1]: Failed password for root from 203.0.113.1 port 1 ssh2', Date.UTC(2026, 2, 5));
    expect(new Date(r.events[0]!.time).toISOString()).toBe('2025-11-29T17:53:34.000Z');
  });

  it('reads RFC 5424 with structured data and RFC 3339 offsets', () => {
    const r = run(`
<38>1 2026-03-04T10:20:00.123456+01:00 web02.example.com sshd 3001 - - Failed password for invalid user admin from 203.0.113.77 port 41000 ssh2
<38>1 2026-03-04T10:20:07.5Z web02.example.com sshd 3004 - [x@32473 note="a\\]b\\"c"][y k="]"] Invalid user guest from 203.0.113.78 port 41002
2026-03-04T12:00:02.500+01:00 web03 sshd[4002]: Accepted password for alice from 192.0.2.80 port 42001 ssh2`);
    expect(r.events.map((e) => [new Date(e.time).toISOString(), e.target, e.user])).toEqual([
      ['2026-03-04T09:20:00.123Z', 'web02.example.com', 'admin'],
      ['2026-03-04T10:20:07.500Z', 'web02.example.com', 'guest'],
      ['2026-03-04T11:00:02.500Z', 'web03', 'alice'],
    ]);
  });

  it('keeps lines whose times go backwards (the detectors order events)', () => {
    const r = run(`
Mar  4 10:05:00 web01 sshd[1]: Failed password for root from 203.0.113.1 port 1 ssh2
Mar  4 10:01:00 web01 sshd[2]: Failed password for root from 203.0.113.1 port 2 ssh2`);
    expect(r.events).toHaveLength(2);
    expect(r.events[1]!.time).toBeLessThan(r.events[0]!.time);
  });

  it('reports an impossible date as bad-timestamp', () => {
    const r = run('Feb 30 10:00:00 web01 sshd[1]: Failed password for root from 203.0.113.1 port 1 ssh2');
    expect(r.results[0]).toBe('bad-timestamp');
  });
});

describe('sshd-syslog: other programs', () => {
  it('reads dropbear and counts Exit before auth only when no try was seen', () => {
    const r = run(`
Mar  4 12:00:01 router dropbear[501]: Bad password attempt for 'root' from 203.0.113.120:50001
Mar  4 12:00:05 router dropbear[501]: Exit before auth from <203.0.113.120:50001>: (user 'root', 1 fails): Max auth tries reached - user 'root'
Mar  4 12:01:00 router dropbear[502]: Login attempt for nonexistent user 'admin' from ::ffff:203.0.113.121:50002
Mar  4 12:01:30 router dropbear[503]: Password auth succeeded for 'root' from 192.0.2.90:50003
Mar  4 12:03:00 router dropbear[507]: Exit before auth (user 'pi', 10 fails): Max auth tries reached - user 'pi' from 203.0.113.123:50007`);
    expect(r.events.map((e) => [e.service, e.outcome, e.reason, e.user, e.srcIp, e.srcPort])).toEqual([
      ['dropbear', 'failure', 'bad-password', 'root', '203.0.113.120', 50001],
      ['dropbear', 'failure', 'unknown-user', 'admin', '203.0.113.121', 50002],
      ['dropbear', 'success', undefined, 'root', '192.0.2.90', 50003],
      ['dropbear', 'failure', 'other', 'pi', '203.0.113.123', 50007],
    ]);
  });

  it('reads PAM failures of any service, resisting rhost injection in the user name', () => {
    const r = run(`
Mar  4 13:00:00 ftp01 vsftpd: pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=bob rhost=203.0.113.130
Mar  4 13:01:00 ftp01 su: pam_unix(su:auth): authentication failure; logname=bob uid=1001 euid=0 tty=pts/1 ruser=bob rhost=  user=root
Mar  4 13:02:00 srv2 daemon: pam_unix(auth): authentication failure; logname= uid=0 euid=0 tty=xxx ruser= rhost=192.0.2.2 user=test rhost=192.0.2.152
Mar  4 13:04:00 ftp01 sshd[6002]: pam_faillock(sshd:auth): Consecutive login failures for user dave account temporarily locked`);
    expect(r.events.map((e) => [e.service, e.reason, e.user, e.srcIp, e.activity])).toEqual([
      ['vsftpd', 'unknown-user', 'bob', '203.0.113.130', 'logon'],
      ['su', 'bad-password', 'root', undefined, 'logon'],
      ['daemon', 'bad-password', 'test rhost=192.0.2.152', '192.0.2.2', 'logon'],
      ['sshd', 'locked', 'dave', undefined, 'lockout'],
    ]);
  });

  it('detects auth logs and not other syslog', () => {
    expect(sshdSyslog.detect(['Mar  4 10:00:01 web01 sshd[1]: Accepted publickey for a from 10.0.0.1 port 1 ssh2'])).toBe(true);
    expect(sshdSyslog.detect(['Mar  4 10:00:01 web01 kernel: [  0.0] Linux version 6.1'])).toBe(false);
  });
});
