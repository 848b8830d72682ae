import { describe, expect, it } from 'vitest';
import { parseLifecycle } from '../../catalog/lifecycle.js';
import { AccessGrant, Asset, Organization } from '../../core/index.js';
import { emptyModel, type Model } from '../engine.js';
import { DUE_SOON_DAYS } from './deadlines.js';
import type { KevFacts, NvdFacts, VulnFeeds } from './feeds.js';
import { VULN_CONTROLS, vulnFindings, vulnsEngine } from './vulns.js';

const now = new Date('2026-11-29T00:00:00Z');

const kev = (cveID: string, product: string, dateAdded: string, dueDate: string, vendorProject = 'Fortinet'): KevFacts =>
  ({ cveID, vendorProject, product, vulnerabilityName: `${product} flaw`, dateAdded, dueDate, knownRansomwareCampaignUse: 'Known' });

/** A FortiOS 7.4.x range criterion (7.4.0 up to, not including, `fixed`). */
const fortiNvd = (id: string, fixed: string, published?: string): NvdFacts => ({
  id,
  ...(published ? { published } : {}),
  configurations: [{ nodes: [{ operator: 'OR', negate: false, cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*', versionStartIncluding: '7.4.0', versionEndExcluding: fixed }] }] }],
});

function feeds(k: KevFacts[], nvd: NvdFacts[], epss: [string, number][] = []): VulnFeeds {
  return {
    kev: new Map(k.map((x) => [x.cveID, x])),
    epss: new Map(epss.map(([c, e]) => [c, { epss: e, percentile: 0.99 }])),
    nvd,
    dates: { kev: { version: '2026.11.28', date: '2026-11-28' } },
  };
}

const asset = (over: Record<string, unknown>): Asset =>
  Asset.parse({ id: 'fw', tenant: 'acme', name: 'Firewall', kind: 'device', vendor: 'Fortinet', product: 'FortiOS', version: '7.4.2', addresses: ['198.51.100.7'], hostnames: ['fw.acme.example'], ...over });

function model(assets: Asset[], extra: Partial<Model> = {}): Model {
  const m = emptyModel();
  m.organization = [
    Organization.parse({ id: 'harbor-msp', name: 'Harbor IT', kind: 'msp' }),
    Organization.parse({ id: 'acme', name: 'Acme', kind: 'customer', msp: 'harbor-msp' }),
    Organization.parse({ id: 'beta', name: 'Beta', kind: 'customer', msp: 'harbor-msp' }),
  ];
  m.asset = assets;
  return { ...m, ...extra };
}

const only = (fs: ReturnType<typeof vulnFindings>, control: string) => fs.filter((f) => f.control === control);

describe('KEV due dates (hg.ctl.updates.kev-due-dates)', () => {
  const k = [kev('CVE-2024-21762', 'FortiOS', '2024-02-09', '2024-02-16'), kev('CVE-2026-0001', 'FortiOS', '2026-11-25', '2026-12-02')];
  const nvd = [fortiNvd('CVE-2024-21762', '7.4.3'), fortiNvd('CVE-2026-0001', '7.4.10')];

  it('flags a matched KEV CVE past its due date, critical, with days overdue and the asset', () => {
    const [f, ...rest] = only(vulnFindings(model([asset({})]), feeds(k, nvd), now), VULN_CONTROLS.kevDueDates);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      tenant: 'acme', severity: 'critical', duty: 'shared', subject: { kind: 'asset', id: 'fw' },
      evidence: { cve: 'CVE-2024-21762', dateAdded: '2024-02-09', dueDate: '2024-02-16', deadline: '2024-02-16', daysOverdue: 1017, overdueCount: 1, address: '198.51.100.7', host: 'fw.acme.example', graceDays: 0 },
    });
    // The CVE due in 3 days is listed too, not overdue.
    expect((f!.evidence!.cves as { cve: string; overdue: boolean; daysLeft: number }[]).map((c) => [c.cve, c.overdue, c.daysLeft])).toEqual([
      ['CVE-2024-21762', true, 0],
      ['CVE-2026-0001', false, 3],
    ]);
    expect(f!.title).toMatch(/1 known-exploited CVE\(s\) past their KEV due date — CVE-2024-21762 was due 2024-02-16, 1017 day\(s\) overdue/);
  });

  it(`reports a CVE due within ${DUE_SOON_DAYS} days ahead, as high; a fixed version gets nothing`, () => {
    const f = only(vulnFindings(model([asset({ version: '7.4.5' })]), feeds(k, nvd), now), VULN_CONTROLS.kevDueDates);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'high', evidence: { cve: 'CVE-2026-0001', daysOverdue: 0, overdueCount: 0 } });
    const later = new Date('2026-11-20T00:00:00Z'); // 12 days before the due date
    expect(only(vulnFindings(model([asset({ version: '7.4.5' })]), feeds(k, nvd), later), VULN_CONTROLS.kevDueDates)).toEqual([]);
    expect(only(vulnFindings(model([asset({ version: '7.4.10' })]), feeds(k, nvd), now), VULN_CONTROLS.kevDueDates)).toEqual([]);
  });

  it('does not count candidates (NVD holds no record): the version was never checked', () => {
    expect(only(vulnFindings(model([asset({})]), feeds(k, []), now), VULN_CONTROLS.kevDueDates)).toEqual([]);
  });
});

describe('MSP tools first (hg.ctl.updates.hub-tools-first)', () => {
  const tool = (over: Record<string, unknown> = {}) =>
    asset({ id: 'msp-fw', tenant: 'harbor-msp', name: 'HQ VPN', kind: 'msp-tool', toolKind: 'vpn', ...over });
  const grants = ['acme', 'beta'].map((t) =>
    AccessGrant.parse({ id: `g-${t}`, tenant: t, principal: 'msp-fw', principalKind: 'tool', target: t, targetKind: 'organization', privilege: 'admin', via: 'vpn', tool: 'msp-fw' }),
  );

  it('flags a KEV CVE open more than 7 days on an MSP tool, duty msp, naming the customers it reaches', () => {
    const k = [kev('CVE-2024-21762', 'FortiOS', '2024-02-09', '2024-02-16')];
    const fs = only(vulnFindings(model([tool()], { grant: grants }), feeds(k, [fortiNvd('CVE-2024-21762', '7.4.3')]), now), VULN_CONTROLS.hubToolsFirst);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      tenant: 'harbor-msp', duty: 'msp', severity: 'critical',
      evidence: { customersReached: 2, maxDays: 7, cve: 'CVE-2024-21762', since: '2024-02-09', sinceSource: 'kev-date-added', deadline: '2024-02-16' },
    });
    expect(fs[0]!.title).toMatch(/reaching 2 customer\(s\)/);
  });

  it('leaves a vulnerability known for 7 days or less, customer assets, and fixed versions alone', () => {
    const fresh = [kev('CVE-2026-0001', 'FortiOS', '2026-11-25', '2026-12-16')];
    expect(only(vulnFindings(model([tool()], { grant: grants }), feeds(fresh, [fortiNvd('CVE-2026-0001', '7.4.10')]), now), VULN_CONTROLS.hubToolsFirst)).toEqual([]);
    const old = [kev('CVE-2024-21762', 'FortiOS', '2024-02-09', '2024-02-16')];
    const f = feeds(old, [fortiNvd('CVE-2024-21762', '7.4.3')]);
    expect(only(vulnFindings(model([asset({})]), f, now), VULN_CONTROLS.hubToolsFirst)).toEqual([]);
    expect(only(vulnFindings(model([tool({ version: '7.4.3' })], { grant: grants }), f, now), VULN_CONTROLS.hubToolsFirst)).toEqual([]);
  });

  it('counts a CVE not in KEV from its NVD publication date when its EPSS is high', () => {
    const f = feeds([], [fortiNvd('CVE-2026-1234', '7.4.5', '2026-11-01T10:00:00.000')], [['CVE-2026-1234', 0.4]]);
    const fs = only(vulnFindings(model([tool()], { grant: grants }), f, now), VULN_CONTROLS.hubToolsFirst);
    expect(fs[0]).toMatchObject({ evidence: { cve: 'CVE-2026-1234', since: '2026-11-01', sinceSource: 'nvd-published', daysLate: 21 } });
    // Without a publication date the age is unknown: no finding.
    const undated = feeds([], [fortiNvd('CVE-2026-1234', '7.4.5')], [['CVE-2026-1234', 0.4]]);
    expect(only(vulnFindings(model([tool()], { grant: grants }), undated, now), VULN_CONTROLS.hubToolsFirst)).toEqual([]);
  });
});

describe('KEV candidates when NVD holds no record', () => {
  const k = [
    kev('CVE-2024-21762', 'FortiOS', '2024-02-09', '2024-02-16'),
    kev('CVE-2022-42475', 'FortiOS', '2022-12-13', '2023-01-03'),
    kev('CVE-2024-3400', 'PAN-OS', '2024-04-12', '2024-04-19', 'Palo Alto Networks'),
  ];

  it('lists them together on one KEV finding, capped at high, saying the version was not checked and what to import', () => {
    const fs = only(vulnFindings(model([asset({ version: '7.4.9', internetFacing: true, criticality: 'critical' })]), feeds(k, []), now), VULN_CONTROLS.kev);
    expect(fs).toHaveLength(1);
    const f = fs[0]!;
    expect(f.severity).toBe('high');
    expect(f.title).toMatch(/2 known-exploited CVE\(s\) of Fortinet FortiOS could apply .*version not checked/);
    expect(f.evidence).toMatchObject({ cves: [], unverified: { count: 2, versionKnown: true, products: ['Fortinet FortiOS'] } });
    expect((f.evidence!.candidates as { cve: string; candidate: boolean }[]).map((c) => [c.cve, c.candidate])).toEqual([['CVE-2022-42475', true], ['CVE-2024-21762', true]]);
    const u = f.evidence!.unverified as { reason: string; remedy: string };
    expect(u.reason).toMatch(/version 7\.4\.9 could not be checked/);
    expect(u.remedy).toMatch(/hubguard feeds update/);
  });

  it('says to record the version when the asset has none', () => {
    const f = only(vulnFindings(model([asset({ version: undefined })]), feeds(k, []), now), VULN_CONTROLS.kev)[0]!;
    expect(f.evidence).toMatchObject({ unverified: { versionKnown: false } });
    expect((f.evidence!.unverified as { remedy: string }).remedy).toMatch(/^Record the asset's version/);
  });

  it('keeps a CVE NVD knows but has not analysed as a confirmed product-only CVE beside the candidates', () => {
    const pan = asset({ id: 'gp', vendor: 'Palo Alto Networks', product: 'PAN-OS', version: '10.2.9' });
    const f = only(vulnFindings(model([pan]), feeds(k, [{ id: 'CVE-2024-3400', configurations: [] }]), now), VULN_CONTROLS.kev)[0]!;
    expect(f.evidence).toMatchObject({ cve: 'CVE-2024-3400', confidence: 'product-only', cves: [{ cve: 'CVE-2024-3400', candidate: false, matchedBy: 'kev-product' }], candidates: [], unverified: null });
    // And its KEV due date applies.
    expect(only(vulnFindings(model([pan]), feeds(k, [{ id: 'CVE-2024-3400', configurations: [] }]), now), VULN_CONTROLS.kevDueDates)[0]?.evidence?.cve).toBe('CVE-2024-3400');
  });
});

describe('end of life from the lifecycle catalog, and replacement planning', () => {
  const cat = parseLifecycle(
    'version: 9.9.9\ndate: 2026-11-01\nsource: test\nproducts:\n' +
      '  - {id: ws2012, name: Windows Server 2012, vendors: [Microsoft], match: [{product: Windows Server 2012}], endOfLife: 2023-10-10, reference: r}\n' +
      '  - {id: ws2016, name: Windows Server 2016, vendors: [Microsoft], match: [{product: Windows Server 2016}], endOfLife: 2027-01-12, reference: r}\n',
    'lifecycle.yaml',
  );
  const srv = (id: string, product: string, over: Record<string, unknown> = {}) => asset({ id, name: id, vendor: 'Microsoft', product, version: undefined, ...over });
  const run = (assets: Asset[]) => vulnFindings(model(assets), feeds([], []), now, cat);

  it('flags end of life from the catalog, with its version, or from the asset field', () => {
    const fs = only(run([srv('dc', 'Windows Server 2012 R2 Standard'), srv('own', 'Custom OS', { endOfLife: '2024-01-01' }), srv('new', 'Windows Server 2025')]), VULN_CONTROLS.endOfLife);
    expect(fs.map((f) => f.subject.id)).toEqual(['dc', 'own']);
    expect(fs[0]!.evidence).toMatchObject({
      endOfLife: '2023-10-10T00:00:00.000Z', endOfLifeSource: 'lifecycle-catalog',
      lifecycle: { catalogVersion: '9.9.9', catalogDate: '2026-11-01', entry: 'ws2012', matchedAs: 'microsoft:windows_server_2012_r2_standard' },
    });
    expect(fs[1]!.evidence).toMatchObject({ endOfLife: '2024-01-01T00:00:00.000Z', endOfLifeSource: 'asset', lifecycle: null });
  });

  it('flags an end of life within 180 days without a replacement planned before it', () => {
    const fs = only(
      run([
        srv('none', 'Windows Server 2016'),
        srv('late', 'Windows Server 2016', { replacementPlanned: '2027-03-01' }),
        srv('passed', 'Windows Server 2016', { replacementPlanned: '2026-11-01' }),
        srv('planned', 'Windows Server 2016', { replacementPlanned: '2026-12-15' }),
        srv('far', 'Custom OS', { endOfLife: '2027-12-31' }),
      ]),
      VULN_CONTROLS.endOfLifeReplacement,
    );
    expect(fs.map((f) => [f.subject.id, f.evidence!.gap])).toEqual([['none', 'none'], ['late', 'after-end-of-life'], ['passed', 'plan-passed']]);
    expect(fs[0]).toMatchObject({ severity: 'medium', evidence: { daysLeft: 44, leadDays: 180, endOfLifeSource: 'lifecycle-catalog' } });
    expect(fs[0]!.title).toMatch(/out of support in 44 day\(s\) \(2027-01-12\), and no replacement or isolation is planned/);
  });

  it('the engine declares every control it emits', () => {
    for (const c of Object.values(VULN_CONTROLS)) expect(vulnsEngine.controls).toContain(c);
  });
});
