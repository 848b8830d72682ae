import { describe, expect, it } from 'vitest';
import { ciscoAsa } from './cisco-asa.js';
import { fortigate, parseKv } from './fortigate.js';
import { globalProtect } from './globalprotect.js';
import { parseAll } from './parser.contract.js';
import type { LineParser } from './types.js';

const FILE_TIME = Date.UTC(2026, 2, 5);
const one = (p: LineParser, line: string, tz?: number) => parseAll(p, [line], 'vpn.log', FILE_TIME, { tzOffsetMinutes: tz });

describe('FortiGate', () => {
  it('reads quoted values with escaped quotes', () => {
    const kv = parseKv('date=2026-03-04 msg="say \\"hi\\" now" user="a b" n=1', 0);
    expect([kv.get('msg'), kv.get('user'), kv.get('n')]).toEqual(['say "hi" now', 'a b', '1']);
  });

  it('reads SSL VPN login failures with eventtime, or date and time in the tz offset', () => {
    const a = one(fortigate, 'date=2026-03-04 time=20:00:00 devname="FGT1" eventtime=1772654400123456789 logid="0101039426" type="event" subtype="vpn" action="ssl-login-fail" remip=203.0.113.160 user="admin" reason="sslvpn_login_permission_denied"');
    expect(a.events[0]).toMatchObject({ time: Date.UTC(2026, 2, 4, 20, 0, 0, 123), outcome: 'failure', reason: 'bad-password', srcIp: '203.0.113.160', user: 'admin', target: 'fgt1', method: 'ssl-vpn' });
    const b = one(fortigate, 'date=2026-03-04 time=21:00:05 tz="+0100" logid="0101039426" type="event" subtype="vpn" logdesc="SSL VPN login fail" remip=203.0.113.161 user="bob" reason="sslvpn_login_unknown_user"');
    expect(b.events[0]).toMatchObject({ time: Date.UTC(2026, 2, 4, 20, 0, 5), reason: 'unknown-user' });
    const c = one(fortigate, 'date=2026-03-04 time=21:00:05 logid="0101039426" type="event" subtype="vpn" action="ssl-login-fail" remip=203.0.113.161 user="bob"', -300);
    expect(c.events[0]?.time).toBe(Date.UTC(2026, 2, 5, 2, 0, 5));
  });

  it('reads administrator logins and skips traffic', () => {
    const r = one(fortigate, 'date=2026-03-04 time=20:02:00 logid="0100032002" type="event" subtype="system" user="admin" ui="https(203.0.113.162)" action="login" status="failed" reason="name_invalid"');
    expect(r.events[0]).toMatchObject({ outcome: 'failure', reason: 'unknown-user', srcIp: '203.0.113.162', method: 'admin-https' });
    expect(one(fortigate, 'date=2026-03-04 time=20:03:00 logid="0000000013" type="traffic" subtype="forward" action="accept"').results[0]).toBe('not-auth');
  });
});

describe('Cisco ASA', () => {
  it('reads AAA rejections, hiding masked user names', () => {
    const r = parseAll(ciscoAsa, [
      'Mar  4 21:00:00 asa01 %ASA-6-113015: AAA user authentication Rejected : reason = Invalid password : local database : user = admin : user IP = 203.0.113.170',
      '<166>Mar 04 2026 21:00:05 asa01 : %ASA-6-113005: AAA user authentication Rejected : reason = AAA failure : server = 10.0.0.10 : user = ***** : user IP = 203.0.113.171',
    ], 'asa.log', FILE_TIME);
    expect(r.events.map((e) => [e.outcome, e.reason, e.user, e.userRaw, e.srcIp, e.target])).toEqual([
      ['failure', 'bad-password', 'admin', 'admin', '203.0.113.170', 'asa01'],
      ['failure', 'other', undefined, '*****', '203.0.113.171', 'asa01'],
    ]);
  });

  it('reads WebVPN, AnyConnect and management logins', () => {
    const r = parseAll(ciscoAsa, [
      'Mar  4 21:00:11 asa01 %ASA-6-716039: Group <DfltGrpPolicy> User <bob> IP <203.0.113.172> Authentication: rejected, Session Type: WebVPN.',
      'Mar  4 21:00:13 asa01 %ASA-4-722051: Group <Employees> User <alice> IP <198.51.100.98> IPv4 Address <10.10.20.5> IPv6 address <::> assigned to session',
      'Mar  4 21:00:14 asa01 %ASA-6-605004: Login denied from 203.0.113.173/40022 to outside:192.0.2.2/ssh for user "root"',
      'Mar  4 21:00:15 asa01 %ASA-6-302013: Built inbound TCP connection 12345 for outside:203.0.113.174/51000',
      '%ASA-6-113015: AAA user authentication Rejected : reason = Invalid password : local database : user = x : user IP = 203.0.113.175',
    ], 'asa.log', FILE_TIME);
    expect(r.events.map((e) => [e.outcome, e.user, e.srcIp, e.srcPort, e.method])).toEqual([
      ['failure', 'bob', '203.0.113.172', undefined, 'webvpn'],
      ['success', 'alice', '198.51.100.98', undefined, 'anyconnect'],
      ['failure', 'root', '203.0.113.173', 40022, 'management'],
    ]);
    expect(r.results.slice(3, 5)).toEqual(['not-auth', 'bad-timestamp']);
  });
});

describe('Palo Alto GlobalProtect', () => {
  const gp = (id: string, status: string, err = '', repeat = '1') =>
    `<14>Mar  4 22:00:00 PA-EDGE01 1,2026/03/04 22:00:00,012801096514,GLOBALPROTECT,0,2561,2026/03/04 22:00:00,vsys1,${id},login,LDAP,,corp\\alice,US,LAPTOP-01,203.0.113.180,0.0.0.0,0.0.0.0,0.0.0.0,,012801096514,6.2.1,Windows,"Microsoft Windows 11 Pro , 64-bit",${repeat},,${err},,${status},,0,user-logon,0,GP-Portal,7291003,0x0`;

  it('reads GLOBALPROTECT portal and gateway authentication with the firewall zone', () => {
    const r = one(globalProtect, gp('gateway-auth', 'failure', 'Authentication failed: Invalid username or password', '3'), 60);
    expect(r.events[0]).toMatchObject({ time: Date.UTC(2026, 2, 4, 21), outcome: 'failure', reason: 'bad-password', user: 'alice', userDomain: 'corp', srcIp: '203.0.113.180', repeat: 3, target: 'gateway-auth' });
    expect(one(globalProtect, gp('portal-auth', 'success')).events[0]?.outcome).toBe('success');
    expect(one(globalProtect, gp('gateway-connected', 'success')).results[0]).toBe('not-auth');
  });

  it('reads the older SYSTEM log form', () => {
    const line = '1,2026/03/04 22:01:00,012801096514,SYSTEM,globalprotect,0,2026/03/04 22:01:00,,globalprotectportal-auth-fail,GP-Portal,0,0,general,informational,"GlobalProtect portal user authentication failed. Login from: 203.0.113.181, Source region: NL, User name: carol, Client OS version: Microsoft Windows 10 Pro , 64-bit, Reason: Authentication failed: Account is locked, Auth type: profile.",7291006,0x0';
    expect(one(globalProtect, line).events[0]).toMatchObject({ outcome: 'failure', reason: 'locked', user: 'carol', srcIp: '203.0.113.181', target: 'portal-auth' });
  });
});
