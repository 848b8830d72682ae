import { describe, expect, it } from 'vitest';
import { isControlId } from '../../catalog/catalog.js';
import { AccessGrant, Asset, ExposedService, Organization } from '../../core/index.js';
import { emptyModel, type Model } from '../engine.js';
import { ENGINES } from '../index.js';
import type { KevFacts, VulnFeeds } from './feeds.js';
import { assessVulns, priorityOf, scoreOf, VULN_CONTROLS, vulnsEngine, type VulnRow } from './vulns.js';

const now = new Date('2026-11-29T00:00:00Z');

const KEV: KevFacts[] = [
  { cveID: 'CVE-2024-21762', vendorProject: 'Fortinet', product: 'FortiOS', vulnerabilityName: 'Fortinet FortiOS Out-of-Bound Write Vulnerability', dateAdded: '2024-02-09', dueDate: '2024-02-16', knownRansomwareCampaignUse: 'Known' },
  { cveID: 'CVE-2024-1709', vendorProject: 'ConnectWise', product: 'ScreenConnect', vulnerabilityName: 'ConnectWise ScreenConnect Authentication Bypass Vulnerability', dateAdded: '2024-02-22', dueDate: '2024-02-29', knownRansomwareCampaignUse: 'Known' },
];

/** CVE-2024-21762 as NVD configures it (abridged to the 7.x ranges). */
const NVD_21762 = {
  id: 'CVE-2024-21762',
  configurations: [{
    nodes: [{
      operator: 'OR' as const, negate: false,
      cpeMatch: [
        { vulnerable: true, criteria: 'cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*', versionStartIncluding: '7.0.0', versionEndExcluding: '7.0.14' },
        { vulnerable: true, criteria: 'cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*', versionStartIncluding: '7.2.0', versionEndExcluding: '7.2.7' },
        { vulnerable: true, criteria: 'cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*', versionStartIncluding: '7.4.0', versionEndExcluding: '7.4.3' },
      ],
    }],
  }],
};

/** A non-KEV CVE with a high EPSS, configured for FortiOS 7.4.x before 7.4.5. */
const NVD_EPSS = {
  id: 'CVE-2024-99999',
  configurations: [{ nodes: [{ operator: 'OR' as const, negate: false, cpeMatch: [{ vulnerable: true, criteria: 'cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*', versionStartIncluding: '7.4.0', versionEndExcluding: '7.4.5' }] }] }],
};

function feeds(over: Partial<VulnFeeds> = {}): VulnFeeds {
  return {
    kev: new Map(KEV.map((k) => [k.cveID, k])),
    epss: new Map([['CVE-2024-21762', { epss: 0.94, percentile: 0.99 }], ['CVE-2024-99999', { epss: 0.35, percentile: 0.97 }]]),
    nvd: [NVD_21762, NVD_EPSS],
    dates: { kev: { version: '2025.08.25', date: '2025-08-25' }, epss: { version: 'v2025.03.14', date: '2025-08-25' } },
    ...over,
  };
}

const asset = (over: Record<string, unknown>): Asset =>
  Asset.parse({ id: 'a1', tenant: 'acme', name: 'Firewall', kind: 'device', vendor: 'Fortinet', product: 'FortiOS', version: '7.4.2', addresses: ['198.51.100.7'], hostnames: ['fw.acme.example'], ...over });

function model(assets: Asset[], extra: Partial<Model> = {}): Model {
  const m = emptyModel();
  m.organization = [
    Organization.parse({ id: 'harbor-msp', name: 'Harbor IT', kind: 'msp' }),
    ...Array.from({ length: 24 }, (_, i) => Organization.parse({ id: `c${i}`, name: `Customer ${i}`, kind: 'customer', msp: 'harbor-msp' })),
    Organization.parse({ id: 'acme', name: 'Acme', kind: 'customer', msp: 'harbor-msp' }),
  ];
  m.asset = assets;
  return { ...m, ...extra };
}

const rowOf = (rows: VulnRow[], asset: string, cve: string) => rows.find((r) => r.asset.id === asset && r.cve === cve);

describe('vulns engine: matching', () => {
  it('is registered, names only catalog controls and does nothing without feeds', () => {
    expect(ENGINES).toContain(vulnsEngine);
    for (const c of vulnsEngine.controls) expect(isControlId(c), c).toBe(true);
    expect(vulnsEngine.run(model([asset({})]), { now })).toEqual([]);
  });

  it('FortiOS 7.4.2 is vulnerable to CVE-2024-21762 (NVD range); 7.4.3 is not', () => {
    const rows = assessVulns(model([asset({ id: 'old' }), asset({ id: 'new', version: '7.4.3' })]), feeds(), now);
    const hit = rowOf(rows, 'old', 'CVE-2024-21762');
    expect(hit).toBeDefined();
    expect(hit!.matchedBy).toBe('nvd');
    expect(['range', 'vendor-scheme', 'exact']).toContain(hit!.confidence);
    expect(hit!.kev?.dueDate).toBe('2024-02-16');
    expect(rowOf(rows, 'new', 'CVE-2024-21762')).toBeUndefined();
    // 7.4.3 is still under the EPSS CVE's range (< 7.4.5).
    expect(rowOf(rows, 'new', 'CVE-2024-99999')).toBeDefined();
    expect(rowOf(rows, 'new', 'CVE-2024-99999')!.dueSource).toBe('policy');
  });

  it('falls back to KEV vendor/product with lower confidence when NVD has no configuration', () => {
    const rows = assessVulns(model([asset({ id: 'fw' })]), feeds({ nvd: [] }), now);
    const po = rowOf(rows, 'fw', 'CVE-2024-21762');
    expect(po).toMatchObject({ confidence: 'product-only', matchedBy: 'kev-product' });
    const exact = rowOf(assessVulns(model([asset({ id: 'fw' })]), feeds(), now), 'fw', 'CVE-2024-21762')!;
    expect(po!.score).toBeLessThan(exact.score);
    // With NVD configurations present, a version outside them never falls back on the product name.
    expect(rowOf(assessVulns(model([asset({ id: 'fw', version: '7.4.3' })]), feeds(), now), 'fw', 'CVE-2024-21762')).toBeUndefined();
  });

  it('refuses an asset with a product but no vendor, and one with neither', () => {
    const rows = assessVulns(model([asset({ id: 'nv', vendor: undefined }), asset({ id: 'none', vendor: undefined, product: undefined, version: undefined })]), feeds({ nvd: [] }), now);
    expect(rows).toEqual([]);
  });

  it('matches by the asset CPE too', () => {
    const a = asset({ id: 'cpe', vendor: undefined, product: undefined, version: undefined, cpe: 'cpe:2.3:o:fortinet:fortios:7.4.2:*:*:*:*:*:*:*' });
    expect(rowOf(assessVulns(model([a]), feeds(), now), 'cpe', 'CVE-2024-21762')).toBeDefined();
  });
});

describe('vulns engine: prioritization and findings', () => {
  const sc = (over: Record<string, unknown>) =>
    asset({ vendor: 'ConnectWise', product: 'ScreenConnect', version: '23.9.7', internetFacing: false, criticality: 'medium', ...over });
  const grants = Array.from({ length: 24 }, (_, i) =>
    AccessGrant.parse({ id: `g${i}`, tenant: `c${i}`, principal: 'msp-sc', principalKind: 'tool', target: `c${i}`, targetKind: 'organization', privilege: 'admin', via: 'remote-access', tool: 'msp-sc' }),
  );

  it('hub position: a ScreenConnect that opens 24 customers outranks the same bug at one customer', () => {
    const m = model([sc({ id: 'msp-sc', tenant: 'harbor-msp', kind: 'msp-tool', toolKind: 'remote-access' }), sc({ id: 'cust-sc', tenant: 'acme' })], { grant: grants });
    const rows = assessVulns(m, feeds(), now);
    const hub = rowOf(rows, 'msp-sc', 'CVE-2024-1709')!;
    const cust = rowOf(rows, 'cust-sc', 'CVE-2024-1709')!;
    expect(hub.factors.customersReached).toBe(24);
    expect(cust.factors.customersReached).toBe(0);
    expect(hub.score).toBeGreaterThan(cust.score);
    expect(hub.priority).toBe('P1');
    expect(cust.priority).not.toBe('P1');
    // The KEV due date wins over the policy.
    expect(hub.dueDate).toBe('2024-02-29');
    expect(hub.overdue).toBe(true);
  });

  it('an internet-facing service on the asset counts as exposure', () => {
    const a = sc({ id: 'x', criticality: 'low' });
    const s = ExposedService.parse({ id: 'acme:198.51.100.7:tcp/443', tenant: 'acme', asset: 'x', address: '198.51.100.7', port: 443 });
    const inside = rowOf(assessVulns(model([a]), feeds(), now), 'x', 'CVE-2024-1709')!;
    const outside = rowOf(assessVulns(model([a], { service: [s] }), feeds(), now), 'x', 'CVE-2024-1709')!;
    expect(inside.factors.internetExposed).toBe(false);
    expect(outside.factors.internetExposed).toBe(true);
    expect(outside.score).toBe(inside.score * 2);
  });

  it('scores and priorities follow the documented formula', () => {
    const base = { kev: true, ransomware: true, internetExposed: true, criticality: 'critical' as const, customersReached: 0, confidence: 'range' as const };
    expect(scoreOf(base)).toBe(100);
    expect(scoreOf({ ...base, ransomware: false })).toBe(80);
    expect(scoreOf({ ...base, customersReached: 1 })).toBe(200);
    expect(scoreOf({ ...base, kev: false, ransomware: false, epss: 0.2 })).toBe(20);
    expect(scoreOf({ ...base, kev: false, ransomware: false })).toBe(1);
    expect([priorityOf(50), priorityOf(49.9), priorityOf(25), priorityOf(10), priorityOf(9.9)]).toEqual(['P1', 'P2', 'P2', 'P3', 'P4']);
  });

  it('emits one finding per asset and control with the evidence and feed date', () => {
    const m = model([asset({ id: 'fw', internetFacing: true, criticality: 'high' }), asset({ id: 'fw2', version: '7.4.3' })]);
    const fs = vulnsEngine.run(m, { now, feeds: feeds() });
    const kev = fs.find((f) => f.subject.id === 'fw' && f.control === VULN_CONTROLS.kev)!;
    expect(kev).toMatchObject({
      tenant: 'acme', severity: 'critical', subject: { kind: 'asset', id: 'fw' },
      evidence: {
        address: '198.51.100.7', host: 'fw.acme.example', product: 'FortiOS', version: '7.4.2', cve: 'CVE-2024-21762',
        priority: 'P1', dueDate: '2024-02-16', kevCatalog: { version: '2025.08.25', date: '2025-08-25' },
      },
    });
    const cves = kev.evidence!.cves as { cve: string; epss: number; kev: { knownRansomwareCampaignUse: string } }[];
    expect(cves[0]).toMatchObject({ cve: 'CVE-2024-21762', epss: 0.94, kev: { knownRansomwareCampaignUse: 'Known' } });
    // Not in KEV, EPSS 0.35 ≥ 0.1: the EPSS control, with a policy due date.
    const epss = fs.find((f) => f.subject.id === 'fw2' && f.control === VULN_CONTROLS.epss)!;
    expect(epss.evidence).toMatchObject({ cve: 'CVE-2024-99999', kevCatalog: { date: '2025-08-25' } });
    expect(fs.some((f) => f.subject.id === 'fw2' && f.control === VULN_CONTROLS.kev)).toBe(false);
    // Below the EPSS threshold: no finding.
    const low = feeds({ epss: new Map([['CVE-2024-99999', { epss: 0.02, percentile: 0.5 }]]) });
    expect(vulnsEngine.run(m, { now, feeds: low }).some((f) => f.control === VULN_CONTROLS.epss)).toBe(false);
  });

  it('flags end-of-life assets, not those still supported', () => {
    const m = model([asset({ id: 'dc', vendor: 'Microsoft', product: 'Windows Server', version: '2012 R2', endOfLife: '2023-10-10' }), asset({ id: 'ok', vendor: 'Microsoft', product: 'Windows Server', version: '2022', endOfLife: '2031-10-14' })]);
    const fs = vulnsEngine.run(m, { now, feeds: feeds() }).filter((f) => f.control === VULN_CONTROLS.endOfLife);
    expect(fs.map((f) => f.subject.id)).toEqual(['dc']);
    expect(fs[0]!.evidence).toMatchObject({ endOfLife: expect.stringMatching(/^2023-10-10/), kevCatalog: { date: '2025-08-25' } });
  });
});
