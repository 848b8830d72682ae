/**
 * The whole demo MSP through the real feed parsers: the bundled CISA KEV snapshot and an NVD CVE
 * API 2.0 sample (fixtures/vulns/nvd-sample.json). Each known-exploited version the demo plants
 * must get its CVE at the expected confidence, and each patched version must not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECORD_KINDS, type Asset } from '../../core/index.js';
import { generateDemo } from '../../demo/index.js';
import { bundledKevPath, parseKevCsv, parseNvdJson } from '../../ingest/feeds/index.js';
import { emptyModel, type FindingDraft, type Model } from '../engine.js';
import type { VulnFeeds } from './feeds.js';
import { VULN_CONTROLS, vulnFindings, type CveEvidence } from './vulns.js';

const now = new Date('2026-11-01T00:00:00Z');

function demoModel(): Model {
  const ws = generateDemo({ customers: 24, seed: 1, now });
  const model = emptyModel() as Record<string, unknown[]>;
  for (const k of RECORD_KINDS) model[k.name] = [...ws[k.name]()].map((r) => k.schema.parse(r));
  return model as unknown as Model;
}

function loadFeeds(): VulnFeeds {
  const kev = parseKevCsv(readFileSync(bundledKevPath(), 'utf8'), bundledKevPath());
  const file = join(import.meta.dirname, '../../../fixtures/vulns/nvd-sample.json');
  const nvd = parseNvdJson(readFileSync(file, 'utf8'), file);
  return {
    kev: new Map(kev.entries.map((e) => [e.cveID, e])),
    epss: new Map(),
    nvd: nvd.cves,
    dates: { kev: { version: kev.version, date: kev.date }, nvd: { version: nvd.version, date: nvd.date } },
  };
}

/** Known-exploited demo versions by CPE prefix: the CVE and the confidences a correct match has. */
const VULNERABLE: [cpe: string, cve: string, confidence: string[]][] = [
  ['cpe:2.3:a:connectwise:screenconnect:23.9.7:', 'CVE-2024-1709', ['vendor-scheme', 'range']],
  ['cpe:2.3:o:fortinet:fortios:7.4.2:', 'CVE-2024-21762', ['vendor-scheme', 'range']],
  ['cpe:2.3:o:fortinet:fortios:7.2.5:', 'CVE-2024-21762', ['vendor-scheme', 'range']],
  ['cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-49.13:', 'CVE-2023-4966', ['vendor-scheme', 'range']],
  // NVD holds the record but has not analysed it: KEV product only, still a confirmed row.
  ['cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:', 'CVE-2024-3400', ['product-only']],
  ['cpe:2.3:a:ivanti:connect_secure:22.4:r2.1:', 'CVE-2024-21887', ['exact']],
  // NVD's configuration is SonicOS AND one of the listed appliances; the asset names no hardware CPE.
  ['cpe:2.3:o:sonicwall:sonicos:7.0.1-5035:', 'CVE-2024-40766', ['uncertain']],
  ['cpe:2.3:o:cisco:ios_xe:17.9.3:', 'CVE-2023-20198', ['vendor-scheme', 'range']],
];

/** Patched demo versions and the CVEs they must not get. */
const FIXED: [cpe: string, cves: string[]][] = [
  ['cpe:2.3:o:fortinet:fortios:7.4.9:', ['CVE-2024-21762']],
  ['cpe:2.3:o:sonicwall:sonicos:7.1.2-7019:', ['CVE-2024-40766']],
  ['cpe:2.3:o:cisco:ios_xe:17.9.4a:', ['CVE-2023-20198']],
];

describe('vulns engine on the demo MSP with the bundled KEV and the NVD sample', () => {
  const model = demoModel();
  const findings = vulnFindings(model, loadFeeds(), now);
  const of = (control: string, a: Asset): FindingDraft | undefined => findings.find((f) => f.control === control && f.subject.id === a.id);
  const assetsBy = (prefix: string) => model.asset.filter((a) => a.cpe?.startsWith(prefix));
  const cvesOf = (f: FindingDraft | undefined, key: 'cves' | 'candidates') => (f?.evidence?.[key] ?? []) as CveEvidence[];

  it.each(VULNERABLE)('%s gets %s', (cpe, cve, confidence) => {
    const assets = assetsBy(cpe);
    expect(assets.length, cpe).toBeGreaterThan(0);
    for (const a of assets) {
      const hit = cvesOf(of(VULN_CONTROLS.kev, a), 'cves').find((c) => c.cve === cve);
      expect(hit, `${a.id} ${cve}`).toBeDefined();
      expect(confidence, `${a.id} ${cve}`).toContain(hit!.confidence);
      expect(hit!.candidate).toBe(false);
      expect(hit!.matchedBy).toBe(confidence.includes('product-only') ? 'kev-product' : 'nvd');
      // Every one of these KEV due dates is long past.
      const due = of(VULN_CONTROLS.kevDueDates, a);
      expect((due?.evidence?.cves as { cve: string; overdue: boolean }[] | undefined)?.find((c) => c.cve === cve)).toMatchObject({ overdue: true });
      expect(due!.severity).toBe('critical');
    }
  });

  it.each(FIXED)('%s does not get %s', (cpe, cves) => {
    const assets = assetsBy(cpe);
    expect(assets.length, cpe).toBeGreaterThan(0);
    for (const a of assets) {
      const listed = [...cvesOf(of(VULN_CONTROLS.kev, a), 'cves'), ...cvesOf(of(VULN_CONTROLS.kev, a), 'candidates')].map((c) => c.cve);
      for (const cve of cves) expect(listed, `${a.id}`).not.toContain(cve);
    }
  });

  it('MSP tools with known-exploited versions are flagged for the MSP, with their reach', () => {
    const sc = assetsBy('cpe:2.3:a:connectwise:screenconnect:23.9.7:').find((a) => a.kind === 'msp-tool')!;
    const f = of(VULN_CONTROLS.hubToolsFirst, sc);
    expect(f).toMatchObject({ duty: 'msp', severity: 'critical', evidence: { sinceSource: 'kev-date-added' } });
    expect(f!.evidence!.customersReached as number).toBeGreaterThan(0);
    expect((f!.evidence!.cves as { cve: string }[]).map((c) => c.cve)).toContain('CVE-2024-1709');
    // Customer firewalls are not MSP tools.
    const customerFw = assetsBy('cpe:2.3:o:fortinet:fortios:7.2.5:')[0]!;
    expect(of(VULN_CONTROLS.hubToolsFirst, customerFw)).toBeUndefined();
  });

  it('KEV CVEs NVD holds no record of stay candidates, one finding per asset, never critical alone', () => {
    const patched = assetsBy('cpe:2.3:o:fortinet:fortios:7.4.9:')[0]!;
    const f = of(VULN_CONTROLS.kev, patched)!;
    expect(cvesOf(f, 'cves')).toEqual([]);
    expect(cvesOf(f, 'candidates').length).toBeGreaterThan(3);
    expect(f.severity).not.toBe('critical');
    expect(f.evidence).toMatchObject({ unverified: { versionKnown: true } });
    expect(of(VULN_CONTROLS.kevDueDates, patched)).toBeUndefined();
  });

  it('end of life: past dates are flagged, and Windows Server 2016 gets a replacement-planning finding', () => {
    const eol = findings.filter((f) => f.control === VULN_CONTROLS.endOfLife);
    expect(eol.length).toBeGreaterThan(0);
    expect(eol.every((f) => f.evidence!.endOfLifeSource === 'asset' || f.evidence!.endOfLifeSource === 'lifecycle-catalog')).toBe(true);
    // FortiOS 7.2 left support on 2026-09-30: the demo gives no date, the catalog does.
    for (const a of assetsBy('cpe:2.3:o:fortinet:fortios:7.2.5:')) {
      expect(of(VULN_CONTROLS.endOfLife, a)?.evidence).toMatchObject({ endOfLifeSource: 'lifecycle-catalog', lifecycle: { entry: 'fortios-7-2', catalogVersion: expect.any(String) } });
    }
    const ws2016 = model.asset.filter((a) => a.cpe?.startsWith('cpe:2.3:o:microsoft:windows_server_2016:'));
    expect(ws2016.length).toBeGreaterThan(0);
    for (const a of ws2016) expect(of(VULN_CONTROLS.endOfLifeReplacement, a)?.evidence).toMatchObject({ gap: 'none', daysLeft: 72 });
  });
});
