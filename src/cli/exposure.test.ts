import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTenants } from '../core/index.js';
import { openDatabase } from '../store/db.js';
import { Repository } from '../store/repository.js';
import { FIXTURES, importedExample, runCli, tempDir } from './test-support.js';

const SCANS = join(FIXTURES, 'scans');
const freshDb = async () => join(await tempDir(), 'hg.db');
/** A finding as printed by --json. */
interface Printed {
  id: string;
  tenant: string;
  engine: string;
  evidence: Record<string, unknown>;
}
const lines = (out: string): Printed[] => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Printed);

describe('hubguard import <scan> + hubguard exposure', () => {
  it('imports an nmap scan into a FRESH database (no organizations) and lists the risky services', async () => {
    const db = await freshDb();
    const imp = await runCli(['import', join(SCANS, 'nmap-edge.xml'), '--db', db]);
    expect(imp.code, imp.err + imp.out).toBe(0);
    const r = await runCli(['exposure', '--db', db, '--json']);
    expect(r.code, r.err).toBe(0);
    const fs = lines(r.out);
    const by = (port: number, addr: string) => fs.find((f) => f.evidence.port === port && f.evidence.address === addr);
    expect(fs.every((f) => f.tenant === 'unassigned' && f.engine === 'exposure')).toBe(true);
    expect(by(3389, '203.0.113.11')).toMatchObject({ control: 'hg.ctl.prevent.management-interfaces', severity: 'critical', evidence: { host: 'support.harbor-msp.example', entry: 'rdp', evidenceKind: 'product', product: 'Microsoft Terminal Services' } });
    expect(by(8040, '203.0.113.11')).toMatchObject({ evidence: { entry: 'screenconnect-web', evidenceKind: 'banner', service: 'http', product: 'Microsoft Kestrel httpd' } });
    expect(by(8041, '203.0.113.11')).toMatchObject({ evidence: { entry: 'screenconnect-relay', evidenceKind: 'port', note: 'unconfirmed: port only' } });
    expect(by(443, '203.0.113.10')).toMatchObject({ evidence: { entry: 'fortinet-admin', host: 'vpn.harbor-msp.example' } });
    expect(by(21, '203.0.113.12')).toMatchObject({ control: 'hg.ctl.prevent.exposed-services', evidence: { entry: 'ftp', product: 'vsftpd', version: '3.0.3' } });
    expect(by(23, '203.0.113.12')).toMatchObject({ evidence: { entry: 'telnet' } });
    expect(by(445, '203.0.113.12')).toMatchObject({ evidence: { entry: 'smb' } });
    expect(by(5900, '203.0.113.12')).toMatchObject({ evidence: { entry: 'vnc', confirmed: false } });
    expect(by(9401, '198.51.100.7')).toMatchObject({ evidence: { entry: 'veeam', host: 'backup.harbor-msp.example' } });
    expect(by(443, '198.51.100.7')).toMatchObject({ evidence: { entry: 'exchange-web' } });
    // nginx on 3389 is not RDP; the private address 10.20.0.5 is not internet-facing.
    expect(by(3389, '203.0.113.12')).toBeUndefined();
    expect(fs.some((f) => f.evidence.address === '10.20.0.5')).toBe(false);

    // Re-importing is idempotent; the table shows host, port, service and evidence kind.
    expect((await runCli(['import', join(SCANS, 'nmap-edge.xml'), '--db', db])).code).toBe(0);
    const again = lines((await runCli(['exposure', '--db', db, '--json'])).out);
    expect(again.map((f) => f.id)).toEqual(fs.map((f) => f.id));
    const table = await runCli(['exposure', '--db', db]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/203\.0\.113\.11 +support\.harbor-msp\.example +3389\/tcp +ms-wbt-server +Microsoft Terminal Services +product/);
    expect(table.out).toMatch(/port only \(unconfirmed\)/);
  });

  it('an older scan imported after a newer one fills in what it knew and rolls nothing back', async () => {
    const db = await freshDb();
    // The weekly port scan (28 Nov, no -sV) first, then the monthly -sV scan of 21 Nov.
    for (const f of ['a-weekly-ports.xml', 'b-monthly-sv.xml']) {
      const r = await runCli(['import', join(SCANS, 'rescan', f), '--db', db]);
      expect(r.code, r.err).toBe(0);
    }
    const database = await openDatabase(db);
    try {
      const repo = new Repository(database);
      const services = await repo.listRecords(allTenants('test'), 'service');
      const https = services.find((s) => s.address === '203.0.113.60' && s.port === 443);
      expect(https).toMatchObject({ product: 'Fortinet FortiGate SSL VPN', observedAt: '2026-11-28T22:30:01.000Z' });
      const [asset] = await repo.listRecords(allTenants('test'), 'asset');
      expect(asset?.lastSeen).toBe('2026-11-28T22:30:01.000Z');
    } finally {
      await database.close();
    }
  });

  it('imports masscan and Shodan files in one run and filters by customer', async () => {
    const db = await freshDb();
    const imp = await runCli(['import', join(SCANS, 'masscan-oJ.json'), join(SCANS, 'masscan-oD.ndjson'), join(SCANS, 'shodan-export.jsonl'), '--db', db]);
    expect(imp.code, imp.err + imp.out).toBe(0);
    const fs = lines((await runCli(['exposure', '--db', db, '--json', '--customer', 'unassigned'])).out);
    const entries = fs.map((f) => `${f.evidence.address}:${f.evidence.port} ${f.evidence.entry} ${f.evidence.evidenceKind}`).sort();
    expect(entries).toEqual([
      '198.51.100.40:443 kaseya-vsa product',
      '198.51.100.41:3389 rdp service-name',
      '198.51.100.42:161 snmp service-name',
      '203.0.113.20:3389 rdp banner',
      '203.0.113.21:8040 screenconnect-web banner',
      '203.0.113.22:5985 winrm port',
      '203.0.113.30:23 telnet service-name',
      '203.0.113.31:161 snmp port',
      '203.0.113.32:8080 ninjaone banner',
    ]);
    const none = await runCli(['exposure', '--db', db, '--customer', 'nobody']);
    expect(none.code).not.toBe(0);
  });

  it('attributes a scan to a known customer with --customer, raising MSP consoles in the MSP tenant', async () => {
    const db = await importedExample();
    const imp = await runCli(['import', join(SCANS, 'nmap-edge.xml'), '--customer', 'harbor-msp', '--db', db]);
    expect(imp.code, imp.err + imp.out).toBe(0);
    const fs = lines((await runCli(['exposure', '--db', db, '--json', '--customer', 'harbor-msp'])).out);
    const sc = fs.find((f) => f.evidence.entry === 'screenconnect-web');
    expect(sc).toMatchObject({ tenant: 'harbor-msp', severity: 'critical', duty: 'msp', evidence: { hubPosition: expect.stringMatching(/every customer/) } });
  });

  it('refuses a truncated scan and leaves the database as it was', async () => {
    const db = await freshDb();
    const r = await runCli(['import', join(SCANS, 'hostile', 'truncated.xml'), '--db', db]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/truncated\.xml:\d+:\d+: .*truncated nmap XML/);
    const e = await runCli(['exposure', '--db', db, '--json']);
    expect(e.out.trim()).toBe('');
  });
});
