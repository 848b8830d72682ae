import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, importedExample, runCli } from './test-support.js';
import type { VulnLine } from './vulns.js';

const lines = (out: string): VulnLine[] => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as VulnLine);

describe('hubguard vulns', () => {
  it('finds the example workspace KEV products with the bundled KEV catalog', async () => {
    const db = await importedExample();
    const r = await runCli(['vulns', '--db', db, '--json', '--now', '2026-11-29']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/KEV catalog .* of \d{4}-\d{2}-\d{2}/);
    const ls = lines(r.out);
    const sc = ls.find((l) => l.asset === 'harbor-screenconnect' && l.cve === 'CVE-2024-1709');
    expect(sc).toMatchObject({
      kind: 'cve', priority: 'P1', tenant: 'harbor-msp', address: '203.0.113.10', product: 'ScreenConnect', version: '23.9.7',
      dueDate: '2024-02-29', overdue: true, kev: { knownRansomwareCampaignUse: 'Known' }, control: 'hg.ctl.prevent.kev-devices',
    });
    expect(['product-only', 'range', 'vendor-scheme', 'exact']).toContain(sc!.confidence);
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
    expect(table.out).toMatch(/P1 +2024-02-29 \(overdue\) +harbor-msp +ScreenConnect server +203\.0\.113\.10 +ScreenConnect 23\.9\.7 +CVE-2024-1709 +yes \(ransomware\)/);
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
    expect(fw).toMatchObject({ matchedBy: 'nvd', epss: 0.92077 });
    expect(fw!.confidence).not.toBe('product-only');
    const sc = ls.find((l) => l.asset === 'harbor-screenconnect' && l.cve === 'CVE-2024-1709');
    expect(sc).toMatchObject({ matchedBy: 'nvd', priority: 'P1', epss: 0.94338 });
  }, 60_000);
});
