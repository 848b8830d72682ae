import { describe, expect, it } from 'vitest';
import { canonicalKey, compareVersions, compareVersionsDetailed, parseVersion, schemeFor, splitDistro, splitUpdate, type VersionScheme } from './versions.js';

/** [a, b, expected order] under one scheme. */
type Case = [string, string, -1 | 0 | 1 | undefined];
const table = (scheme: VersionScheme, cases: Case[]): void => {
  it.each(cases)(`${scheme}: %s vs %s → %s`, (a, b, want) => {
    expect(compareVersions(a, b, scheme)).toBe(want);
    if (want !== undefined) expect(compareVersions(b, a, scheme)).toBe(want === 0 ? 0 : -want);
  });
};

describe('vendor schemes', () => {
  table('fortios', [
    ['7.4.2', '7.4.2', 0], ['v7.4.2,build2571', '7.4.2', 0], ['v7.4.2 build2571 (GA)', '7.4.3', -1],
    ['7.4.2', '7.4.3', -1], ['7.4.3', '7.4.2', 1], ['7.2.10', '7.2.9', 1], ['7.4', '7.4.0', 0], ['6.4.15', '7.0.0', -1],
  ]);
  table('ios-xe', [
    ['17.9.4a', '17.9.4a', 0], ['17.9.4', '17.9.4a', -1], ['17.9.4b', '17.9.4a', 1], ['17.9.5', '17.9.4a', 1],
    ['17.9', '17.9.4a', -1], ['16.12.10a', '16.12.9', 1], ['17.12.02', '17.12.2', 0], ['17.3', '17.3.0', 0],
  ]);
  table('ios', [
    ['15.2(4)M11', '15.2(4)M11', 0], ['15.2(4)M10', '15.2(4)M11', -1], ['15.2(4)M12', '15.2(4)M11', 1],
    ['15.2(5)M1', '15.2(4)M11', 1], ['15.1(4)M11', '15.2(4)M1', -1], ['15.2(4)M', '15.2(4)M1', -1],
    ['15.2(4)M11', '15.2(4)E1', undefined], ['15.2(4a)M1', '15.2(4)M1', 1],
  ]);
  table('pan-os', [
    ['10.2.9-h1', '10.2.9-h1', 0], ['10.2.9', '10.2.9-h1', -1], ['10.2.9-h2', '10.2.9-h1', 1],
    ['10.2.10', '10.2.9-h12', 1], ['10.2.8-h3', '10.2.9', -1], ['11.1', '11.1.0', 0],
  ]);
  table('netscaler', [
    ['13.1-49.15', '13.1-49.15', 0], ['13.1-49.14', '13.1-49.15', -1], ['13.1-49.16', '13.1-49.15', 1],
    ['13.1-50.1', '13.1-49.15', 1], ['13.1', '13.1-49.15', -1], ['14.1-8.50', '13.1-49.15', 1], ['12.1-55.300', '12.1-55.299', 1],
  ]);
  table('sonicos', [
    ['7.0.1-5035', '7.0.1-5035', 0], ['7.0.1-5034', '7.0.1-5035', -1], ['7.0.1-5036', '7.0.1-5035', 1],
    ['7.0.1', '7.0.1-5035', -1], ['6.5.4.15-116n', '6.5.4.15.116n', 0], ['5.9.2.14-12o', '5.9.2.14-13o', -1],
    ['6.5.2.8-2n', '6.5.2.8-2o', -1],
  ]);
  table('ivanti', [
    ['22.4R2.1', '22.4R2.1', 0], ['22.4R2', '22.4R2.1', -1], ['22.4R2.2', '22.4R2.1', 1], ['22.4R1', '22.4R2.1', -1],
    ['22.4', '22.4R1', -1], ['9.1R18', '9.1R4.3', 1], ['22.4r2.1', '22.4R2.1', 0], ['22.7R2.3 (build 1234)', '22.7R2.3', 0],
  ]);
  table('ntp', [
    ['4.2.8p14', '4.2.8p14', 0], ['4.2.8p13', '4.2.8p14', -1], ['4.2.8p15', '4.2.8p14', 1], ['4.2.8', '4.2.8p1', -1],
    ['4.2.8p9', '4.2.8p10', -1], ['4.2.7p99', '4.2.8', -1],
  ]);
  table('openssl', [
    ['1.0.2k', '1.0.2k', 0], ['1.0.2j', '1.0.2k', -1], ['1.0.2l', '1.0.2k', 1], ['1.0.2', '1.0.2a', -1],
    ['1.0.2z', '1.0.2za', -1], ['1.1.0', '1.0.2zk', 1], ['3.0.13', '3.0.9', 1], ['1.0.2k-fips', '1.0.2k', 0],
  ]);
  table('dotted', [
    ['23.9.7.8804', '23.9.7.8804', 0], ['23.9.7.8804', '23.9.8', -1], ['23.9.8.8811', '23.9.8', 1], ['23.9.8', '23.9.8.0', 0],
    ['23.9.10.8817', '23.9.8', 1], ['22.10.10924', '23.9.8', -1],
  ]);
  table('generic', [
    ['8.9p1', '8.9p1', 0], ['8.9', '8.9p1', -1], ['9.0p1', '8.9p1', 1], ['2.4.52', '2.4.9', 1], ['1.0rc1', '1.0', -1], ['1.0.0', '1.0', 0],
  ]);
});

describe('incomparable and hostile versions', () => {
  it('gives undefined for text the scheme cannot read, never throws', () => {
    expect(compareVersions('', '1.0')).toBeUndefined();
    expect(compareVersions('*', '1.0')).toBeUndefined();
    expect(compareVersions('banana', '1.0')).toBeUndefined();
    expect(compareVersions('1'.repeat(200), '1.0')).toBeUndefined();
    expect(compareVersions('x'.repeat(1_000_000), '1.0', 'fortios')).toBeUndefined();
    expect(compareVersions('15.2(4', '15.2(4)M1', 'ios')).toBeUndefined();
  });
  it('orders absurdly large numbers without precision loss', () => {
    expect(compareVersions('99999999999999999999.1', '99999999999999999998.9')).toBe(1);
    expect(compareVersions('007.1', '7.1')).toBe(0);
  });
  it('falls back to the generic reader when a vendor scheme does not fit', () => {
    expect(parseVersion('10.2.9-beta1', 'pan-os')?.scheme).toBe('generic');
    expect(compareVersions('10.2.9-beta1', '10.2.9-beta2', 'pan-os')).toBe(-1);
    // …but a generically read version never compares with a vendor-shaped key.
    expect(compareVersions('10.2.9-beta1', '10.2.9', 'pan-os')).toBeUndefined();
    expect(parseVersion('7.4.2', 'pan-os')?.key).toHaveLength(4);
  });
});

describe('distro-patched versions', () => {
  it('compares the upstream part and marks the result uncertain', () => {
    expect(splitDistro('8.9p1 Ubuntu 3ubuntu0.6')).toEqual({ upstream: '8.9p1', distro: true });
    expect(splitDistro('1:9.2p1-2+deb12u1')).toEqual({ upstream: '9.2p1', distro: true });
    expect(splitDistro('1.1.1k-7.el8_6')).toEqual({ upstream: '1.1.1k', distro: true });
    expect(splitDistro('13.1-49.15')).toEqual({ upstream: '13.1-49.15', distro: false });
    expect(compareVersionsDetailed('8.9p1 Ubuntu 3ubuntu0.6', '9.3p2')).toEqual({ order: -1, scheme: 'generic', uncertain: true });
    expect(compareVersionsDetailed('1.1.1k-7.el8_6', '1.1.1k', 'openssl')).toEqual({ order: 0, scheme: 'openssl', uncertain: true });
    expect(compareVersionsDetailed('8.9p1', '9.3p2')?.uncertain).toBe(false);
  });
});

describe('schemeFor', () => {
  it('names the vendor scheme for NVD names and falls back to generic', () => {
    expect(schemeFor('fortinet', 'fortios')).toBe('fortios');
    expect(schemeFor('Fortinet', 'fortiproxy')).toBe('fortios');
    expect(schemeFor('cisco', 'ios_xe')).toBe('ios-xe');
    expect(schemeFor('cisco', 'ios')).toBe('ios');
    expect(schemeFor('paloaltonetworks', 'pan-os')).toBe('pan-os');
    expect(schemeFor('citrix', 'netscaler_gateway')).toBe('netscaler');
    expect(schemeFor('sonicwall', 'sonicos')).toBe('sonicos');
    expect(schemeFor('ivanti', 'connect_secure')).toBe('ivanti');
    expect(schemeFor('ntp', 'ntp')).toBe('ntp');
    expect(schemeFor('openssl', 'openssl')).toBe('openssl');
    expect(schemeFor('connectwise', 'screenconnect')).toBe('dotted');
    expect(schemeFor('openbsd', 'openssh')).toBe('generic');
  });
});

describe('canonical keys and embedded updates', () => {
  const key = (v: string, s: VersionScheme = 'generic') => canonicalKey(parseVersion(v, s) ?? (() => { throw new Error(v); })());
  it('gives equal keys exactly for versions that compare equal', () => {
    expect(key('1.0')).toBe(key('1.0.0'));
    expect(key('17.12.02', 'ios-xe')).toBe(key('17.12.2', 'ios-xe'));
    expect(key('1.0')).not.toBe(key('1.0.1'));
    expect(key('17.9.4', 'ios-xe')).not.toBe(key('17.9.4a', 'ios-xe'));
    expect(key('10.2.9', 'pan-os')).not.toBe(key('10.2.9', 'generic'));
  });
  it('splits Ivanti versions into NVD version and update, and nothing else', () => {
    expect(splitUpdate('22.4R2.1', 'ivanti')).toEqual({ version: '22.4', update: 'r2.1' });
    expect(splitUpdate('9.1R18', 'ivanti')).toEqual({ version: '9.1', update: 'r18' });
    expect(splitUpdate('22.4', 'ivanti')).toBeUndefined();
    expect(splitUpdate('22.4R2.1', 'generic')).toBeUndefined();
  });
});
