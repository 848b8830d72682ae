import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasAlias, resolveProduct } from './aliases.js';
import type { InstalledProduct } from './cpe.js';
import { matchCve, productsOfAsset, productsOfService, serviceCpes, type Configuration, type CveInput } from './match.js';

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

describe('products of scanned services', () => {
  /** regreSSHion (CVE-2024-6387), as NVD states its upstream range. */
  const regresshion: CveInput = {
    id: 'CVE-2024-6387',
    configurations: [{ nodes: [{ operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:openbsd:openssh:*:*:*:*:*:*:*:*', versionStartIncluding: '8.5p1', versionEndExcluding: '9.8p1' }] }] }],
  };

  it('uses the CPE nmap reported, with the distro-patched version nmap printed beside it', () => {
    const ssh = { product: 'OpenSSH', version: '8.9p1 Ubuntu 3ubuntu0.6', banner: 'extrainfo: Ubuntu Linux; protocol 2.0\ncpe: cpe:/a:openbsd:openssh:8.9p1\ncpe: cpe:/o:linux:linux_kernel\nmethod: probed' };
    expect(productsOfService(ssh)).toEqual([
      { part: 'a', vendor: 'openbsd', product: 'openssh', version: '8.9p1 Ubuntu 3ubuntu0.6' },
      { part: 'o', vendor: 'linux', product: 'linux_kernel' },
    ]);
    const m = matchCve(regresshion, productsOfService(ssh));
    expect(m?.confidence).toBe('uncertain');
    expect(m?.caveats.join()).toMatch(/distro-patched version 8\.9p1 Ubuntu 3ubuntu0\.6.*backports possible/);
    // An upstream build with the same CPE is a certain match.
    expect(matchCve(regresshion, productsOfService({ product: 'OpenSSH', version: '8.9p1', banner: 'cpe: cpe:/a:openbsd:openssh:8.9p1' }))?.confidence).toBe('range');
  });

  it('keeps a distribution named in the extra info with the version, so backports stay possible', () => {
    const apache: CveInput = {
      id: 'CVE-2021-41773',
      configurations: [{ nodes: [{ operator: 'OR', cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:a:apache:http_server:*:*:*:*:*:*:*:*', versionStartIncluding: '2.4.0', versionEndExcluding: '2.4.50' }] }] }],
    };
    const onUbuntu = productsOfService({ product: 'Apache httpd', version: '2.4.41', banner: 'extrainfo: (Ubuntu)\ncpe: cpe:/a:apache:http_server:2.4.41\nmethod: probed' });
    expect(onUbuntu[0]).toEqual({ part: 'a', vendor: 'apache', product: 'http_server', version: '2.4.41 Ubuntu' });
    expect(matchCve(apache, onUbuntu)).toMatchObject({ confidence: 'uncertain', caveats: [expect.stringMatching(/distro-patched version 2\.4\.41 Ubuntu: compared upstream 2\.4\.41/)] });
    const upstream = productsOfService({ product: 'Apache httpd', version: '2.4.41', banner: 'extrainfo: (Win64)\ncpe: cpe:/a:apache:http_server:2.4.41' });
    expect(matchCve(apache, upstream)?.confidence).toBe('range');
  });

  it('resolves a product string without a CPE, at most uncertain, and checks the version', () => {
    const vpn = (version?: string) => productsOfService({ product: 'Fortinet FortiOS SSL VPN', ...(version ? { version } : {}) });
    expect(vpn('7.2.6')).toEqual([{ vendor: 'fortinet', product: 'fortios', version: '7.2.6', resolvedFrom: 'Fortinet FortiOS SSL VPN' }]);
    const m = matchCve(cve('CVE-2024-21762'), vpn('7.2.6'));
    expect(m?.confidence).toBe('uncertain');
    expect(m?.caveats).toContain('fortinet:fortios read from the product string "Fortinet FortiOS SSL VPN", not from a CPE');
    expect(matchCve(cve('CVE-2024-21762'), vpn('7.4.3'))).toBeUndefined();
    expect(matchCve(cve('CVE-2024-21762'), vpn())?.confidence).toBe('product-only');
    expect(matchCve(cve('CVE-2024-1709'), productsOfService({ product: 'ConnectWise ScreenConnect', version: '23.9.7.8804' }))?.confidence).toBe('uncertain');
    // KEV product-only matches say where the name came from too.
    expect(matchCve(cve('CVE-2024-3400'), productsOfService({ product: 'Palo Alto GlobalProtect' }))?.caveats.join()).toMatch(/read from the product string "Palo Alto GlobalProtect"/);
  });

  it('adds NVD names a dated scanner CPE lacks, and never resolves unknown strings', () => {
    const nginx = productsOfService({ product: 'nginx', version: '1.24.0', banner: 'cpe: cpe:/a:igor_sysoev:nginx:1.24.0' });
    expect(nginx.map((p) => [`${p.vendor}:${p.product}`, p.resolvedFrom])).toEqual([['igor_sysoev:nginx', undefined], ['f5:nginx', 'nginx'], ['nginx:nginx', 'nginx']]);
    expect(productsOfService({ product: 'nx', version: '16.0.0' })).toEqual([]);
    expect(productsOfService({ product: 'Microsoft Terminal Services' })).toEqual([]);
    expect(productsOfService({})).toEqual([]);
  });

  it("gives a version-less CPE the service's version only when it is the only application CPE", () => {
    expect(productsOfService({ product: 'Samba smbd', version: '4.6.2', banner: 'cpe: cpe:/a:samba:samba' })).toEqual([{ part: 'a', vendor: 'samba', product: 'samba', version: '4.6.2' }]);
    expect(productsOfService({ product: 'Fortinet FortiGate SSL VPN', version: '7.0', banner: 'cpe: cpe:/h:fortinet:fortigate\ncpe: cpe:/o:fortinet:fortios' })).toEqual([
      { part: 'h', vendor: 'fortinet', product: 'fortigate' }, { part: 'o', vendor: 'fortinet', product: 'fortios' },
    ]);
  });

  it("reads Shodan's short CPE 2.3 names and skips malformed ones", () => {
    expect(serviceCpes('banner: x\ncpe: cpe:2.3:a:openbsd:openssh:9.6\ncpe: cpe:/a:openbsd:openssh:9.6\nhttp-title: cpe: no')).toEqual(['cpe:2.3:a:openbsd:openssh:9.6', 'cpe:/a:openbsd:openssh:9.6']);
    expect(productsOfService({ product: 'OpenSSH', version: '9.6', banner: 'cpe: cpe:2.3:a:openbsd:openssh:9.6\ncpe: cpe:/a:openbsd:openssh:9.6\ncpe: cpe:2.3:broken:%%' })).toEqual([
      { part: 'a', vendor: 'openbsd', product: 'openssh', version: '9.6' },
    ]);
  });
});

describe('asset products through the product-string table', () => {
  it('resolves a vendor and product string the alias table does not know, at most uncertain', () => {
    expect(productsOfAsset({ vendor: 'Apache', product: 'httpd', version: '2.4.49' })).toEqual([
      { vendor: 'apache', product: 'httpd', version: '2.4.49' }, // the CPE form, as before
      { vendor: 'apache', product: 'http_server', version: '2.4.49', resolvedFrom: 'Apache httpd' },
    ]);
    expect(productsOfAsset({ vendor: 'Apache', product: 'Apache Tomcat', version: '9.0.1' })[1]).toEqual({ vendor: 'apache', product: 'tomcat', version: '9.0.1', resolvedFrom: 'Apache Tomcat' });
    // Where the CPE form is the table's name, it is kept at full confidence.
    expect(productsOfAsset({ vendor: 'Microsoft', product: 'SQL Server', version: '2019' })).toEqual([{ vendor: 'microsoft', product: 'sql_server', version: '2019' }]);
    expect(productsOfAsset({ vendor: 'Microsoft', product: 'Exchange Server 2016' }).map((p) => p.product)).toEqual(['exchange_server_2016', 'exchange_server']);
    expect(conf('CVE-2024-21762', productsOfAsset({ vendor: 'Fortinet', product: 'FortiOS SSL VPN', version: '7.2.6' }))).toBe('uncertain');
    // A product without a vendor stays unresolved on an asset: only a scanner's string is read.
    expect(productsOfAsset({ product: 'Apache httpd', version: '2.4.49' })).toEqual([]);
    expect(productsOfAsset({ product: 'FortiOS', version: '7.2.6' })).toEqual([]);
  });
  it('keeps aliases and the CPE form for vendor/product pairs the table does not know', () => {
    expect(productsOfAsset({ vendor: 'Fortinet', product: 'FortiOS', version: '7.2.6' })).toEqual([{ vendor: 'fortinet', product: 'fortios', version: '7.2.6' }]);
    expect(productsOfAsset({ vendor: 'Siemens', product: 'NX' })).toEqual([{ vendor: 'siemens', product: 'nx' }]);
    expect(productsOfAsset({ product: 'nx' })).toEqual([]);
  });
  it("keeps a distro-patched version beside the asset's CPE, and adds its services' products", () => {
    expect(productsOfAsset({ cpe: 'cpe:/a:openbsd:openssh:8.9p1', version: '8.9p1 Ubuntu 3ubuntu0.6' })).toEqual([{ part: 'a', vendor: 'openbsd', product: 'openssh', version: '8.9p1 Ubuntu 3ubuntu0.6' }]);
    expect(productsOfAsset({ cpe: 'cpe:/a:openbsd:openssh:8.9p1', version: '9.0' })[0]!.version).toBe('8.9p1');
    const host = productsOfAsset({ cpe: 'cpe:/o:linux:linux_kernel' }, [{ product: 'Apache httpd', version: '2.4.49' }, { product: 'OpenSSH', version: '9.6', banner: 'cpe: cpe:/a:openbsd:openssh:9.6' }]);
    expect(host.map((p) => `${p.vendor}:${p.product}:${p.version ?? ''}`)).toEqual(['linux:linux_kernel:', 'apache:http_server:2.4.49', 'openbsd:openssh:9.6']);
  });
});
