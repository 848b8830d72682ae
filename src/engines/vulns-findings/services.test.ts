/**
 * Scanned services in the vulns engine: an asset that names no product of its own is matched on
 * the products its services show, through the real KEV and NVD parsers (fixtures/feeds KEV
 * excerpt, fixtures/vulns NVD sample), and the finding says which service and how.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Asset, ExposedService, Organization } from '../../core/index.js';
import { parseKevJson, parseNvdJson } from '../../ingest/feeds/index.js';
import { emptyModel, type Model } from '../engine.js';
import type { VulnFeeds } from './feeds.js';
import { servicesOfAssets } from './services.js';
import { assessVulns, VULN_CONTROLS, vulnFindings, type CveEvidence } from './vulns.js';

const now = new Date('2026-11-29T00:00:00Z');
const FIXTURES = join(import.meta.dirname, '../../../fixtures');

function loadFeeds(): VulnFeeds {
  const kevFile = join(FIXTURES, 'feeds/kev-excerpt.json');
  const kev = parseKevJson(readFileSync(kevFile, 'utf8'), kevFile);
  const nvdFile = join(FIXTURES, 'vulns/nvd-sample.json');
  const nvd = parseNvdJson(readFileSync(nvdFile, 'utf8'), nvdFile);
  return {
    kev: new Map(kev.entries.map((e) => [e.cveID, e])),
    epss: new Map(),
    nvd: nvd.cves,
    dates: { kev: { version: kev.version, date: kev.date }, nvd: { version: nvd.version, date: nvd.date } },
  };
}

/** A scanned host as `hubguard import <scan>` writes it: no vendor, product, version or CPE. */
const host = (address: string, over: Record<string, unknown> = {}): Asset =>
  Asset.parse({ id: `scan:${address}`, tenant: 'acme', name: address, kind: 'device', addresses: [address], internetFacing: true, tags: ['scan', 'nmap'], ...over });

/** A scanned service, shaped as the nmap importer writes it (CPEs and extra info in the banner). */
const service = (address: string, port: number, over: Record<string, unknown>): ExposedService =>
  ExposedService.parse({ id: `acme:${address}:tcp/${port}`, tenant: 'acme', asset: `scan:${address}`, address, port, service: 'https', source: 'nmap', observedAt: '2026-11-29T02:00:05Z', ...over });

function model(assets: Asset[], services: ExposedService[]): Model {
  const m = emptyModel();
  m.organization = [Organization.parse({ id: 'acme', name: 'Acme', kind: 'customer' }), Organization.parse({ id: 'other', name: 'Other', kind: 'customer' })];
  m.asset = assets;
  m.service = services;
  return m;
}

const cveOf = (m: Model, asset: string, cve: string): CveEvidence | undefined => {
  const f = vulnFindings(m, loadFeeds(), now).find((x) => x.control === VULN_CONTROLS.kev && x.subject.id === asset);
  return (f?.evidence?.cves as CveEvidence[] | undefined)?.find((c) => c.cve === cve);
};

describe('vulns engine: products of scanned services', () => {
  it('matches FortiOS 7.2.5 read from an nmap product string: uncertain, naming the port and the string', () => {
    const m = model([host('203.0.113.40')], [service('203.0.113.40', 10443, { product: 'Fortinet FortiOS', version: '7.2.5', banner: 'method: probed' })]);
    const c = cveOf(m, 'scan:203.0.113.40', 'CVE-2024-21762');
    expect(c).toMatchObject({
      matchedBy: 'nvd', confidence: 'uncertain', candidate: false, criteria: 'cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*',
      installed: { vendor: 'fortinet', product: 'fortios', version: '7.2.5', resolvedFrom: 'Fortinet FortiOS' },
    });
    expect(c!.services).toEqual([{
      id: 'acme:203.0.113.40:tcp/10443', address: '203.0.113.40', port: 10443, protocol: 'tcp', service: 'https', product: 'Fortinet FortiOS', version: '7.2.5',
      resolvedBy: 'product-string', resolvedFrom: 'Fortinet FortiOS', matchedAs: 'fortinet:fortios:7.2.5', source: 'nmap', observedAt: '2026-11-29T02:00:05.000Z',
    }]);
    expect(c!.caveats.join(' ')).toMatch(/read from the product string "Fortinet FortiOS", not from a CPE/);
    const f = vulnFindings(m, loadFeeds(), now).find((x) => x.control === VULN_CONTROLS.kev)!;
    expect(f.title).toMatch(/^203\.0\.113\.40 runs Fortinet FortiOS 7\.2\.5 on tcp\/10443 with 1 known-exploited CVE/);
    expect(f.evidence).toMatchObject({ address: '203.0.113.40', confidence: 'uncertain', internetExposed: true });
  });

  it('matches the CPE line of the banner, on a service found by tenant and address (no asset id), at full confidence', () => {
    const banner = 'cpe: cpe:/h:fortinet:fortigate\ncpe: cpe:/o:fortinet:fortios:7.0.12\nmethod: probed';
    const m = model([host('203.0.113.41')], [service('203.0.113.41', 443, { asset: undefined, product: 'Fortinet FortiGate SSL VPN', version: '7.0.12', banner })]);
    const c = cveOf(m, 'scan:203.0.113.41', 'CVE-2024-21762');
    expect(c).toMatchObject({ matchedBy: 'nvd', confidence: 'vendor-scheme', installed: { version: '7.0.12', resolvedFrom: null } });
    expect(c!.services).toMatchObject([{ port: 443, resolvedBy: 'cpe', resolvedFrom: 'cpe:/o:fortinet:fortios:7.0.12', matchedAs: 'fortinet:fortios:7.0.12' }]);
  });

  it('does not match a fixed version, a product string the table does not know, or a service of another tenant', () => {
    const m = model(
      [host('203.0.113.42'), host('203.0.113.43'), host('203.0.113.44')],
      [
        service('203.0.113.42', 443, { product: 'Fortinet FortiOS', version: '7.4.3' }),
        service('203.0.113.43', 443, { product: 'nx', version: '7.2.5' }),
        service('203.0.113.44', 443, { id: 'other:203.0.113.44:tcp/443', tenant: 'other', asset: undefined, product: 'Fortinet FortiOS', version: '7.2.5' }),
      ],
    );
    expect(assessVulns(m, loadFeeds(), now)).toEqual([]);
  });

  it('a scan that read no version does not override the version the asset records', () => {
    const fw = host('198.51.100.7', { id: 'fw', vendor: 'Fortinet', product: 'FortiOS', version: '7.4.9' });
    const m = model([fw], [service('198.51.100.7', 443, { asset: 'fw', product: 'Fortinet FortiOS SSL VPN' })]);
    expect(assessVulns(m, loadFeeds(), now).filter((r) => r.cve === 'CVE-2024-21762')).toEqual([]);
    // Without a recorded version, the scanned product alone still says FortiOS: product-only.
    const bare = model([host('198.51.100.7', { id: 'fw' })], [service('198.51.100.7', 443, { asset: 'fw', product: 'Fortinet FortiOS SSL VPN' })]);
    expect(assessVulns(bare, loadFeeds(), now).find((r) => r.cve === 'CVE-2024-21762')).toMatchObject({ confidence: 'product-only', services: [{ port: 443 }] });
  });

  it('dates the end of life of a scanned FortiOS from the lifecycle catalog, naming the service', () => {
    const banner = 'cpe: cpe:/o:fortinet:fortios:7.0.12';
    const m = model([host('203.0.113.41')], [service('203.0.113.41', 443, { product: 'Fortinet FortiGate SSL VPN', version: '7.0.12', banner })]);
    const f = vulnFindings(m, loadFeeds(), now).find((x) => x.control === VULN_CONTROLS.endOfLife);
    expect(f?.title).toBe('203.0.113.41 runs FortiOS 7.0 past its end of life (2025-09-30)');
    expect(f?.evidence).toMatchObject({
      endOfLifeSource: 'lifecycle-catalog',
      lifecycle: { entry: 'fortios-7-0', matchedAs: 'fortinet:fortios:7.0.12', services: [{ port: 443, resolvedBy: 'cpe', resolvedFrom: 'cpe:/o:fortinet:fortios:7.0.12' }] },
    });
  });

  it('finds the services of an asset by asset id, else by tenant and address, once each', () => {
    const a = host('203.0.113.50', { addresses: ['203.0.113.50', '203.0.113.50', '2001:db8::50'] });
    const byId = service('203.0.113.50', 443, {});
    const byAddress = service('2001:db8::50', 22, { asset: undefined });
    const elsewhere = service('203.0.113.50', 8443, { asset: 'scan:203.0.113.99' });
    const otherTenant = service('203.0.113.50', 80, { tenant: 'other', asset: undefined });
    const of = servicesOfAssets([byId, byAddress, elsewhere, otherTenant]);
    expect(of(a).map((s) => s.port)).toEqual([443, 22]);
  });
});
