import { describe, expect, it } from 'vitest';
import { normalizeIp } from './ip.js';

describe('normalizeIp', () => {
  it('keeps IPv4 and refuses ambiguous or invalid quads', () => {
    expect(normalizeIp('203.0.113.7')).toBe('203.0.113.7');
    expect(normalizeIp('192.030.0.6')).toBeUndefined(); // leading zero: octal to inet_aton
    expect(normalizeIp('256.1.1.1')).toBeUndefined();
    expect(normalizeIp('1.2.3')).toBeUndefined();
    expect(normalizeIp('example.com')).toBeUndefined();
    expect(normalizeIp('')).toBeUndefined();
  });

  it('writes IPv6 in the RFC 5952 form', () => {
    expect(normalizeIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(normalizeIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // first of equal runs
    expect(normalizeIp('2001:0db8:0000:0001:0000:0000:0000:0001')).toBe('2001:db8:0:1::1');
    expect(normalizeIp('2001:db8:1:1:1:1:0:1')).toBe('2001:db8:1:1:1:1:0:1'); // one zero hextet stays
    expect(normalizeIp('::')).toBe('::');
    expect(normalizeIp('::1')).toBe('::1');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeIp('[2001:db8::5]')).toBe('2001:db8::5');
    expect(normalizeIp('aaaa:bbbb:cccc:1234::1:1')).toBe('aaaa:bbbb:cccc:1234::1:1');
  });

  it('unwraps IPv4-mapped IPv6', () => {
    expect(normalizeIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeIp('::FFFF:c000:0201')).toBe('192.0.2.1');
    expect(normalizeIp('64:ff9b::192.0.2.1')).toBe('64:ff9b::c000:201');
  });

  it('refuses malformed IPv6', () => {
    for (const bad of ['1:2:3:4:5:6:7:8:9', '1::2::3', '12345::1', '1:2:3:4:5:6:7', 'g::1', '1:', ':1']) {
      expect(normalizeIp(bad), bad).toBeUndefined();
    }
  });
});
