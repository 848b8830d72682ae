import { describe, expect, it } from 'vitest';
import { CidrSet, ipv6Hextets, isCidr, networkKey, sourceKey } from './net.js';

describe('source keys', () => {
  it('counts IPv4 as an integer and reduces IPv6 to its /64', () => {
    expect(sourceKey('203.0.113.10')).toBe((203 * 2 ** 24 + 113 * 256 + 10) | 0);
    expect(sourceKey('203.0.113.10')).not.toBe(sourceKey('203.0.113.11'));
    expect(sourceKey('0.0.0.0')).toBe(0);
    expect(sourceKey('1.2.3.256')).toBe('1.2.3.256');
    expect(sourceKey('2001:db8:dead:beef::1')).toBe('2001:db8:dead:beef::/64');
    expect(sourceKey('2001:db8:dead:beef:1:2:3:4')).toBe('2001:db8:dead:beef::/64');
    expect(sourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('web01.example.com')).toBe('web01.example.com');
  });

  it('groups IPv4 by /24 for network keys', () => {
    expect(networkKey('192.0.2.77')).toBe(networkKey('192.0.2.1'));
    expect(networkKey('192.0.2.77')).not.toBe(networkKey('192.0.3.77'));
    expect(networkKey('192.0.2.77')).toBe(sourceKey('192.0.2.0'));
    expect(networkKey('2001:db8:1:2::5')).toBe('2001:db8:1:2::/64');
  });

  it('expands IPv6 forms', () => {
    expect(ipv6Hextets('::1')).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Hextets('::ffff:192.0.2.1')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]);
    expect(ipv6Hextets('fe80::1%eth0')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Hextets('1:2:3')).toBeUndefined();
    expect(ipv6Hextets('1::2::3')).toBeUndefined();
  });
});

describe('CIDR sets', () => {
  it('matches IPv4 and IPv6 ranges and bare addresses', () => {
    const s = new CidrSet(['10.0.0.0/8', '192.0.2.7', '2001:db8:aa::/48', '0.0.0.0/0']);
    expect(s.has('10.200.3.4')).toBe(true);
    expect(s.has('2001:db8:aa:ff::1')).toBe(true);
    expect(s.has('2001:db8:ab::1')).toBe(false);
    const t = new CidrSet(['10.0.0.0/8', '192.0.2.7']);
    expect(t.has('192.0.2.7')).toBe(true);
    expect(t.has('192.0.2.8')).toBe(false);
    expect(t.has('11.0.0.1')).toBe(false);
    expect(t.has('not-an-ip')).toBe(false);
  });

  it('refuses what is not a range', () => {
    expect(isCidr('10.0.0.0/33')).toBe(false);
    expect(isCidr('300.1.1.1')).toBe(false);
    expect(isCidr('2001:db8::/129')).toBe(false);
    expect(isCidr('2001:db8::/32')).toBe(true);
    expect(() => new CidrSet(['x', 'y'])).toThrow(/x, y/);
  });
});
