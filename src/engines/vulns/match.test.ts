import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasAlias, resolveProduct } from './aliases.js';
import type { InstalledProduct } from './cpe.js';
import { matchCve, productsOfAsset, type Configuration, type CveInput } from './match.js';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../../../fixtures/vulns/${name}`, import.meta.url), 'utf8')) as T;
const configs = fixture<Record<string, Configuration[]>>('nvd-configurations.json');
const kev = fixture<{ vulnerabilities: { cveID: string; vendorProject: string; product: string }[] }>('kev-excerpt.json');

/** The CVE as the matcher sees it: NVD configurations plus its KEV names. */
const cve = (id: string): CveInput => {
  const k = kev.vulnerabilities.find((v) => v.cveID === id);
  return { id, configurations: configs[id] ?? [], ...(k ? { kev: { vendorProject: k.vendorProject, product: k.product } } : {}) };
};
/** An asset as an inventory states it (prose names), turned into NVD products. */
const asset = (vendor: string, product: string, version?: string): InstalledProduct[] =>
  productsOfAsset({ vendor, product, ...(version ? { version } : {}) });
const conf = (id: string, products: InstalledProduct[]) => matchCve(cve(id), products)?.confidence;

describe('FortiOS CVE-2024-21762 (out-of-bounds write in sslvpnd)', () => {
  it('matches affected releases and not fixed ones', () => {
    expect(conf('CVE-2024-21762', asset('Fortinet', 'FortiOS', 'v7.4.2,build2571'))).toBe('vendor-scheme');
    expect(conf('CVE-2024-21762', asset('Fortinet', 'FortiOS', '7.2.6'))).toBe('vendor-scheme');
    expect(conf('CVE-2024-21762', asset('Fortinet', 'FortiOS', '6.0.17'))).toBe('vendor-scheme');
    expect(conf('CVE-2024-21762', asset('Fortinet', 'FortiProxy', '7.4.2'))).toBe('vendor-scheme');
    expect(conf('CVE-2024-21762', asset('Fortinet', 'FortiOS', '7.4.3'))).toBeUndefined();
    expect(conf('CVE-2024-21762', asset('Fortinet', 'FortiOS', '7.2.7'))).toBeUndefined();
    expect(conf('CVE-2024-21762', asset('Fortinet', 'FortiOS', '7.6.0'))).toBeUndefined();
    expect(conf('CVE-2024-21762', asset('Fortinet', 'FortiOS', '5.6.14'))).toBeUndefined();
  });
  it('carries the criterion, bounds and comparisons as evidence', () => {
    const m = matchCve(cve('CVE-2024-21762'), asset('Fortinet', 'FortiOS', '7.4.2'));
    expect(m?.criterion?.evidence).toMatchObject({
      criteria: 'cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*', scheme: 'fortios',
      bounds: { versionStartIncluding: '7.4.0', versionEndExcluding: '7.4.3' },
      comparisons: ['7.4.2 >= 7.4.0 (versionStartIncluding)', '7.4.2 < 7.4.3 (versionEndExcluding)'],
    });
  });
});

describe('NetScaler CVE-2023-4966 (Citrix Bleed)', () => {
  it('compares release-build versions', () => {
    expect(conf('CVE-2023-4966', asset('Citrix', 'NetScaler ADC', '13.1-49.14'))).toBe('vendor-scheme');
    expect(conf('CVE-2023-4966', asset('Citrix', 'NetScaler ADC', '13.1-49.15'))).toBeUndefined();
    expect(conf('CVE-2023-4966', asset('Citrix', 'NetScaler ADC', '14.1-8.49'))).toBe('vendor-scheme');
    expect(conf('CVE-2023-4966', asset('Citrix', 'NetScaler ADC', '14.1-8.50'))).toBeUndefined();
    expect(conf('CVE-2023-4966', asset('Citrix', 'NetScaler Gateway', '13.0-92.18'))).toBe('vendor-scheme');
    expect(conf('CVE-2023-4966', asset('Citrix', 'NetScaler Gateway', '13.0-92.19'))).toBeUndefined();
  });
});

describe('IOS XE CVE-2023-20198 (web UI privilege escalation)', () => {
  const xe = (v: string): InstalledProduct[] => [{ part: 'o', vendor: 'cisco', product: 'ios_xe', version: v }];
  it('honours rebuild letters at the upper bound', () => {
    expect(conf('CVE-2023-20198', xe('17.9.4'))).toBe('vendor-scheme');
    expect(conf('CVE-2023-20198', xe('17.9.3a'))).toBe('vendor-scheme');
    expect(conf('CVE-2023-20198', xe('17.9.4a'))).toBeUndefined();
    expect(conf('CVE-2023-20198', xe('17.10.1'))).toBeUndefined();
    expect(conf('CVE-2023-20198', xe('16.12.10'))).toBe('vendor-scheme');
    expect(conf('CVE-2023-20198', xe('16.12.10a'))).toBeUndefined();
  });
  const fw = { part: 'o', vendor: 'rockwellautomation', product: 'allen-bradley_stratix_5200_firmware', version: '17.12.01' } as const;
  const hw = (product: string): InstalledProduct => ({ part: 'h', vendor: 'rockwellautomation', product });
  it('needs the vulnerable firmware, with its platform known, unknown or contradicted', () => {
    expect(matchCve(cve('CVE-2023-20198'), [fw, hw('allen-bradley_stratix_5200')])).toMatchObject({
      confidence: 'range',
      platforms: { matched: ['cpe:2.3:h:rockwellautomation:allen-bradley_stratix_5200:-:*:*:*:*:*:*:*'], unknown: [] },
    });
    const unknown = matchCve(cve('CVE-2023-20198'), [fw]);
    expect(unknown?.confidence).toBe('uncertain');
    expect(unknown?.caveats.join()).toMatch(/platform unknown/);
    expect(matchCve(cve('CVE-2023-20198'), [fw, hw('allen-bradley_stratix_5800')])).toBeUndefined();
    // Only the platform, not the vulnerable firmware: never a match.
    expect(matchCve(cve('CVE-2023-20198'), [hw('allen-bradley_stratix_5200')])).toBeUndefined();
    expect(matchCve(cve('CVE-2023-20198'), [{ ...fw, version: '17.12.02' }, hw('allen-bradley_stratix_5200')])).toBeUndefined();
  });
});

describe('ScreenConnect CVE-2024-1709 (authentication bypass)', () => {
  it('matches four-part builds below 23.9.8', () => {
    expect(conf('CVE-2024-1709', asset('ConnectWise', 'ScreenConnect', '23.9.7.8804'))).toBe('vendor-scheme');
    expect(conf('CVE-2024-1709', asset('ConnectWise', 'ScreenConnect', '22.4.20001.8400'))).toBe('vendor-scheme');
    expect(conf('CVE-2024-1709', asset('ConnectWise', 'ScreenConnect', '23.9.8.8811'))).toBeUndefined();
    expect(conf('CVE-2024-1709', asset('ConnectWise', 'ScreenConnect', '24.1.0'))).toBeUndefined();
  });
});

describe('Ivanti CVE-2024-21887 (command injection)', () => {
  it('matches listed releases exactly, written the vendor way', () => {
    expect(conf('CVE-2024-21887', asset('Ivanti', 'Connect Secure', '22.4R2.1'))).toBe('exact');
    expect(conf('CVE-2024-21887', asset('Ivanti', 'Connect Secure', '9.1R18'))).toBe('exact');
    expect(conf('CVE-2024-21887', asset('Ivanti', 'Policy Secure', '9.1R18'))).toBe('exact');
    expect(conf('CVE-2024-21887', asset('Ivanti', 'Connect Secure', '22.4R2.2'))).toBeUndefined();
    expect(conf('CVE-2024-21887', asset('Ivanti', 'Connect Secure', '22.7R2.3'))).toBeUndefined();
    // `9.0:*` lists every update of 9.0.
    expect(conf('CVE-2024-21887', asset('Ivanti', 'Connect Secure', '9.0R3'))).toBe('exact');
    expect(conf('CVE-2024-21887', asset('Ivanti', 'Connect Secure', '9.0'))).toBe('exact');
    expect(conf('CVE-2024-21887', asset('Ivanti', 'Connect Secure', '22.2'))).toBe('exact'); // 22.2:- is listed
    expect(conf('CVE-2024-21887', asset('Ivanti', 'Connect Secure', '22.3R2'))).toBeUndefined();
    expect(conf('CVE-2024-21887', [{ vendor: 'ivanti', product: 'connect_secure', version: '9.0', update: 'r3' }])).toBe('exact');
  });
});

describe('Exchange CVE-2021-34473 (ProxyShell)', () => {
  const ex = (version: string, update?: string): InstalledProduct[] =>
    [{ vendor: 'microsoft', product: 'exchange_server', version, ...(update ? { update } : {}) }];
  it('matches the cumulative update named, in NVD or short form', () => {
    expect(conf('CVE-2021-34473', ex('2019', 'cumulative_update_9'))).toBe('exact');
    expect(conf('CVE-2021-34473', ex('2019', 'CU9'))).toBe('exact');
    expect(conf('CVE-2021-34473', ex('2019', 'cu10'))).toBeUndefined();
    expect(conf('CVE-2021-34473', ex('2016', 'cumulative_update_21'))).toBeUndefined();
    expect(conf('CVE-2021-34473', ex('2019'))).toBe('uncertain');
    expect(conf('CVE-2021-34473', productsOfAsset({ cpe: 'cpe:/a:microsoft:exchange_server:2013:cumulative_update_23' }))).toBe('exact');
  });
});

describe('PAN-OS CVE-2024-3400 (no NVD configuration)', () => {
  it('matches on KEV vendor/product only, with confidence product-only', () => {
    const m = matchCve(cve('CVE-2024-3400'), asset('Palo Alto Networks', 'PAN-OS', '10.2.9-h1'));
    expect(m).toMatchObject({ confidence: 'product-only', kev: { matchedAs: 'paloaltonetworks:pan-os' } });
    expect(matchCve({ id: 'CVE-2024-3400', configurations: [] }, asset('Palo Alto Networks', 'PAN-OS', '10.2.9'))).toBeUndefined();
    expect(matchCve(cve('CVE-2024-3400'), asset('Juniper', 'Junos OS', '22.4R3'))).toBeUndefined();
  });
});

describe('SonicOS CVE-2024-40766 (AND configurations with hardware)', () => {
  const os = (v: string): InstalledProduct => ({ part: 'o', vendor: 'sonicwall', product: 'sonicos', version: v });
  const hw = (p: string): InstalledProduct => ({ part: 'h', vendor: 'sonicwall', product: p });
  it('requires the listed hardware when the asset declares its hardware', () => {
    expect(conf('CVE-2024-40766', [os('5.9.2.14-12o'), hw('soho')])).toBe('vendor-scheme');
    expect(conf('CVE-2024-40766', [os('5.9.2.14-13o'), hw('soho')])).toBeUndefined();
    expect(conf('CVE-2024-40766', [os('5.9.2.14-12o'), hw('tz_270')])).toBeUndefined();
    expect(conf('CVE-2024-40766', [os('5.9.2.14-12o')])).toBe('uncertain');
  });
});

describe('AND, negate and platform rules on synthetic configurations', () => {
  const browserOnKernel: Configuration[] = [{
    operator: 'AND', nodes: [
      { operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:mozilla:firefox:*:*:*:*:*:*:*:*', versionEndExcluding: '120.0' }] },
      { operator: 'OR', cpeMatch: [{ vulnerable: false, criteria: 'cpe:2.3:o:linux:linux_kernel:-:*:*:*:*:*:*:*' }] },
    ],
  }];
  const kernel: InstalledProduct = { part: 'o', vendor: 'linux', product: 'linux_kernel' };
  it('never reports a browser CVE on a kernel', () => {
    expect(matchCve({ id: 'CVE-X', configurations: browserOnKernel }, [kernel])).toBeUndefined();
    expect(matchCve({ id: 'CVE-X', configurations: browserOnKernel }, [kernel, { part: 'a', vendor: 'mozilla', product: 'firefox', version: '119.0' }])?.confidence).toBe('range');
    expect(matchCve({ id: 'CVE-X', configurations: browserOnKernel }, [kernel, { part: 'a', vendor: 'mozilla', product: 'firefox', version: '120.0' }])).toBeUndefined();
  });
  it('honours a negated node', () => {
    const cfg: Configuration[] = [{
      operator: 'AND', nodes: [
        { operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:acme:widget:1.0:*:*:*:*:*:*:*' }] },
        { operator: 'OR', negate: true, cpeMatch: [{ vulnerable: false, criteria: 'cpe:2.3:h:acme:appliance_x:-:*:*:*:*:*:*:*' }] },
      ],
    }];
    const widget: InstalledProduct = { vendor: 'acme', product: 'widget', version: '1.0' };
    expect(matchCve({ id: 'CVE-Y', configurations: cfg }, [widget, { part: 'h', vendor: 'acme', product: 'appliance_x' }])).toBeUndefined();
    expect(matchCve({ id: 'CVE-Y', configurations: cfg }, [widget, { part: 'h', vendor: 'acme', product: 'appliance_y' }])?.confidence).toBe('exact');
  });
  it('survives hostile configurations: bad CPEs, missing arrays, huge strings', () => {
    const hostile = [
      { nodes: [{ operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'not a cpe' }, { vulnerable: true, criteria: `cpe:2.3:a:${'a'.repeat(100_000)}` }] }] },
      { nodes: [{ operator: 'OR' }] },
      { operator: 'AND' },
      { nodes: [{ operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*', versionEndExcluding: '9'.repeat(100_000) }] }] },
    ] as unknown as Configuration[];
    expect(() => matchCve({ id: 'CVE-Z', configurations: hostile }, [{ vendor: 'acme', product: 'widget', version: '1.0' }])).not.toThrow();
    expect(matchCve({ id: 'CVE-Z', configurations: hostile }, [{ vendor: 'acme', product: 'widget', version: '1.0' }])).toBeUndefined();
  });
});

describe('aliases and asset products', () => {
  it('maps KEV prose names to NVD names and refuses a product without vendor', () => {
    expect(resolveProduct('Citrix', 'NetScaler ADC and NetScaler Gateway')).toEqual([
      { vendor: 'citrix', product: 'netscaler_application_delivery_controller' }, { vendor: 'citrix', product: 'netscaler_gateway' },
    ]);
    expect(resolveProduct('Cisco', 'IOS XE Web UI')).toEqual([{ vendor: 'cisco', product: 'ios_xe' }]);
    expect(resolveProduct('Microsoft', 'Exchange Server')).toEqual([{ vendor: 'microsoft', product: 'exchange_server' }]);
    expect(resolveProduct('Acme Corp', 'Widget Pro')).toEqual([{ vendor: 'acme_corp', product: 'widget_pro' }]);
    expect(resolveProduct(undefined, 'NX')).toEqual([]);
    expect(resolveProduct('', 'nx')).toEqual([]);
  });
  it('knows every vendor/product pair of the KEV excerpt', () => {
    for (const v of kev.vulnerabilities) expect(hasAlias(v.vendorProject, v.product), `${v.vendorProject} / ${v.product}`).toBe(true);
  });
  it('reads an nmap CPE 2.2 and skips a malformed CPE', () => {
    expect(productsOfAsset({ cpe: 'cpe:/a:openbsd:openssh:8.9p1' })).toEqual([{ part: 'a', vendor: 'openbsd', product: 'openssh', version: '8.9p1' }]);
    expect(productsOfAsset({ cpe: 'cpe:/a:fortinet:fortios', version: '7.4.2' })).toEqual([{ part: 'a', vendor: 'fortinet', product: 'fortios', version: '7.4.2' }]);
    expect(productsOfAsset({ cpe: 'cpe:2.3:broken', vendor: 'Fortinet', product: 'FortiOS' })).toEqual([{ vendor: 'fortinet', product: 'fortios' }]);
  });
});
