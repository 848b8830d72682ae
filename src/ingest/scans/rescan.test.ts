import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runImport } from '../run.js';
import { memorySink } from '../identity/test-support.js';
import { scanTimeOf } from './importers.js';
import { mergeObservations, type ScanHost } from './records.js';

const FX = join(import.meta.dirname, '../../../fixtures/scans');
const fx = (n: string) => join(FX, n);
const read = (n: string) => readFileSync(fx(n), 'utf8');

describe('the same host and port seen twice', () => {
  const port = (port: number, more: Partial<ScanHost['ports'][number]> = {}) => ({ port, protocol: 'tcp' as const, cpes: [], banner: [], location: { file: 'f', line: port }, ...more });
  const host = (observedAt: string | undefined, ports: ScanHost['ports'], more: Partial<ScanHost> = {}): ScanHost =>
    ({ address: '203.0.113.60', hostnames: [], ports, ...(observedAt ? { observedAt } : {}), location: { file: 'f' }, ...more });

  it('merges observations in time order: the later identification wins, a bare later one keeps the earlier', () => {
    const early = '2026-11-21T22:26:41.000Z';
    const late = '2026-11-28T22:30:01.000Z';
    const [m] = mergeObservations([
      host(late, [port(443, { service: 'https', method: 'table' }), port(22, { service: 'ssh', method: 'probed', product: 'OpenSSH', version: '9.8p1', banner: ['banner: SSH-2.0-OpenSSH_9.8'] })], { hostnames: ['fw.example'], os: 'FortiOS' }),
      host(early, [port(443, { service: 'https', method: 'probed', product: 'Fortinet FortiGate SSL VPN', cpes: ['cpe:/o:fortinet:fortios'] }), port(22, { service: 'ssh', method: 'probed', product: 'OpenSSH', version: '9.6', cpes: ['cpe:/a:openbsd:openssh:9.6'], banner: ['banner: SSH-2.0-OpenSSH_9.6'] })], { hostnames: ['vpn.example'], os: 'Linux' }),
    ]);
    expect(m).toMatchObject({ hostnames: ['fw.example', 'vpn.example'], os: 'FortiOS', observedAt: late });
    expect(m!.ports.map((p) => p.port)).toEqual([443, 22]);
    expect(m!.ports[0]).toMatchObject({ service: 'https', method: 'probed', product: 'Fortinet FortiGate SSL VPN', cpes: ['cpe:/o:fortinet:fortios'], observedAt: late });
    expect(m!.ports[1]).toMatchObject({ product: 'OpenSSH', version: '9.8p1', cpes: [], observedAt: late, banner: ['banner: SSH-2.0-OpenSSH_9.8', 'banner: SSH-2.0-OpenSSH_9.6'] });
    // At equal or unknown times, the one read later wins.
    const [u] = mergeObservations([host(undefined, [port(80, { product: 'nginx' })]), host(undefined, [port(80, { product: 'Apache httpd' })])]);
    expect(u!.ports[0]!.product).toBe('Apache httpd');
  });

  it('orders scans by their scan time', () => {
    expect(scanTimeOf(read('nmap-edge.xml'))).toBe(1795903205);
    expect(scanTimeOf(read('masscan-oJ.json'))).toBe(1795910400);
    expect(scanTimeOf(read('shodan-export.jsonl'))).toBe(Date.UTC(2026, 10, 27, 8, 15, 30) / 1000);
    expect(scanTimeOf('{"matches": []}')).toBe(0);
  });

  it('imports two scans of one host in one run without a duplicate key, the later scan winning', async () => {
    const m = memorySink();
    // a-weekly-ports.xml (28 Nov, no -sV) is listed first but imported after b-monthly-sv.xml (21 Nov, -sV, the host listed twice).
    const r = await runImport([fx('rescan')], m.sink);
    expect(r.files.map((f) => f.path.split('/').pop())).toEqual(['b-monthly-sv.xml', 'a-weekly-ports.xml']);
    const svc = (p: number) => m.get('service', `unassigned:203.0.113.60:tcp/${p}`);
    expect(svc(443)).toMatchObject({ service: 'https', product: 'Fortinet FortiGate SSL VPN', observedAt: '2026-11-28T22:30:01.000Z' });
    expect(svc(443)!.banner).toMatch(/^tunnel: ssl\ndevicetype: firewall\nhttp-title: Did not follow redirect/);
    expect(svc(8443)).toMatchObject({ product: 'Fortinet FortiGate web admin', observedAt: '2026-11-28T22:30:01.000Z' });
    expect(svc(22)).toMatchObject({ product: 'OpenSSH', version: '9.6', observedAt: '2026-11-21T22:28:15.000Z' }); // filtered in the later scan: kept as last seen
    expect(svc(3389)).toMatchObject({ service: 'ms-wbt-server', banner: 'method: table', observedAt: '2026-11-28T22:30:01.000Z' });
    expect(m.get('asset', 'scan:203.0.113.60')).toMatchObject({ lastSeen: '2026-11-28T22:30:01.000Z', cpe: 'cpe:/h:fortinet:fortigate' });
  });

  it('imports the same file twice, and an nmap scan with a Shodan view of the same port, without error', async () => {
    const m = memorySink();
    await runImport([fx('nmap-edge.xml'), fx('nmap-edge.xml')], m.sink);
    const dir = await mkdtemp(join(tmpdir(), 'hg-scan-'));
    const shodan = join(dir, 'later.jsonl');
    await writeFile(shodan, '{"_shodan": {"module": "https"}, "ip_str": "203.0.113.10", "port": 443, "transport": "tcp", "timestamp": "2026-11-29T06:00:00.000000", "http": {"title": "FortiGate"}}\n');
    await runImport([shodan, fx('nmap-edge.xml')], m.sink);
    expect(m.get('service', 'unassigned:203.0.113.10:tcp/443')).toMatchObject({ product: 'Fortinet FortiGate SSL VPN', source: 'shodan', observedAt: '2026-11-29T06:00:00.000Z', banner: 'http-title: FortiGate\nmethod: probed' });
  });
});
