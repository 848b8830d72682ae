import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Asset, Organization } from '../core/index.js';
import { emptyModel, toFindings } from '../engines/engine.js';
import { vulnsEngine } from '../engines/vulns-findings/index.js';
import { FIXTURES, importedExample, runCli, tempDir } from './test-support.js';
import { tableRows, vulnLines, type VulnLine } from './vulns.js';

const lines = (out: string): VulnLine[] => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as VulnLine);

describe('hubguard vulns', () => {
  it('finds the example workspace KEV products with the bundled KEV catalog and NVD excerpt', async () => {
    const db = await importedExample();
    const r = await runCli(['vulns', '--db', db, '--json', '--now', '2026-11-29']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/KEV catalog .* of \d{4}-\d{2}-\d{2}/);
    const ls = lines(r.out);
    const sc = ls.find((l) => l.asset === 'harbor-screenconnect' && l.cve === 'CVE-2024-1709');
    // The bundled NVD excerpt holds this CVE: its version is checked.
    expect(sc).toMatchObject({
      kind: 'cve', matchedBy: 'nvd', confidence: 'vendor-scheme', priority: 'P1', tenant: 'harbor-msp', address: '203.0.113.10', product: 'ScreenConnect', version: '23.9.7',
      dueDate: '2024-02-29', overdue: true, kev: { knownRansomwareCampaignUse: 'Known' }, control: 'hg.ctl.prevent.kev-devices',
    });
    // A KEV CVE NVD has no record of here stays a candidate: product-only, version not checked.
    expect(ls.find((l) => l.asset === 'harbor-rmm' && l.cve === 'CVE-2025-8875')).toMatchObject({ kind: 'candidate', matchedBy: 'kev-product', confidence: 'product-only' });
    expect(sc!.customersReached).toBeGreaterThan(0);
    expect(sc!.kevCatalog).toMatchObject({ date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}/) });
    const fw = ls.find((l) => l.asset === 'stbrigid-fw' && l.cve === 'CVE-2024-21762');
    expect(fw).toMatchObject({ tenant: 'st-brigid-clinic', address: '198.51.100.7', product: 'FortiOS', version: '7.4.2' });
    // The end-of-life domain controller is listed too.
    expect(ls.some((l) => l.kind === 'end-of-life' && l.asset === 'stbrigid-dc01')).toBe(true);
    // P1 rows come first.
    expect(ls[0]!.priority).toBe('P1');

    // --customer filters; the table has a header with the KEV catalog date.
    const only = lines((await runCli(['vulns', '--db', db, '--json', '--customer', 'st-brigid-clinic'])).out);
    expect(only.length).toBeGreaterThan(0);
    expect(only.every((l) => l.tenant === 'st-brigid-clinic')).toBe(true);
    const table = await runCli(['vulns', '--db', db]);
    expect(table.code, table.err).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^KEV catalog .* of \d{4}-\d{2}-\d{2}/);
    expect(table.out).toMatch(/^KEV catalog .*; 8 NVD record\(s\) of 2025-10-24/);
    // The table shows the checked CVE on its own row and an asset's candidates as one row.
    const scRows = table.out.split('\n').filter((l) => l.includes('ScreenConnect server'));
    expect(scRows).toHaveLength(2);
    expect(scRows[0]).toMatch(/P1 +2024-02-29 \(overdue\) +harbor-msp +ScreenConnect server +203\.0\.113\.10 +ScreenConnect 23\.9\.7 +CVE-2024-1709 +yes \(ransomware\) +- +vendor-scheme/);
    expect(scRows[1]).toMatch(/ScreenConnect 23\.9\.7 +CVE-\d{4}-\d+ \(candidate(, \+\d+ more)?: version not checked\)/);
    expect((await runCli(['vulns', '--db', db, '--customer', 'nobody'])).code).not.toBe(0);
  }, 60_000);

  it('checks versions once NVD configurations are imported, and shows EPSS', async () => {
    const db = await importedExample();
    const imp = await runCli(['feeds', 'import', join(FIXTURES, 'feeds', 'nvd-page.json'), join(FIXTURES, 'feeds', 'epss-excerpt.csv'), '--db', db]);
    expect(imp.code, imp.err + imp.out).toBe(0);
    const r = await runCli(['vulns', '--db', db, '--json', '--now', '2026-11-29']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/EPSS of 2025-11-28/);
    const ls = lines(r.out);
    const fw = ls.find((l) => l.asset === 'stbrigid-fw' && l.cve === 'CVE-2024-21762');
    expect(fw).toMatchObject({ kind: 'cve', matchedBy: 'nvd', epss: 0.92077 });
    expect(fw!.confidence).not.toBe('product-only');
    const sc = ls.find((l) => l.asset === 'harbor-screenconnect' && l.cve === 'CVE-2024-1709');
    expect(sc).toMatchObject({ matchedBy: 'nvd', priority: 'P1', epss: 0.94338 });
  }, 60_000);

  it('matches the products of an imported nmap scan (fresh database, --customer) and names the port', async () => {
    const dir = await tempDir();
    const db = join(dir, 'hg.db');
    const orgs = join(dir, 'organizations.yaml');
    await writeFile(orgs, '- id: acme\n  name: Acme Manufacturing\n  kind: customer\n');
    const scan = await runCli(['import', orgs, join(FIXTURES, 'scans', 'nmap-fortios.xml'), '--customer', 'acme', '--db', db]);
    expect(scan.code, scan.err + scan.out).toBe(0);
    const feeds = await runCli(['feeds', 'import', join(FIXTURES, 'feeds', 'kev-excerpt.json'), join(FIXTURES, 'vulns', 'nvd-sample.json'), '--db', db]);
    expect(feeds.code, feeds.err + feeds.out).toBe(0);
    const r = await runCli(['vulns', '--db', db, '--json', '--now', '2026-11-29']);
    expect(r.code, r.err).toBe(0);
    const ls = lines(r.out).filter((l) => l.cve === 'CVE-2024-21762');
    // FortiOS 7.0.12 named by nmap's CPE: version checked under Fortinet's scheme.
    expect(ls.find((l) => l.address === '203.0.113.41')).toMatchObject({
      kind: 'cve', tenant: 'acme', asset: 'scan:203.0.113.41', host: 'fw-branch.acme.example', product: 'Fortinet FortiGate SSL VPN', version: '7.0.12',
      matchedBy: 'nvd', confidence: 'vendor-scheme', priority: 'P1', services: [{ port: 443, resolvedBy: 'cpe', resolvedFrom: 'cpe:/o:fortinet:fortios:7.0.12' }],
    });
    // FortiOS 7.2.5 read from the product string only: uncertain.
    expect(ls.find((l) => l.address === '203.0.113.40')).toMatchObject({
      kind: 'cve', asset: 'scan:203.0.113.40', product: 'Fortinet FortiOS', version: '7.2.5', matchedBy: 'nvd', confidence: 'uncertain',
      installed: { vendor: 'fortinet', product: 'fortios', version: '7.2.5', resolvedFrom: 'Fortinet FortiOS' },
      services: [{ id: 'acme:203.0.113.40:tcp/10443', port: 10443, protocol: 'tcp', resolvedBy: 'product-string', resolvedFrom: 'Fortinet FortiOS', source: 'nmap' }],
    });
    // FortiOS 7.4.3 is fixed.
    expect(ls.some((l) => l.address === '203.0.113.42')).toBe(false);
    // FortiOS 7.0 is past its end of life (lifecycle catalog), 7.4 is not.
    const eol = lines(r.out).filter((l) => l.kind === 'end-of-life').map((l) => l.address);
    expect(eol).toContain('203.0.113.41');
    expect(eol).not.toContain('203.0.113.42');
  }, 60_000);
});

describe('vulnLines', () => {
  it('lists candidates one per line, collapses them in the table, adds end of life soon and leaves deadline findings out', () => {
    const now = new Date('2026-11-29T00:00:00Z');
    const m = emptyModel();
    m.organization = [Organization.parse({ id: 'acme', name: 'Acme', kind: 'customer' })];
    m.asset = [
      Asset.parse({ id: 'fw', tenant: 'acme', name: 'FW', kind: 'device', vendor: 'Fortinet', product: 'FortiOS', version: '7.4.9' }),
      Asset.parse({ id: 'pan', tenant: 'acme', name: 'PAN', kind: 'device', vendor: 'Palo Alto Networks', product: 'PAN-OS', version: '10.2.9' }),
      Asset.parse({ id: 'dc', tenant: 'acme', name: 'DC', kind: 'device', vendor: 'Microsoft', product: 'Windows Server 2016 Standard' }),
    ];
    const kev = (cveID: string, vendorProject: string, product: string) =>
      [cveID, { cveID, vendorProject, product, dateAdded: '2024-01-01', dueDate: '2024-01-22', knownRansomwareCampaignUse: 'Unknown' }] as const;
    const feeds = {
      kev: new Map([kev('CVE-2024-21762', 'Fortinet', 'FortiOS'), kev('CVE-2022-42475', 'Fortinet', 'FortiOS'), kev('CVE-2024-3400', 'Palo Alto Networks', 'PAN-OS')]),
      epss: new Map(), nvd: [{ id: 'CVE-2024-3400', configurations: [] }], dates: {},
    };
    const findings = toFindings(vulnsEngine.name, vulnsEngine.run(m, { now, feeds }), now);
    expect(findings.some((f) => f.control === 'hg.ctl.updates.kev-due-dates')).toBe(true);
    const ls = vulnLines(findings);
    expect(ls.filter((l) => l.asset === 'fw').map((l) => [l.kind, l.cve])).toEqual([['candidate', 'CVE-2022-42475'], ['candidate', 'CVE-2024-21762']]);
    expect(ls.filter((l) => l.asset === 'pan').map((l) => [l.kind, l.cve, l.control])).toEqual([['cve', 'CVE-2024-3400', 'hg.ctl.prevent.kev-devices']]);
    expect(ls.find((l) => l.asset === 'dc')).toMatchObject({ kind: 'end-of-life-soon', endOfLife: '2027-01-12T00:00:00.000Z', endOfLifeSource: 'lifecycle-catalog' });
    const rows = tableRows(ls);
    expect(rows.filter((r) => r.line.asset === 'fw')).toEqual([{ line: expect.objectContaining({ cve: 'CVE-2022-42475' }), more: 1 }]);
    expect(rows).toHaveLength(3);
  });
});
