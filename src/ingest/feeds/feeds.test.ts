import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { caughtHubguardError, rejectedHubguardError } from '../../core/test-support.js';
import {
  bundledKevPath,
  BUNDLED_KEV_DATE,
  download,
  FEED_URLS,
  parseCve5Json,
  parseEpssCsv,
  parseFeedBytes,
  parseFeedFile,
  parseKevCsv,
  parseKevJson,
  parseNvdJson,
  nvdFromLargeText,
  type FetchLike,
} from './index.js';

const DIR = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'feeds');
const fx = (name: string) => join(DIR, name);
const text = (name: string) => readFileSync(fx(name), 'utf8');

const caught = caughtHubguardError;
const caughtAsync = rejectedHubguardError;

describe('KEV', () => {
  it('reads the JSON catalog with its version and release date', () => {
    const f = parseKevJson(text('kev-excerpt.json'), 'kev.json');
    expect(f).toMatchObject({ name: 'kev', version: '2025.08.25', date: '2025-08-25T17:04:19.9796Z', format: 'json' });
    expect(f.entries.map((e) => e.cveID)).toContain('CVE-2024-3400');
    const forti = f.entries.find((e) => e.cveID === 'CVE-2024-21762')!;
    expect(forti).toMatchObject({ vendorProject: 'Fortinet', product: 'FortiOS', dateAdded: '2024-02-09', knownRansomwareCampaignUse: 'Known' });
    expect(forti.cwes).toEqual(['CWE-787']);
  });

  it('reads the CSV, dated by its newest dateAdded, splitting multi-CWE cells', () => {
    const f = parseKevCsv(text('kev-excerpt.csv'), 'kev.csv');
    expect(f).toMatchObject({ name: 'kev', version: 'csv-2025-11-14', date: '2025-11-14', format: 'csv' });
    expect(f.entries).toHaveLength(6);
    const json = parseKevJson(text('kev-excerpt.json'), 'kev.json');
    // The same CVE reads the same from both formats.
    const a = json.entries.find((e) => e.cveID === 'CVE-2024-1709');
    const b = f.entries.find((e) => e.cveID === 'CVE-2024-1709');
    expect(b).toEqual(a);
    const multi = parseKevCsv('cveID,vendorProject,product,dateAdded,cwes\nCVE-2024-0001,V,P,2024-01-01,"CWE-306, CWE-77"\n', 'x.csv');
    expect(multi.entries[0]!.cwes).toEqual(['CWE-306', 'CWE-77']);
  });

  it('reads the bundled snapshot', async () => {
    const f = await parseFeedFile(bundledKevPath());
    expect(f.name).toBe('kev');
    expect(f.date).toBe(BUNDLED_KEV_DATE);
    if (f.name === 'kev') expect(f.entries.length).toBeGreaterThan(1400);
  });

  it('locates a truncated JSON file', () => {
    const e = caught(() => parseKevJson(text('broken/kev-truncated.json'), 'kev.json'));
    expect(e.code).toBe('HG_ERR_JSON');
    expect(e.location?.line).toBeGreaterThan(1);
  });

  it('rejects a count that does not match, a bad CVE id, a duplicate', () => {
    const doc = JSON.parse(text('kev-excerpt.json')) as { count: number; vulnerabilities: { cveID: string }[] };
    expect(caught(() => parseKevJson(JSON.stringify({ ...doc, count: 99 }), 'k.json')).message).toMatch(/truncated/);
    const bad = caught(() => parseKevCsv(text('broken/kev-bad-cve.csv'), 'k.csv'));
    expect(bad.code).toBe('HG_ERR_VALIDATION');
    expect(bad.location).toMatchObject({ file: 'k.csv', line: 3, field: 'cveID' });
    const dup = { ...doc, count: 6, vulnerabilities: [...doc.vulnerabilities, doc.vulnerabilities[0]] };
    const d = caught(() => parseKevJson(JSON.stringify(dup, null, 1), 'k.json'));
    expect(d.message).toMatch(/listed twice/);
    expect(d.location?.field).toBe('vulnerabilities.5.cveID');
  });

  it('reports invalid UTF-8 with its place', () => {
    const e = caught(() => parseFeedBytes(readFileSync(fx('broken/kev-invalid-utf8.csv')), 'k.csv'));
    expect(e.code).toBe('HG_ERR_ENCODING');
    expect(e.location).toMatchObject({ file: 'k.csv', line: 2 });
  });
});

describe('EPSS', () => {
  it('reads the CSV with its model version and score date', () => {
    const f = parseEpssCsv(text('epss-excerpt.csv'), 'epss.csv');
    expect(f).toMatchObject({ name: 'epss', modelVersion: 'v2025.03.14', date: '2025-11-28T12:55:00Z' });
    expect(f.scores).toHaveLength(18);
    expect(f.scores.find((s) => s.cve === 'CVE-2024-3400')).toEqual({ cve: 'CVE-2024-3400', epss: 0.94306, percentile: 0.99941 });
  });

  it('reads the gzipped file, recognized by content', async () => {
    const f = await parseFeedFile(fx('epss-excerpt.csv.gz'));
    expect(f).toMatchObject({ name: 'epss', format: 'csv.gz', date: '2025-11-28T12:55:00Z' });
    if (f.name === 'epss') expect(f.scores).toHaveLength(18);
  });

  it('rejects a wrong header, a missing date line, out-of-range scores', () => {
    expect(caught(() => parseEpssCsv(text('broken/epss-wrong-header.csv'), 'e.csv'))).toMatchObject({ code: 'HG_ERR_MISSING_COLUMN', location: { line: 2 } });
    expect(caught(() => parseEpssCsv(text('broken/epss-no-date.csv'), 'e.csv')).code).toBe('HG_ERR_CSV');
    expect(parseEpssCsv(text('broken/epss-no-date.csv'), 'e.csv', { fallbackDate: '2025-11-28' }).date).toBe('2025-11-28');
    const e = caught(() => parseEpssCsv('#model_version:v1,score_date:2025-11-28T00:00:00Z\ncve,epss,percentile\nCVE-2024-0001,1.5,0.3\n', 'e.csv'));
    expect(e.location).toMatchObject({ line: 3, field: 'epss' });
    expect(caught(() => parseEpssCsv('#model_version v1\ncve,epss,percentile\n', 'e.csv')).location?.line).toBe(1);
  });

  it('stops a gzip bomb at the output cap', () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x41)); // 64 MiB of "A" in ~64 KiB
    expect(bomb.length).toBeLessThan(200 * 1024);
    const e = caught(() => parseFeedBytes(bomb, 'bomb.csv.gz', { maxFileBytes: 1 << 20, maxTextBytes: 8 << 20, maxLineLength: 1 << 20 }));
    expect(e.code).toBe('HG_ERR_FILE_TOO_LARGE');
    expect(e.message).toMatch(/bomb\.csv\.gz.*decompression bomb/);
  });

  it('rejects corrupt gzip and oversized files', () => {
    const gz = readFileSync(fx('epss-excerpt.csv.gz'));
    expect(caught(() => parseFeedBytes(gz.subarray(0, gz.length - 12), 'e.gz')).code).toBe('HG_ERR_ENCODING');
    expect(caught(() => parseFeedBytes(Buffer.from('x'.repeat(100)), 'big', { maxFileBytes: 10, maxTextBytes: 10, maxLineLength: 10 })).code).toBe(
      'HG_ERR_FILE_TOO_LARGE',
    );
  });
});

describe('NVD CVE API 2.0', () => {
  it('reads a page: dates, configurations, a CVE without configurations', () => {
    const f = parseNvdJson(text('nvd-page.json'), 'nvd.json');
    expect(f).toMatchObject({ name: 'nvd', version: '2.0', date: '2025-10-24T13:00:00.000Z', totalResults: 3, startIndex: 0 });
    expect(f.cves.map((c) => c.id)).toEqual(['CVE-2024-21762', 'CVE-2024-3400', 'CVE-2024-1709']);
    expect(f.cves[1]!.configurations).toEqual([]);
    const node = f.cves[0]!.configurations[0]!.nodes[0]!;
    expect(node.operator).toBe('OR');
    expect(node.cpeMatch).toContainEqual({
      vulnerable: true,
      criteria: 'cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*',
      versionStartIncluding: '7.4.0',
      versionEndExcluding: '7.4.3',
    });
  });

  it('keeps description and the best CVSS score when present, and reads a gzipped feed', () => {
    const page = JSON.parse(text('nvd-page.json')) as { vulnerabilities: { cve: Record<string, unknown> }[] };
    page.vulnerabilities[0]!.cve.descriptions = [
      { lang: 'es', value: 'x' },
      { lang: 'en', value: 'An out-of-bounds write' },
    ];
    page.vulnerabilities[0]!.cve.metrics = {
      cvssMetricV2: [{ type: 'Primary', cvssData: { version: '2.0', baseScore: 7.5 }, baseSeverity: 'HIGH' }],
      cvssMetricV31: [
        { type: 'Secondary', cvssData: { version: '3.1', baseScore: 9.6, baseSeverity: 'CRITICAL' } },
        { type: 'Primary', cvssData: { version: '3.1', baseScore: 9.8, baseSeverity: 'CRITICAL', vectorString: 'CVSS:3.1/AV:N' } },
      ],
    };
    const f = parseFeedBytes(gzipSync(JSON.stringify(page)), 'nvd.json.gz');
    expect(f).toMatchObject({ name: 'nvd', format: 'json.gz' });
    if (f.name !== 'nvd') return;
    expect(f.cves[0]).toMatchObject({ description: 'An out-of-bounds write', cvss: { version: '3.1', baseScore: 9.8, vector: 'CVSS:3.1/AV:N' } });
  });

  it('locates a bad node operator and refuses the retired 1.1 format', () => {
    const e = caught(() => parseNvdJson(text('broken/nvd-bad-operator.json'), 'nvd.json'));
    expect(e.code).toBe('HG_ERR_VALIDATION');
    expect(e.location?.field).toBe('vulnerabilities.0.cve.configurations.0.nodes.0.operator');
    expect(e.location?.line).toBeGreaterThan(1);
    const old = { ...JSON.parse(text('nvd-page.json')), version: '1.1' };
    expect(caught(() => parseNvdJson(JSON.stringify(old), 'n.json')).message).toMatch(/retired/);
  });
});

describe('CVE JSON 5', () => {
  it("reads CISA ADP's SSVC options", () => {
    const f = parseCve5Json(text('cve5-CVE-2024-3400.json'), 'cve.json');
    expect(f).toMatchObject({ name: 'cve5', version: '5.1', date: '2025-10-21T23:05:17.125Z' });
    expect(f.records[0]).toMatchObject({ id: 'CVE-2024-3400', automatable: 'yes', technicalImpact: 'total', exploitation: 'active' });
    expect(f.records[0]!.title).toMatch(/^PAN-OS/);
  });

  it('ignores SSVC from another ADP and reads a list of records', () => {
    const rec = JSON.parse(text('cve5-CVE-2024-3400.json')) as { containers: { adp: { providerMetadata: { shortName: string } }[] } };
    rec.containers.adp[0]!.providerMetadata.shortName = 'someone-else';
    const f = parseCve5Json(JSON.stringify([rec]), 'cves.json');
    expect(f.records[0]!.automatable).toBeUndefined();
  });
});

describe('recognition by content', () => {
  it.each([
    ['kev-excerpt.json', 'kev'],
    ['kev-excerpt.csv', 'kev'],
    ['epss-excerpt.csv', 'epss'],
    ['epss-excerpt.csv.gz', 'epss'],
    ['nvd-page.json', 'nvd'],
    ['cve5-CVE-2024-3400.json', 'cve5'],
  ])('%s is %s', async (file, name) => {
    expect((await parseFeedFile(fx(file))).name).toBe(name);
  });

  it('refuses unknown files and names a missing one', async () => {
    expect(caught(() => parseFeedBytes(Buffer.from('{"hello": 1}'), 'x.json')).code).toBe('HG_ERR_UNRECOGNIZED_FILE');
    expect(caught(() => parseFeedBytes(Buffer.from('a,b\n1,2\n'), 'x.csv')).code).toBe('HG_ERR_UNRECOGNIZED_FILE');
    expect((await caughtAsync(parseFeedFile(fx('nope.json')))).code).toBe('HG_ERR_FILE_NOT_FOUND');
  });
});

describe('download', () => {
  const ok = (body: string, headers: Record<string, string> = {}): FetchLike => async () => ({
    ok: true,
    status: 200,
    headers: { get: (n: string) => headers[n.toLowerCase()] ?? null },
    arrayBuffer: async () => new TextEncoder().encode(body).buffer as ArrayBuffer,
  });

  it('fails with HG_ERR_NETWORK naming the URL when fetch rejects', async () => {
    const offline: FetchLike = () => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND www.cisa.gov'), { code: 'ENOTFOUND' }) }));
    const e = await caughtAsync(download(FEED_URLS.kev, { fetch: offline }));
    expect(e.code).toBe('HG_ERR_NETWORK');
    expect(e.message).toContain(FEED_URLS.kev);
    expect(e.message).toContain('ENOTFOUND');
    expect(e.message).toContain('feeds import');
  });

  it('times out quickly on a fetch that never answers', async () => {
    const hang: FetchLike = (_u, init) => new Promise((_r, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
    const t0 = Date.now();
    const e = await caughtAsync(download(FEED_URLS.epss, { fetch: hang, timeoutMs: 50 }));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(e.message).toMatch(/no answer within 50 ms/);
  });

  it('refuses HTTP errors and oversized bodies; returns the body otherwise', async () => {
    const notFound: FetchLike = async () => ({ ok: false, status: 404, statusText: 'Not Found', headers: { get: () => null }, arrayBuffer: async () => new ArrayBuffer(0) });
    expect((await caughtAsync(download('https://x.test/f', { fetch: notFound }))).message).toMatch(/HTTP 404/);
    expect((await caughtAsync(download('https://x.test/f', { fetch: ok('x', { 'content-length': '999' }), maxBytes: 10 }))).code).toBe('HG_ERR_FILE_TOO_LARGE');
    expect((await caughtAsync(download('https://x.test/f', { fetch: ok('x'.repeat(20)), maxBytes: 10 }))).code).toBe('HG_ERR_FILE_TOO_LARGE');
    expect(new TextDecoder().decode(await download('https://x.test/f', { fetch: ok('hello') }))).toBe('hello');
  });
});

describe('large NVD files, read one CVE at a time', () => {
  it('gives the same result as the whole-document parse', () => {
    const t = text('nvd-page.json');
    expect(nvdFromLargeText(t, 'nvd.json')).toEqual(parseNvdJson(t, 'nvd.json'));
    expect(nvdFromLargeText(JSON.stringify(JSON.parse(t)), 'nvd.json')).toEqual(parseNvdJson(t, 'nvd.json'));
  });

  it('locates a broken record and a bad field by the line of its record', () => {
    const t = text('nvd-page.json');
    const idx = t.indexOf('"CVE-2024-3400"');
    const broken = t.slice(0, idx) + '"CVE-2024-3400" oops' + t.slice(idx + '"CVE-2024-3400"'.length);
    const e = caught(() => nvdFromLargeText(broken, 'n.json'));
    expect(e.code).toBe('HG_ERR_JSON');
    expect(e.location?.line).toBe(t.slice(0, idx).split('\n').length);
    const bad = caught(() => nvdFromLargeText(text('broken/nvd-bad-operator.json'), 'n.json'));
    expect(bad.location?.field).toBe('vulnerabilities.0.cve.configurations.0.nodes.0.operator');
    expect(bad.location?.line).toBeGreaterThan(5);
  });

  it('is used for files past the threshold (a generated 17 MB feed)', () => {
    const page = JSON.parse(text('nvd-page.json')) as { totalResults: number; vulnerabilities: { cve: { id: string } }[] };
    const one = page.vulnerabilities[0]!;
    const many = Array.from({ length: 5600 }, (_, i) => ({ cve: { ...one.cve, id: `CVE-2024-${10000 + i}` } }));
    const big = JSON.stringify({ ...page, totalResults: many.length, vulnerabilities: many }, null, 2);
    expect(big.length).toBeGreaterThan(16 * 1024 * 1024);
    const f = parseFeedBytes(gzipSync(big), 'nvdcve-2.0-2024.json.gz');
    expect(f).toMatchObject({ name: 'nvd', format: 'json.gz', totalResults: 5600 });
    if (f.name === 'nvd') expect(f.cves[5599]!.configurations[0]!.nodes[0]!.cpeMatch.length).toBeGreaterThan(0);
    // A broken record deep in the file is reported by the split reader, with its line.
    const at = big.lastIndexOf('"CVE-2024-15599"');
    const broken = big.slice(0, at) + '"CVE-2024-15599" ,,' + big.slice(at + 16);
    const e = caught(() => parseFeedBytes(Buffer.from(broken), 'big.json'));
    expect(e.message).toContain('in vulnerabilities[5599]');
    expect(e.location?.line).toBe(big.slice(0, at).split('\n').length);
  });
});
