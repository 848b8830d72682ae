import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caughtHubguardError } from '../../core/test-support.js';
import { describe, expect, it } from 'vitest';
import { ValidationFailed, type Problem } from '../../core/index.js';
import type { Importer } from '../importer.js';
import { IMPORTERS } from '../registry.js';
import { runImport } from '../run.js';
import { FIXTURES as IDENTITY_FIXTURES, WORKSPACE_EXAMPLE, inputFile, memorySink } from '../identity/test-support.js';
import { masscanJsonImporter, masscanNdjsonImporter, nmapXmlImporter, SCAN_IMPORTERS, shodanImporter, shodanRestImporter } from './importers.js';
import { parseMasscanJson, parseMasscanNdjson, parseShodanLines } from './json-scans.js';
import { parseNmapXml } from './nmap.js';
import { isNonPublicAddress, scanBatches, UNASSIGNED, type ScanHost } from './records.js';
import { DEFAULT_XML_LIMITS, xmlEvents } from './xml.js';

const FX = join(import.meta.dirname, '../../../fixtures/scans');
const fx = (n: string) => join(FX, n);
const read = (n: string) => readFileSync(fx(n), 'utf8');

const thrown = caughtHubguardError;

describe('xml tokenizer', () => {
  const events = (s: string, limits = DEFAULT_XML_LIMITS) => [...xmlEvents(s, 'x.xml', limits)];

  it('decodes the predefined entities and character references, and skips comments and PIs', () => {
    const ev = events('<?xml version="1.0"?><!DOCTYPE nmaprun><!-- c --><a x="1 &lt; 2 &amp; &#x41;&#66;">t&quot;<![CDATA[<raw>]]></a>');
    expect(ev[0]).toMatchObject({ type: 'open', name: 'a', attrs: { x: '1 < 2 & AB' } });
    expect(ev.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join('')).toBe('t"<raw>');
  });

  it('refuses DTDs other than the bare nmap doctype, entity declarations and unknown entities', () => {
    expect(thrown(() => events('<!DOCTYPE nmaprun [<!ENTITY a "b">]><nmaprun/>')).message).toMatch(/x\.xml:1:1: .*document type declarations are refused/);
    expect(thrown(() => events('<!DOCTYPE html><nmaprun/>')).message).toMatch(/refused/);
    expect(thrown(() => events('<!ENTITY a "b"><nmaprun/>')).message).toMatch(/entity declarations are refused/);
    expect(thrown(() => events('<a>&ext;</a>')).message).toMatch(/undefined entity &ext;/);
    expect(thrown(() => events('<a>fish & chips</a>')).message).toMatch(/bare "&"/);
  });

  it('caps depth, attributes and text size', () => {
    const limits = { ...DEFAULT_XML_LIMITS, maxDepth: 4, maxAttributes: 3, maxTextLength: 10 };
    expect(thrown(() => events('<a><b><c><d><e/></d></c></b></a>', limits)).message).toMatch(/nested deeper than 4/);
    expect(thrown(() => events('<a w="1" x="2" y="3" z="4"/>', limits)).message).toMatch(/more than 3 attributes/);
    expect(thrown(() => events('<a>01234567890</a>', limits)).message).toMatch(/exceeds the limit of 10/);
    expect(thrown(() => events('<a x="01234567890"/>', limits)).message).toMatch(/exceeds the limit/);
  });

  it('refuses malformed documents with a location', () => {
    expect(thrown(() => events('<a>\n</b>')).message).toMatch(/x\.xml:2:1: .*<\/b> does not close <a>/);
    expect(thrown(() => events('<a x="1" x="2"/>')).message).toMatch(/repeated/);
    expect(thrown(() => events('<a/><b/>')).message).toMatch(/after the end of the root/);
    expect(thrown(() => events('<a x=1/>')).message).toMatch(/must be quoted/);
    expect(thrown(() => events('<a><b>')).message).toMatch(/truncated XML/);
    expect(thrown(() => events('')).message).toMatch(/no root element/);
  });

  it('is not recursive: 100 000 levels are refused at the depth cap, not by a stack overflow', () => {
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    expect(thrown(() => events(deep)).message).toMatch(/nested deeper than 32/);
  });
});

describe('nmap XML', () => {
  it('reads hosts, open ports, -sV service details, CPEs, scripts and the scan time', () => {
    const scan = parseNmapXml(read('nmap-edge.xml'), 'nmap-edge.xml');
    expect(scan.start).toBe('2026-11-28T22:00:05.000Z');
    // 203.0.113.13 is down; hosthint is not a host.
    expect(scan.hosts.map((h) => h.address)).toEqual(['203.0.113.10', '203.0.113.11', '203.0.113.12', '198.51.100.7', '10.20.0.5']);
    const vpn = scan.hosts[0]!;
    expect(vpn.hostnames).toEqual(['vpn.harbor-msp.example']);
    expect(vpn.ports.map((p) => p.port)).toEqual([443, 541]); // 22 is closed
    expect(vpn.ports[0]).toMatchObject({ service: 'https', product: 'Fortinet FortiGate SSL VPN', method: 'probed', cpes: ['cpe:/h:fortinet:fortigate', 'cpe:/o:fortinet:fortios'] });
    expect(vpn.ports[0]!.banner).toContain('tunnel: ssl');
    expect(vpn.ports[1]).toMatchObject({ service: 'fgfm', method: 'table' });
    const sc = scan.hosts[1]!;
    expect(sc.os).toBe('Microsoft Windows Server 2022');
    expect(sc.ports[0]!.banner).toContain('http-title: ScreenConnect Remote Support Software');
    expect(sc.ports[1]!.service).toBeUndefined(); // "unknown" from the port table
    expect(sc.ports[2]!.banner.join('\n')).toMatch(/rdp-ntlm-info: Target_Name: HARBOR NetBIOS_Domain_Name/);
    expect(scan.hosts[2]!.ports.map((p) => p.port)).toEqual([21, 23, 445, 3389, 5900]); // 9392 filtered
    expect(scan.hosts[3]!.ports[0]!.product).toBe('Veeam Backup & Replication Catalog');
    expect(sc.observedAt).toBe('2026-11-28T22:00:06.000Z');
    expect(sc.ports[0]!.location).toMatchObject({ file: 'nmap-edge.xml', line: 34 });
  });

  it('reads real nmap 7.93 output (the bare <!DOCTYPE nmaprun>, &#45; in comments)', () => {
    const scan = parseNmapXml(read('nmap-localhost-scripts.xml'), 'x.xml');
    expect(scan.hosts[0]).toMatchObject({ address: '127.0.0.1', hostnames: ['localhost'] });
    expect(scan.hosts[0]!.ports[0]).toMatchObject({ port: 18080, service: 'http', product: 'SimpleHTTPServer', version: '0.6', extrainfo: 'Python 3.11.7' });
  });

  it('reads a large scan in linear time (20 000 hosts)', () => {
    const host = (i: number) =>
      `<host starttime="1795903206"><status state="up"/><address addr="198.18.${i >> 8}.${i & 255}" addrtype="ipv4"/><hostnames/>\n` +
      `<ports><port protocol="tcp" portid="443"><state state="open"/><service name="https" product="nginx" method="probed"><cpe>cpe:/a:nginx:nginx</cpe></service></port>\n` +
      `<port protocol="tcp" portid="3389"><state state="open"/><service name="ms-wbt-server" method="table"/></port></ports></host>\n`;
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner="nmap" start="1795903205">\n${Array.from({ length: 20_000 }, (_, i) => host(i)).join('')}<runstats/></nmaprun>\n`;
    const t = Date.now();
    const scan = parseNmapXml(xml, 'big.xml');
    expect(scan.hosts).toHaveLength(20_000);
    expect(scan.hosts[19_999]!.ports[1]!.location.line).toBe(4 + 19_999 * 3 + 2);
    expect(Date.now() - t).toBeLessThan(3000);
  });

  it("reads masscan's nmap-like -oX (one <host> per finding, banner in an attribute)", () => {
    const scan = parseNmapXml(read('masscan-oX.xml'), 'm.xml');
    expect(scan.scanner).toBe('masscan');
    expect(scan.hosts.map((h) => [h.address, h.ports.map((p) => p.port)])).toEqual([['203.0.113.40', [5938]], ['203.0.113.40', [80]]]);
    expect(scan.hosts[1]!.ports[0]).toMatchObject({ banner: ['banner: Splashtop Center & Gateway'] });
    expect(scan.hosts[1]!.ports[0]!.service).toBeUndefined(); // `title` is masscan's banner module, not a service
    const services = scanBatches(scan.hosts, {}, 'masscan', 'm.xml').filter((b) => b.kind === 'service').flatMap((b) => b.items);
    expect(services.map((i) => (i.value as { id: string }).id).sort()).toEqual(['unassigned:203.0.113.40:tcp/5938', 'unassigned:203.0.113.40:tcp/80']);
  });

  describe('hostile input', () => {
    const refuse = (name: string) => thrown(() => parseNmapXml(read(`hostile/${name}`), name));
    it('refuses billion laughs at the doctype, before any expansion', () => {
      const t = Date.now();
      const e = refuse('billion-laughs.xml');
      expect(e.message).toMatch(/billion-laughs\.xml:2:1: .*document type declarations are refused/);
      expect(Date.now() - t).toBeLessThan(500);
    });
    it('refuses external entities and entity declarations', () => {
      expect(refuse('external-entity.xml').message).toMatch(/:2:1: .*refused/);
      expect(refuse('entity-decl.xml').message).toMatch(/:2:1: .*entity declarations are refused/);
      expect(refuse('undefined-entity.xml').message).toMatch(/:4:.*undefined entity &xxe;/);
    });
    it('refuses deep nesting at the cap', () => {
      expect(refuse('deep-nesting.xml').message).toMatch(/nested deeper than 32/);
    });
    it('refuses a truncated scan, saying where and how many hosts were complete', () => {
      const e = refuse('truncated.xml');
      expect(e.code).toBe('HG_ERR_VALIDATION');
      expect(e.location?.line).toBeGreaterThan(40);
      expect(e.text).toMatch(/truncated nmap XML: the file ends inside <nmaprun><host><ports><port> .*2 complete host\(s\).*Nothing was imported/);
    });
    it('refuses a document that is not nmap', () => {
      expect(thrown(() => parseNmapXml('<svg/>', 'a.xml')).message).toMatch(/expected <nmaprun>/);
    });
  });
});

describe('masscan and Shodan', () => {
  it('reads masscan -oJ with the trailing comma real masscan writes, merging status and banner records', () => {
    const hosts = parseMasscanJson(read('masscan-oJ.json'), 'm.json');
    expect(hosts.map((h) => [h.address, h.ports.map((p) => p.port)])).toEqual([
      ['203.0.113.20', [3389]],
      ['203.0.113.21', [8040]],
      ['203.0.113.22', [5985]], // 443 closed
    ]);
    expect(hosts[0]!.ports[0]).toMatchObject({ service: 'rdp', method: 'probed', observedAt: '2026-11-29T00:00:00.000Z', banner: ['rdp: Microsoft Terminal Services'] });
    expect(hosts[1]!.ports[0]!.service).toBeUndefined(); // "title" is a banner, not a service name
    expect(hosts[1]!.ports[0]!.banner).toEqual(['title: ScreenConnect Remote Support Software']);
    expect(hosts[0]!.ports[0]!.location.line).toBe(2);
  });

  it('accepts the `},\\n]` form and the old {finished: 1} terminator, and locates malformed JSON', () => {
    const rec = '{ "ip": "203.0.113.9", "timestamp": "1795910400", "ports": [ {"port": 23, "proto": "tcp", "status": "open"} ] }';
    expect(parseMasscanJson(`[\n${rec},\n]\n`, 'a')).toHaveLength(1);
    expect(parseMasscanJson(`[\n${rec},\n{finished: 1}\n]\n`, 'a')).toHaveLength(1);
    expect(thrown(() => parseMasscanJson(`[\n${rec},\n{ "ip": }\n]`, 'b.json')).message).toMatch(/b\.json:3:/);
    expect(thrown(() => parseMasscanJson(`[\n{ "ip": "1.2.3.4", "ports": [ {"port": 99999, "proto": "tcp"} ] }\n]`, 'c')).message).toMatch(/not a port number/);
  });

  it('reads masscan -oD (ndjson)', () => {
    const hosts = parseMasscanNdjson(read('masscan-oD.ndjson'), 'd');
    expect(hosts.map((h) => h.address)).toEqual(['203.0.113.30', '203.0.113.31', '203.0.113.32']);
    expect(hosts[0]!.ports[0]).toMatchObject({ port: 23, protocol: 'tcp', service: 'telnet' });
    expect(hosts[1]!.ports[0]).toMatchObject({ port: 161, protocol: 'udp' });
    expect(hosts[2]!.ports[0]!.banner[0]).toMatch(/<title>NinjaOne<\/title>/);
    expect(thrown(() => parseMasscanNdjson('{"ip":"1.2.3.4","port":1,"proto":"tcp","rec_type":"status"}\n{oops}\n', 'd.ndjson')).message).toMatch(/d\.ndjson:2:2: /);
  });

  it('reads Shodan-style JSON lines', () => {
    const hosts = parseShodanLines(read('shodan-export.jsonl'), 's');
    expect(hosts.map((h) => h.address)).toEqual(['198.51.100.40', '198.51.100.41', '198.51.100.42']);
    expect(hosts[0]).toMatchObject({ hostnames: ['rmm.harbor-msp.example'] });
    expect(hosts[0]!.ports[0]).toMatchObject({ port: 443, service: 'https', product: 'Kaseya VSA', cpes: ['cpe:2.3:a:kaseya:vsa', 'cpe:/a:kaseya:vsa'], observedAt: '2026-11-27T08:15:30.123Z' });
    expect(hosts[1]!.ports.map((p) => [p.port, p.service])).toEqual([[3389, 'rdp'], [22, 'ssh']]);
    expect(hosts[1]!.os).toBe('Windows 10/11');
    expect(hosts[2]!.ports[0]!.protocol).toBe('udp');
  });
});

describe('scan records', () => {
  it('knows which addresses are not public', () => {
    for (const a of ['10.1.2.3', '127.0.0.1', '172.16.0.1', '192.168.1.1', '169.254.1.1', '100.64.0.1', '::1', 'fe80::1', 'fd00::1']) expect(isNonPublicAddress(a), a).toBe(true);
    for (const a of ['203.0.113.10', '8.8.8.8', '172.32.0.1', '2001:db8::1']) expect(isNonPublicAddress(a), a).toBe(false);
  });

  it('emits the unassigned organization, one asset per host and stable service ids', () => {
    const hosts = parseNmapXml(read('nmap-edge.xml'), 'f').hosts;
    const batches = scanBatches(hosts, {}, 'nmap', 'f');
    const org = batches.find((b) => b.kind === 'organization')!;
    expect(org).toMatchObject({ merge: [], items: [{ value: { id: UNASSIGNED, kind: 'customer', name: 'Unassigned (from scans)' } }] });
    const assets = batches.filter((b) => b.kind === 'asset').flatMap((b) => b.items.map((i) => i.value as Record<string, unknown>));
    expect(assets[0]).toMatchObject({ id: 'scan:203.0.113.10', tenant: UNASSIGNED, kind: 'device', name: 'vpn.harbor-msp.example', internetFacing: true, cpe: 'cpe:/h:fortinet:fortigate' });
    expect(assets.find((a) => a.id === 'scan:10.20.0.5')).toMatchObject({ internetFacing: false });
    const services = batches.find((b) => b.kind === 'service')!.items.map((i) => i.value as Record<string, unknown>);
    expect(services[0]).toMatchObject({ id: 'unassigned:203.0.113.10:tcp/443', asset: 'scan:203.0.113.10', observedAt: '2026-11-28T22:00:06.000Z', source: 'nmap' });
    expect(services[0]!.banner).toContain('cpe: cpe:/o:fortinet:fortios');
    const named = scanBatches(hosts, { customer: 'harbor-msp' }, 'nmap', 'f');
    expect(named.some((b) => b.kind === 'organization')).toBe(false);
    expect(named.find((b) => b.kind === 'service')!.items[0]!.value).toMatchObject({ id: 'harbor-msp:203.0.113.10:tcp/443', tenant: 'harbor-msp' });
  });
});

/** Every scan importer with the fixtures it owns. */
const OWN: [Importer, string[]][] = [
  [nmapXmlImporter, ['nmap-edge.xml', 'nmap-localhost-scripts.xml', 'nmap-scripts.xml', 'masscan-oX.xml', 'rescan/a-weekly-ports.xml', 'rescan/b-monthly-sv.xml', ...readdirSync(fx('hostile')).map((f) => `hostile/${f}`)]],
  [masscanJsonImporter, ['masscan-oJ.json']],
  [masscanNdjsonImporter, ['masscan-oD.ndjson']],
  [shodanImporter, ['shodan-export.jsonl']],
  [shodanRestImporter, ['shodan-api-search.json', 'shodan-api-host.json', ...readdirSync(fx('hostile-json')).map((f) => `hostile-json/${f}`)]],
];
const files = (dir: string) => readdirSync(dir).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());

describe('scan importers: recognition contract', () => {
  it('registers every scan importer', () => {
    expect(SCAN_IMPORTERS).toHaveLength(OWN.length);
    for (const imp of SCAN_IMPORTERS) expect(IMPORTERS).toContain(imp);
  });

  it.each(OWN.map(([imp, fs]) => [imp.name, imp, fs] as const))('%s recognizes its fixtures above every other importer', async (_n, imp, fs) => {
    for (const f of fs) {
      const file = await inputFile(fx(f));
      const mine = imp.recognize(file);
      expect(mine, f).toBeGreaterThanOrEqual(85);
      for (const other of IMPORTERS) if (other !== imp) expect(other.recognize(file), `${other.name} on ${f}`).toBe(0);
    }
  });

  it("gives 0 to every other fixture of the repository (identity, workspace, auth logs, feeds…) and to each other's fixtures", async () => {
    const walk = (d: string): string[] => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
    const others = [
      ...files(IDENTITY_FIXTURES), ...files(join(IDENTITY_FIXTURES, 'broken')), ...files(join(IDENTITY_FIXTURES, 'workspace')), ...files(WORKSPACE_EXAMPLE),
      ...walk(join(FX, '..')).filter((p) => !p.startsWith(FX)),
    ];
    expect(others.length).toBeGreaterThan(50);
    for (const imp of SCAN_IMPORTERS) {
      for (const p of others) expect(imp.recognize(await inputFile(p)), `${imp.name} on ${p}`).toBe(0);
      for (const [o, fs] of OWN) if (o !== imp) for (const f of fs) expect(imp.recognize(await inputFile(fx(f))), `${imp.name} on ${f}`).toBe(0);
    }
  });
});

describe('hubguard import of scans (runImport end to end)', () => {
  async function problemsOf(paths: string[], customer?: string, m = memorySink()): Promise<Problem[]> {
    try {
      await runImport(paths, m.sink, customer ? { customer } : {});
    } catch (e) {
      if (e instanceof ValidationFailed) return e.problems;
      throw e;
    }
    return [];
  }

  it('imports every format into an empty store, into the unassigned bucket', async () => {
    const m = memorySink();
    const r = await runImport([fx('nmap-edge.xml'), fx('masscan-oJ.json'), fx('masscan-oD.ndjson'), fx('shodan-export.jsonl')], m.sink);
    expect(r.counts).toMatchObject({ organization: 1, asset: 14, service: 23 }); // one unassigned bucket, however many files name it
    expect(m.get('organization', 'unassigned')).toMatchObject({ kind: 'customer' });
    expect(m.get('service', 'unassigned:198.51.100.40:tcp/443')).toMatchObject({ product: 'Kaseya VSA', asset: 'scan:198.51.100.40' });
  });

  it('is idempotent: importing the same scan twice gives the same records', async () => {
    const m = memorySink();
    await runImport([fx('nmap-edge.xml')], m.sink);
    const before = JSON.stringify([...m.rows.entries()]);
    await runImport([fx('nmap-edge.xml')], m.sink);
    expect(JSON.stringify([...m.rows.entries()])).toBe(before);
  });

  it('keeps an existing unassigned organization and asset (insert if missing), refreshing last seen', async () => {
    const m = memorySink();
    await runImport([fx('nmap-edge.xml')], m.sink);
    m.rows.set('organization/unassigned', { ...m.get('organization', 'unassigned')!, name: 'Renamed by the user' });
    m.rows.set('asset/scan:203.0.113.10', { ...m.get('asset', 'scan:203.0.113.10')!, criticality: 'critical', lastSeen: '2020-01-01T00:00:00.000Z' });
    await runImport([fx('nmap-edge.xml')], m.sink);
    expect(m.get('organization', 'unassigned')!.name).toBe('Renamed by the user');
    expect(m.get('asset', 'scan:203.0.113.10')).toMatchObject({ criticality: 'critical', lastSeen: '2026-11-28T22:00:06.000Z' });
  });

  it('attributes hosts to --customer, which must exist', async () => {
    expect(await problemsOf([fx('shodan-export.jsonl')], 'nobody')).toEqual([
      expect.objectContaining({ code: 'HG_ERR_DANGLING_REF', message: expect.stringMatching(/no organization "nobody"/) }),
    ]);
  });

  it('writes nothing from a truncated or hostile scan, reporting the file and place', async () => {
    for (const f of ['truncated.xml', 'billion-laughs.xml', 'deep-nesting.xml']) {
      const m = memorySink();
      const problems = await problemsOf([fx(`hostile/${f}`)], undefined, m);
      expect(problems, f).toHaveLength(1);
      expect(problems[0]!.location.file).toBe(fx(`hostile/${f}`));
      expect(problems[0]!.location.line, f).toBeGreaterThan(0);
      expect(m.rows.size, f).toBe(0);
    }
  });

  it('refuses invalid UTF-8 in a scan with its place', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hg-scan-'));
    const p = join(dir, 'bad.xml');
    await writeFile(p, Buffer.concat([Buffer.from('<?xml version="1.0"?>\n<nmaprun scanner="nmap">\n<host>'), Buffer.from([0xff, 0xfe]), Buffer.from('</host></nmaprun>')]));
    const problems = await problemsOf([p]);
    expect(problems[0]).toMatchObject({ code: 'HG_ERR_ENCODING', location: { file: p, line: 3 } });
  });
});

describe('nmap host and port scripts', () => {
  const scan = () => parseNmapXml(read('nmap-scripts.xml'), 'nmap-scripts.xml');

  it('keeps vulners CVEs, weak SSH algorithms and certificate facts as service evidence', () => {
    const [rmm] = scan().hosts;
    const ssh = rmm!.ports.find((p) => p.port === 22)!;
    expect(ssh).toMatchObject({ product: 'OpenSSH', version: '8.9p1 Ubuntu 3ubuntu0.6', cpes: ['cpe:/a:openbsd:openssh:8.9p1', 'cpe:/o:linux:linux_kernel'] });
    expect(ssh.banner).toEqual([
      'ssh2-enum-algos: weak: diffie-hellman-group1-sha1, aes128-cbc',
      'vulners: CVE-2023-28531 9.8, CVE-2023-38408 9.8 exploit, CVE-2024-6387 8.1, CVE-2023-51385 6.5, CVE-2023-48795 5.9',
    ]);
    const web = rmm!.ports.find((p) => p.port === 443)!;
    expect(web.banner).toContain('ssl-cert: CN=ncentral.harbor-msp.example; SAN=ncentral.harbor-msp.example,rmm.harbor-msp.example,*.harbor-msp.example; issuer=R11; notAfter=2026-12-31T08:11:42');
    expect(web.banner).toContain('http-title: N-central Login Requested resource was https://rmm.harbor-msp.example/ncentral/');
    // The PTR name stays first (it names the asset); certificate names follow, without the wildcard.
    expect(rmm!.hostnames).toEqual(['rmm.harbor-msp.example', 'ncentral.harbor-msp.example']);
  });

  it('reads host scripts: the OS the host states wins over the guess, SMB evidence goes to the SMB service', () => {
    const ex = scan().hosts[1]!;
    expect(ex.os).toBe('Windows Server 2016 Standard 14393'); // not the <osmatch> "Microsoft Windows Server 2016"
    expect(ex.hostnames).toEqual(['mail.st-brigid-clinic.example', 'autodiscover.st-brigid-clinic.example', 'ex01.clinic.local']);
    const smb = ex.ports.find((p) => p.port === 445)!;
    expect(smb.banner).toEqual([
      'smb-os-discovery: OS: Windows Server 2016 Standard 14393 (Windows Server 2016 Standard 6.3); Computer name: EX01; Domain name: clinic.local; FQDN: EX01.clinic.local',
      'smb2-security-mode: 3:1:1: Message signing enabled but not required',
      'smb-signing: not required',
    ]);
    expect(ex.ports.find((p) => p.port === 139)!.banner).toEqual([]);
    const service = scanBatches([ex], {}, 'nmap', 'f').filter((b) => b.kind === 'service').flatMap((b) => b.items).map((i) => i.value as Record<string, unknown>).find((v) => v.port === 445)!;
    expect(service.banner).toMatch(/smb-signing: not required\ncpe: cpe:\/o:microsoft:windows\nmethod: probed$/);
  });

  it('drops host script evidence when no SMB port is open, and still refuses entities inside script output', () => {
    const xml = (body: string) => `<?xml version="1.0"?>\n<nmaprun scanner="nmap" start="1795905000">\n<host><status state="up"/><address addr="203.0.113.9" addrtype="ipv4"/>\n<ports><port protocol="tcp" portid="80"><state state="open"/><service name="http" method="probed"/></port></ports>\n${body}</host>\n<runstats/></nmaprun>\n`;
    const host = parseNmapXml(xml('<hostscript><script id="smb-os-discovery" output="&#xa;  OS: Windows 10 Pro 19045&#xa;  FQDN: pc7.clinic.local"/></hostscript>\n'), 'x.xml').hosts[0]!;
    expect(host).toMatchObject({ os: 'Windows 10 Pro 19045', hostnames: ['pc7.clinic.local'] });
    expect(host.ports[0]!.banner).toEqual([]);
    expect(thrown(() => parseNmapXml(xml('<hostscript><script id="vulners" output="&xxe;"/></hostscript>\n'), 'x.xml')).message).toMatch(/x\.xml:5:.*undefined entity &xxe;/);
    expect(thrown(() => parseNmapXml(`<?xml version="1.0"?>\n<!DOCTYPE nmaprun [<!ENTITY v "CVE-2024-6387">]>\n${xml('').split('\n').slice(1).join('\n')}`, 'y.xml')).message).toMatch(/y\.xml:2:1: .*refused/);
  });
});

describe('service banners', () => {
  it('leave out script lines that do not fit rather than the CPEs', () => {
    const scripts = Array.from({ length: 12 }, (_, i) => `fingerprint-strings: ${String(i).repeat(500)}`);
    const host: ScanHost = {
      address: '203.0.113.9', hostnames: [], location: { file: 'f' },
      ports: [{ port: 443, protocol: 'tcp', product: 'nginx', extrainfo: 'Ubuntu', cpes: ['cpe:/a:igor_sysoev:nginx:1.18.0', 'cpe:/o:linux:linux_kernel'], banner: ['http-title: Login', ...scripts], method: 'probed', location: { file: 'f' } }],
    };
    const banner = (scanBatches([host], {}, 'nmap', 'f').find((b) => b.kind === 'service')!.items[0]!.value as { banner: string }).banner;
    expect(banner.length).toBeLessThanOrEqual(4096);
    expect(banner).toMatch(/^extrainfo: Ubuntu\nhttp-title: Login\nfingerprint-strings: 0+\n/);
    expect(banner).toMatch(/\ncpe: cpe:\/a:igor_sysoev:nginx:1\.18\.0\ncpe: cpe:\/o:linux:linux_kernel\nmethod: probed$/);
  });
});
