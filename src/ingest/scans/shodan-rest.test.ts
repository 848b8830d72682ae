import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caughtHubguardError } from '../../core/test-support.js';
import { describe, expect, it } from 'vitest';
import { ValidationFailed, type Problem } from '../../core/index.js';
import { runImport } from '../run.js';
import { inputFile, memorySink } from '../identity/test-support.js';
import { shodanRestImporter } from './importers.js';
import { MAX_BANNERS, MAX_LIST, parseShodanRest } from './json-scans.js';

const FX = join(import.meta.dirname, '../../../fixtures/scans');
const fx = (n: string) => join(FX, n);
const read = (n: string) => readFileSync(fx(n), 'utf8');

const thrown = caughtHubguardError;

describe('Shodan REST API responses', () => {
  it('reads a search response: banners, vulns, certificate and HTTP facts, the latest observation of a port winning', () => {
    const hosts = parseShodanRest(read('shodan-api-search.json'), 's.json');
    expect(hosts.map((h) => [h.address, h.ports.map((p) => p.port)])).toEqual([['198.51.100.50', [443]], ['198.51.100.51', [8040, 22]]]);
    const vpn = hosts[0]!.ports[0]!;
    expect(vpn).toMatchObject({
      service: 'https', method: 'probed', product: 'Fortinet FortiGate SSL VPN', cpes: ['cpe:2.3:o:fortinet:fortios', 'cpe:/o:fortinet:fortios'],
      observedAt: '2026-11-27T10:12:44.531Z', // the 2026-11-19 banner of the same port is older
      location: { file: 's.json', line: 3, column: 5 },
    });
    expect(vpn.banner).toContain('vulns: CVE-2023-27997 9.8, CVE-2024-21762 9.8, CVE-2022-42475 9.3');
    expect(vpn.banner).toContain('ssl-cert: CN=vpn.st-brigid-clinic.example; issuer=R11; notAfter=2027-01-15T09:32:11');
    expect(vpn.banner).toContain('http-server-header: xxxxxxxx-xxxxx');
    expect(hosts[0]!.hostnames).toEqual(['vpn.st-brigid-clinic.example']);
    expect(hosts[1]!.ports[0]).toMatchObject({ product: 'ConnectWise ScreenConnect', version: '23.9.7.8804', banner: expect.arrayContaining(['http-title: ScreenConnect Remote Support Software']) });
    expect(hosts[1]!.ports[1]).toMatchObject({ product: 'OpenSSH', version: '8.9p1 Ubuntu-3ubuntu0.6' });
    expect(hosts[1]!.os).toBe('Linux');
  });

  it("reads a host response, filling in the host's address and names where a banner lacks them", () => {
    const [h] = parseShodanRest(read('shodan-api-host.json'), 'h.json');
    expect(h).toMatchObject({ address: '203.0.113.70', hostnames: ['gw.harbor-msp.example'] });
    expect(h!.ports.map((p) => [p.port, p.protocol, p.service])).toEqual([[443, 'tcp', 'https'], [500, 'udp', 'ike']]);
    expect(h!.ports[0]).toMatchObject({ product: 'Ivanti Connect Secure', version: '22.4R2.1', location: { line: 1 } });
    expect(h!.ports[0]!.location.column).toBeGreaterThan(100); // a one-line response is located by column
    expect(h!.ports[0]!.banner).toContain('vulns: CVE-2024-21887 9.1, CVE-2023-46805 8.2');
  });

  it('is imported like the JSON-lines export, recognized by content', async () => {
    for (const f of ['shodan-api-search.json', 'shodan-api-host.json']) {
      const file = await inputFile(fx(f));
      expect(shodanRestImporter.recognize({ ...file, name: 'download.txt' }), f).toBe(95);
    }
    const m = memorySink();
    const r = await runImport([fx('shodan-api-search.json'), fx('shodan-api-host.json')], m.sink);
    expect(r.files.map((f) => f.importer)).toEqual(['shodan-api', 'shodan-api']);
    expect(r.counts).toMatchObject({ asset: 3 });
    expect(m.get('service', 'unassigned:203.0.113.70:udp/500')).toMatchObject({ service: 'ike', source: 'shodan', asset: 'scan:203.0.113.70' });
    expect(m.get('asset', 'scan:198.51.100.50')).toMatchObject({ name: 'vpn.st-brigid-clinic.example', cpe: 'cpe:2.3:o:fortinet:fortios' });
  });

  describe('hostile and broken responses', () => {
    it('locates a truncated download at its end', () => {
      const e = thrown(() => parseShodanRest(read('hostile-json/shodan-api-truncated.json'), 't.json'));
      expect(e.code).toBe('HG_ERR_JSON');
      expect(e.message).toMatch(/^t\.json:41:\d+: .*unexpected end of input/);
    });

    it('locates wrong types at the banner and field', () => {
      const e = thrown(() => parseShodanRest(read('hostile-json/shodan-api-wrong-types.json'), 'w.json'));
      expect(e).toMatchObject({ code: 'HG_ERR_VALIDATION', location: { file: 'w.json', line: 11, column: 5, field: 'matches.1.port' } });
      expect(e.text).toMatch(/"https" is not a port number/);
      const one = (banner: string) => thrown(() => parseShodanRest(`{"matches": [${banner}], "total": 1}`, 'x.json'));
      expect(one('{"ip_str": 3325256754, "port": 443}')).toMatchObject({ location: { line: 1, column: 14, field: 'matches.0.ip_str' } });
      expect(one('{"ip_str": "198.51.100.9", "port": 443, "transport": 6}').text).toMatch(/"transport" must be tcp or udp, not a number/);
      expect(one('{"ip_str": "198.51.100.9", "port": 443, "hostnames": {"a": 1}}')).toMatchObject({ location: { field: 'matches.0.hostnames' } });
      expect(one('{"ip_str": "198.51.100.9", "port": 443, "vulns": "CVE-2024-3400"}').text).toMatch(/must be an object keyed by CVE id, not a string/);
      expect(one('"198.51.100.9"').text).toMatch(/a banner must be an object, not a string/);
      expect(thrown(() => parseShodanRest('{"total": 3, "matches": {"ip_str": "198.51.100.9"}}', 'y.json'))).toMatchObject({ location: { line: 1, column: 14, field: 'matches' } });
      expect(thrown(() => parseShodanRest('[{"ip_str": "198.51.100.9"}]', 'z.json')).text).toMatch(/is a JSON object, not a list/);
      expect(thrown(() => parseShodanRest('{"error": "Invalid API key"}', 'k.json')).text).toMatch(/neither "matches" \(a search\) nor "data" \(a host\)/);
    });

    it('refuses huge lists quickly, at the list', () => {
      const t = Date.now();
      const many = thrown(() => parseShodanRest(`{"matches": [\n${'{},'.repeat(MAX_BANNERS)}{}\n], "total": 1}`, 'big.json'));
      expect(many).toMatchObject({ code: 'HG_ERR_VALIDATION', location: { line: 1, column: 2, field: 'matches' } });
      expect(many.text).toMatch(/100001 banners, limit 100000/);
      const names = JSON.stringify(Array.from({ length: MAX_LIST + 1 }, (_, i) => `h${i}.example`));
      expect(thrown(() => parseShodanRest(`{"matches": [\n{"ip_str": "198.51.100.9", "port": 443, "hostnames": ${names}}]}`, 'n.json'))).toMatchObject({ location: { line: 2, column: 1, field: 'matches.0.hostnames' } });
      expect(Date.now() - t).toBeLessThan(2000);
    });

    it('writes nothing from a broken response', async () => {
      for (const f of ['shodan-api-truncated.json', 'shodan-api-wrong-types.json']) {
        const m = memorySink();
        let problems: Problem[] = [];
        try {
          await runImport([fx(`hostile-json/${f}`)], m.sink);
        } catch (e) {
          if (e instanceof ValidationFailed) problems = e.problems;
          else throw e;
        }
        expect(problems, f).toHaveLength(1);
        expect(problems[0]!.location).toMatchObject({ file: fx(`hostile-json/${f}`), line: expect.any(Number), column: expect.any(Number) });
        expect(m.rows.size, f).toBe(0);
      }
    });
  });
});
