import { caughtHubguardError } from '../core/test-support.js';
import { describe, expect, it } from 'vitest';
import { isControlId } from './catalog.js';
import { CATEGORY_CONTROL, parseRiskyServices, riskyServices } from './risky-services.js';

const thrown = caughtHubguardError;

/** The nmap service names of CISA Cyber Hygiene's risky-service map (CyHy reporting code). */
const CYHY_RISKY = [
  'ms-wbt-server', 'telnet', 'rtelnet', 'microsoft-ds', 'smbdirect', 'ldap', 'netbios-ns', 'netbios-dgm', 'netbios-ssn',
  'ftp', 'rsftp', 'ni-ftp', 'tftp', 'bftp', 'msrpc', 'sqlnet', 'sqlserv', 'sql-net', 'sqlsrv', 'msql', 'mini-sql',
  'mysql-cluster', 'ms-sql-s', 'ms-sql-m', 'irc', 'kerberos-sec', 'kpasswd5', 'klogin', 'kshell', 'kerberos-adm',
  'kerberos', 'kerberos_master', 'krb_prop', 'krbupdate', 'kpasswd',
];

describe('risky-service catalog', () => {
  const cat = riskyServices();

  it('loads, versioned and dated', () => {
    expect(cat.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(cat.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(cat.entries.length).toBeGreaterThan(30);
  });

  it('maps every category and entry to a control of the catalog', () => {
    for (const c of Object.values(CATEGORY_CONTROL)) expect(isControlId(c), c).toBe(true);
    for (const e of cat.entries) expect(isControlId(e.control), e.id).toBe(true);
  });

  it('covers every CISA Cyber Hygiene risky service name', () => {
    const names = new Set(cat.entries.flatMap((e) => e.services));
    for (const n of CYHY_RISKY) expect(names.has(n), n).toBe(true);
  });

  it("includes the MSP tools' consoles and edge appliances", () => {
    const ids = new Set(cat.entries.map((e) => e.id));
    for (const id of ['screenconnect-web', 'screenconnect-relay', 'kaseya-vsa', 'n-able-n-central', 'ninjaone', 'datto-rmm', 'splashtop', 'teamviewer', 'anydesk', 'moveit', 'goanywhere', 'veeam', 'fortinet-admin', 'citrix-gateway', 'ivanti-connect-secure', 'panos-admin']) {
      expect(ids.has(id), id).toBe(true);
    }
    const sc = cat.entries.find((e) => e.id === 'screenconnect-web')!;
    expect(sc.ports).toEqual([{ from: 8040, to: 8040, protocol: 'tcp' }]);
    expect(sc.category).toBe('msp-tool-console');
    expect(cat.entries.find((e) => e.id === 'veeam')!.ports.map((p) => p.from)).toEqual([9392, 9401]);
  });

  it('refuses bad content with the line', () => {
    const base = 'version: 1.0.0\ndate: 2026-01-01\nsource: x\nservices:\n';
    const entry = (extra: string) => `${base}  - id: a\n    name: A\n    category: risky-service\n    severity: high\n    reason: r\n    source: hubguard\n${extra}`;
    expect(thrown(() => parseRiskyServices(entry('    ports: [99999/tcp]\n'), 'r.yaml')).message).toMatch(/r\.yaml:11:.*must be port\/proto/);
    expect(thrown(() => parseRiskyServices(entry("    products: ['(']\n"), 'r.yaml')).message).toMatch(/invalid regular expression/);
    expect(thrown(() => parseRiskyServices(entry(''), 'r.yaml')).message).toMatch(/needs ports, services or products/);
    expect(thrown(() => parseRiskyServices(entry('    colour: red\n    ports: [1/tcp]\n'), 'r.yaml')).message).toMatch(/r\.yaml:11:/);
    const dup = `${base}  - {id: a, name: A, category: risky-service, severity: high, reason: r, source: hubguard, ports: [1/tcp]}\n  - {id: a, name: B, category: risky-service, severity: high, reason: r, source: hubguard, ports: [2/tcp]}\n`;
    expect(thrown(() => parseRiskyServices(dup, 'r.yaml')).message).toMatch(/r\.yaml:6:.*duplicate id "a"/);
  });
});
