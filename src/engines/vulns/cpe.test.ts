import { describe, expect, it } from 'vitest';
import { HubguardError } from '../../core/index.js';
import { compileCriterion, matchCriterion, parseCpe, tryParseCpe, type CpeMatchCriterion } from './cpe.js';

const expectMalformed = (cpe: string, why: RegExp): void => {
  let err: unknown;
  try { parseCpe(cpe); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(HubguardError);
  expect((err as HubguardError).code).toBe('HG_ERR_VALIDATION');
  expect((err as HubguardError).message).toMatch(why);
};

describe('parseCpe: CPE 2.3 formatted strings', () => {
  it('reads all eleven attributes, lower-cased, with ANY and NA kept', () => {
    expect(parseCpe('cpe:2.3:o:Fortinet:FortiOS:7.4.2:*:*:*:*:*:*:*')).toEqual({
      part: 'o', vendor: 'fortinet', product: 'fortios', version: '7.4.2', update: '*', edition: '*', language: '*',
      swEdition: '*', targetSw: '*', targetHw: '*', other: '*',
    });
    expect(parseCpe('cpe:2.3:h:sonicwall:nsa_2650:-:*:*:*:*:*:*:*').version).toBe('-');
  });
  it('unescapes backslash-quoted punctuation and splits only on unescaped colons', () => {
    const c = parseCpe('cpe:2.3:a:acme:widget\\:pro:1.0\\-beta:*:*:*:*:node\\.js:*:*');
    expect(c.product).toBe('widget:pro');
    expect(c.version).toBe('1.0-beta');
    expect(c.targetSw).toBe('node.js');
    // A lone escaped hyphen is a literal value, distinct from NA.
    expect(parseCpe('cpe:2.3:a:acme:widget:\\-:*:*:*:*:*:*:*').version).toBe('\\-');
  });
  it('refuses malformed names with a clear HG_ERR_VALIDATION', () => {
    expectMalformed('cpe:2.3:a:acme:widget', /11 attributes.*found 3/);
    expectMalformed('cpe:2.3:x:acme:widget:1:*:*:*:*:*:*:*', /part must be a, o or h/);
    expectMalformed('cpe:2.3:a::widget:1:*:*:*:*:*:*:*', /empty attribute/);
    expectMalformed('cpe:2.3:a:acme:wid*get:1:*:*:*:*:*:*:*', /wildcard inside value/);
    expectMalformed('cpe:2.3:a:acme:widget:1:*:*:*:*:*:*:*\\', /dangling escape/);
    expectMalformed('acme widget 1.0', /must start with/);
    expectMalformed(`cpe:2.3:a:acme:${'x'.repeat(1_000_000)}:1:*:*:*:*:*:*:*`, /longer than 512/);
    expect(tryParseCpe('nonsense')).toBeUndefined();
  });
});

describe('parseCpe: CPE 2.2 URIs (nmap)', () => {
  it('reads short URIs, with missing components as ANY and percent-decoding', () => {
    expect(parseCpe('cpe:/a:openbsd:openssh:8.9p1')).toMatchObject({ part: 'a', vendor: 'openbsd', product: 'openssh', version: '8.9p1', update: '*' });
    expect(parseCpe('cpe:/o:linux:linux_kernel')).toMatchObject({ part: 'o', version: '*' });
    expect(parseCpe('cpe:/a:acme:wid%3aget:1.0').product).toBe('wid:get');
    expect(parseCpe('cpe:/a:microsoft:exchange_server:2019:cu9').update).toBe('cu9');
  });
  it('unpacks a packed edition (~edition~sw_edition~target_sw~target_hw~other)', () => {
    expect(parseCpe('cpe:/a:acme:widget:1.0::~~pro~android~~')).toMatchObject({ swEdition: 'pro', targetSw: 'android', edition: '*' });
  });
  it('refuses malformed URIs', () => {
    expectMalformed('cpe:/a:acme:widget:1:2:3:4:5', /at most 7 components/);
    expectMalformed('cpe:/a:acme:wid%zzget', /percent-encoding/);
    expectMalformed('cpe:/q:acme:widget', /part must be/);
    expectMalformed('cpe:/a:acme:widget:1::~a~b', /packed edition/);
  });
});

const crit = (criteria: string, bounds: Partial<CpeMatchCriterion> = {}): CpeMatchCriterion => ({ criteria, vulnerable: true, ...bounds });

describe('matchCriterion: the four bounds', () => {
  const fortios = crit('cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*', { versionStartIncluding: '7.4.0', versionEndExcluding: '7.4.3' });
  const p = (version?: string) => ({ vendor: 'fortinet', product: 'fortios', ...(version ? { version } : {}) });
  it('honours start-including and end-excluding', () => {
    expect(matchCriterion(fortios, p('7.4.0'))?.confidence).toBe('vendor-scheme');
    expect(matchCriterion(fortios, p('v7.4.2,build2571'))?.evidence.comparisons).toEqual([
      'v7.4.2,build2571 >= 7.4.0 (versionStartIncluding)', 'v7.4.2,build2571 < 7.4.3 (versionEndExcluding)',
    ]);
    expect(matchCriterion(fortios, p('7.4.3'))).toBeUndefined();
    expect(matchCriterion(fortios, p('7.2.9'))).toBeUndefined();
  });
  it('honours start-excluding and end-including', () => {
    const c = crit('cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*', { versionStartExcluding: '1.0', versionEndIncluding: '2.0' });
    const w = (version: string) => ({ vendor: 'acme', product: 'widget', version });
    expect(matchCriterion(c, w('1.0'))).toBeUndefined();
    expect(matchCriterion(c, w('1.0.1'))?.confidence).toBe('range');
    expect(matchCriterion(c, w('2.0'))?.confidence).toBe('range');
    expect(matchCriterion(c, w('2.0.1'))).toBeUndefined();
  });
  it('treats * with no bounds as every version, and only then', () => {
    const all = crit('cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*');
    expect(matchCriterion(all, { vendor: 'acme', product: 'widget', version: '0.0.1' })?.evidence.comparisons).toEqual(['criterion covers every version (no bounds)']);
    const bounded = crit('cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*', { versionEndExcluding: '2.0' });
    expect(matchCriterion(bounded, { vendor: 'acme', product: 'widget', version: '3.0' })).toBeUndefined();
  });
  it('never matches when a bound cannot be compared', () => {
    const c = crit('cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*', { versionEndExcluding: 'banana' });
    expect(matchCriterion(c, { vendor: 'acme', product: 'widget', version: '1.0' })).toBeUndefined();
    expect(matchCriterion(fortios, p('x'.repeat(10_000)))).toBeUndefined();
  });
  it('reports an unknown installed version as product-only', () => {
    expect(matchCriterion(fortios, p())).toMatchObject({ confidence: 'product-only', evidence: { caveats: ['installed version unknown'] } });
  });
  it('marks distro-patched versions uncertain', () => {
    const ssh = crit('cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*', { versionEndExcluding: '9.3p2' });
    const m = matchCriterion(ssh, { vendor: 'openbsd', product: 'openssh', version: '8.9p1 Ubuntu 3ubuntu0.6' });
    expect(m?.confidence).toBe('uncertain');
    expect(m?.evidence.caveats[0]).toMatch(/backports possible/);
  });
});

describe('matchCriterion: names and other attributes', () => {
  it('needs the same vendor and product; a wildcard vendor never matches', () => {
    expect(matchCriterion(crit('cpe:2.3:a:*:nx:*:*:*:*:*:*:*:*'), { vendor: 'siemens', product: 'nx', version: '1' })).toBeUndefined();
    expect(matchCriterion(crit('cpe:2.3:a:siemens:nx:*:*:*:*:*:*:*:*'), { vendor: 'nrwl', product: 'nx', version: '1' })).toBeUndefined();
    expect(matchCriterion(crit('cpe:2.3:a:siemens:nx:*:*:*:*:*:*:*:*'), { vendor: 'siemens', product: 'nx', version: '1' })).toBeDefined();
  });
  it('checks the part when the product declares one', () => {
    expect(matchCriterion(crit('cpe:2.3:h:acme:widget:-:*:*:*:*:*:*:*'), { part: 'a', vendor: 'acme', product: 'widget' })).toBeUndefined();
    expect(matchCriterion(crit('cpe:2.3:h:acme:widget:-:*:*:*:*:*:*:*'), { part: 'h', vendor: 'acme', product: 'widget' })?.confidence).toBe('exact');
  });
  it('checks target_sw and sw_edition when both sides name one', () => {
    const c = crit('cpe:2.3:a:acme:widget:*:*:*:*:*:wordpress:*:*');
    expect(matchCriterion(c, { vendor: 'acme', product: 'widget', version: '1', targetSw: 'drupal' })).toBeUndefined();
    expect(matchCriterion(c, { vendor: 'acme', product: 'widget', version: '1', targetSw: 'wordpress' })).toBeDefined();
    expect(matchCriterion(c, { vendor: 'acme', product: 'widget', version: '1' })).toBeDefined();
  });
  it('matches a specific version exactly, joining Ivanti-style updates', () => {
    const c = crit('cpe:2.3:a:ivanti:connect_secure:22.4:r2.1:*:*:*:*:*:*');
    expect(matchCriterion(c, { vendor: 'ivanti', product: 'connect_secure', version: '22.4R2.1' })?.confidence).toBe('exact');
    expect(matchCriterion(c, { vendor: 'ivanti', product: 'connect_secure', version: '22.4', update: 'r2.1' })?.confidence).toBe('exact');
    expect(matchCriterion(c, { vendor: 'ivanti', product: 'connect_secure', version: '22.4R2.2' })).toBeUndefined();
    expect(matchCriterion(c, { vendor: 'ivanti', product: 'connect_secure', version: '22.4', update: 'r1' })).toBeUndefined();
    // The update is unknown: a possible match, not a sure one.
    expect(matchCriterion(c, { vendor: 'ivanti', product: 'connect_secure', version: '22.4' })?.confidence).toBe('uncertain');
  });
  it('reads escaped classic IOS versions as NVD writes them', () => {
    const c = crit('cpe:2.3:o:cisco:ios:15.2\\(4\\)m11:*:*:*:*:*:*:*');
    const ios = (version: string) => ({ part: 'o' as const, vendor: 'cisco', product: 'ios', version });
    expect(compileCriterion(c).cpe.version).toBe('15.2(4)m11');
    expect(matchCriterion(c, ios('15.2(4)M11'))?.confidence).toBe('exact');
    expect(matchCriterion(c, ios('15.2(4)M10'))).toBeUndefined();
    expect(matchCriterion(c, ios('15.2(4)E11'))).toBeUndefined();
  });
  it('compiles once and reuses', () => {
    const c = compileCriterion(crit('cpe:2.3:a:connectwise:screenconnect:*:*:*:*:*:*:*:*', { versionEndExcluding: '23.9.8' }));
    expect(c.scheme).toBe('dotted');
    expect(matchCriterion(c, { vendor: 'connectwise', product: 'screenconnect', version: '23.9.7.8804' })?.confidence).toBe('vendor-scheme');
  });
});
