import { describe, expect, it } from 'vitest';
import { control, isControlId } from '../../catalog/catalog.js';
import { Asset, ExposedService, Organization } from '../../core/index.js';
import { emptyModel, type Model } from '../engine.js';
import { ENGINES } from '../index.js';
import { EXPOSURE_CONTROLS, createExposureEngine, exposureEngine, matchService } from './index.js';

const now = new Date('2026-11-29T00:00:00Z');

function svc(over: Record<string, unknown>): ExposedService {
  const port = (over.port as number | undefined) ?? 443;
  const address = (over.address as string | undefined) ?? '203.0.113.10';
  const tenant = (over.tenant as string | undefined) ?? 'acme';
  return ExposedService.parse({ id: `${tenant}:${address}:tcp/${port}`, tenant, address, port, observedAt: '2026-11-28T22:00:06Z', source: 'nmap', ...over });
}

function model(services: ExposedService[], extra: Partial<Model> = {}): Model {
  const m = emptyModel();
  m.organization = [
    Organization.parse({ id: 'harbor-msp', name: 'Harbor IT', kind: 'msp' }),
    Organization.parse({ id: 'acme', name: 'Acme Clinic', kind: 'customer', msp: 'harbor-msp' }),
    Organization.parse({ id: 'bolt', name: 'Bolt Law', kind: 'customer', msp: 'harbor-msp' }),
    Organization.parse({ id: 'unassigned', name: 'Unassigned (from scans)', kind: 'customer' }),
  ];
  m.service = services;
  return { ...m, ...extra };
}

const run = (m: Model) => exposureEngine.run(m, { now });

describe('exposure engine: evidence before ports', () => {
  it('is registered and names only catalog controls', () => {
    expect(ENGINES).toContain(exposureEngine);
    for (const c of exposureEngine.controls) expect(isControlId(c), c).toBe(true);
    expect(exposureEngine.controls).toEqual(Object.values(EXPOSURE_CONTROLS));
  });

  it('recognizes a probed service name (RDP) at full severity', () => {
    const [f] = run(model([svc({ port: 3389, service: 'ms-wbt-server', product: 'Microsoft Terminal Services', banner: 'method: probed' })]));
    expect(f).toMatchObject({
      tenant: 'acme', control: 'hg.ctl.prevent.management-interfaces', severity: 'critical', duty: control('hg.ctl.prevent.management-interfaces').duty,
      evidence: { entry: 'rdp', evidenceKind: 'product', confirmed: true, port: 3389, address: '203.0.113.10' },
    });
    expect(f!.title).not.toMatch(/unconfirmed/);
  });

  it('flags a port-only match one step lower and says "unconfirmed: port only"', () => {
    const [f] = run(model([svc({ port: 3389 })]));
    expect(f).toMatchObject({ severity: 'high', evidence: { entry: 'rdp', evidenceKind: 'port', confirmed: false, note: 'unconfirmed: port only' } });
    expect(f!.title).toMatch(/\(unconfirmed: port only\)/);
    // nmap's port-table guess (method table) is no better than the port.
    const [g] = run(model([svc({ port: 5900, service: 'vnc', banner: 'method: table' })]));
    expect(g).toMatchObject({ severity: 'high', evidence: { entry: 'vnc', evidenceKind: 'port', confirmed: false } });
  });

  it('does not call a web server on port 3389 RDP: evidence overrules the port', () => {
    expect(run(model([svc({ port: 3389, service: 'http', product: 'nginx', version: '1.24.0', banner: 'http-title: Welcome to nginx!\nmethod: probed' })]))).toEqual([]);
  });

  it('recognizes an MSP console on any port by its banner, CPE or product', () => {
    expect(matchService(svc({ port: 443, service: 'https', banner: 'http-title: ScreenConnect Remote Support Software' }))).toMatchObject({ entry: { id: 'screenconnect-web' }, evidence: 'banner' });
    expect(matchService(svc({ port: 8443, banner: 'cpe: cpe:2.3:a:kaseya:vsa' }))).toMatchObject({ entry: { id: 'kaseya-vsa' }, evidence: 'cpe' });
    expect(matchService(svc({ port: 9401, service: 'ssl', product: 'Veeam Backup & Replication Catalog' }))).toMatchObject({ entry: { id: 'veeam' }, evidence: 'product' });
    expect(matchService(svc({ port: 443, service: 'https', product: 'Fortinet FortiGate SSL VPN' }))).toMatchObject({ entry: { id: 'fortinet-admin', category: 'management-interface' } });
    expect(matchService(svc({ port: 445, service: 'netbios-ssn', product: 'Samba smbd', version: '4.6.2' }))).toMatchObject({ entry: { id: 'smb', control: 'hg.ctl.prevent.exposed-services' } });
    expect(matchService(svc({ port: 443, service: 'https', banner: 'http-server-header: Microsoft-IIS/10.0 X-OWA-Version: 15.2' }))).toMatchObject({ entry: { id: 'exchange-web' } });
    expect(matchService(svc({ port: 22, service: 'ssh', product: 'OpenSSH', version: '9.6' }))).toBeUndefined();
    expect(matchService(svc({ port: 443, service: 'https', product: 'nginx' }))).toBeUndefined();
  });

  it('ignores services that are not internet-facing', () => {
    expect(run(model([svc({ port: 3389, service: 'ms-wbt-server', internetFacing: false })]))).toEqual([]);
  });

  it('raises an MSP tool console in the MSP tenant: it opens every customer', () => {
    const banner = 'http-title: ScreenConnect Remote Support Software';
    const [customer] = run(model([svc({ port: 8040, service: 'http', banner })]));
    const [msp] = run(model([svc({ tenant: 'harbor-msp', port: 8040, service: 'http', banner })]));
    expect(customer).toMatchObject({ severity: 'high', duty: 'shared' });
    expect(customer!.evidence).not.toHaveProperty('hubPosition');
    expect(msp).toMatchObject({ severity: 'critical', duty: 'msp', evidence: { hubPosition: expect.stringMatching(/every customer/), relatedControl: 'hg.ctl.updates.hub-tools-first' } });
    expect(msp!.detail).toMatch(/2 customer\(s\)/);
    // A port-only console in the MSP tenant: medium, lowered for the port only, raised back for the hub.
    const [relay] = run(model([svc({ tenant: 'harbor-msp', port: 8041 })]));
    expect(relay).toMatchObject({ severity: 'medium', evidence: { entry: 'screenconnect-relay', confirmed: false, hubPosition: expect.any(String) } });
  });

  it('raises a console on a host recorded as an MSP tool, and names the known host', () => {
    const tool = Asset.parse({ id: 'harbor-sc', tenant: 'acme', name: 'ScreenConnect (hosted)', kind: 'msp-tool', toolKind: 'remote-access', addresses: ['203.0.113.11'] });
    const [f] = run(model([svc({ address: '203.0.113.11', port: 8040, banner: 'http-title: ScreenConnect' })], { asset: [tool] }));
    expect(f).toMatchObject({ severity: 'critical', evidence: { host: 'ScreenConnect (hosted)', asset: 'harbor-sc', hubPosition: 'asset recorded as an MSP tool' } });
  });

  it('looks a scan asset up in the service tenant: scan:<address> may exist in two tenants', () => {
    const inBucket = Asset.parse({ id: 'scan:203.0.113.11', tenant: 'unassigned', name: 'old-name.example', kind: 'device', addresses: ['203.0.113.11'] });
    const inMsp = Asset.parse({ id: 'scan:203.0.113.11', tenant: 'harbor-msp', name: 'support.harbor-msp.example', kind: 'msp-tool', addresses: ['203.0.113.11'] });
    const s = svc({ tenant: 'harbor-msp', address: '203.0.113.11', port: 8040, asset: 'scan:203.0.113.11', banner: 'http-title: ScreenConnect' });
    for (const asset of [[inBucket, inMsp], [inMsp, inBucket]]) {
      const [f] = run(model([s], { asset }));
      expect(f).toMatchObject({ evidence: { host: 'support.harbor-msp.example', possibleOwners: ['unassigned'] } });
    }
  });

  it('hints the owner of an unassigned host from a known asset with its address', () => {
    const known = Asset.parse({ id: 'bolt-fw', tenant: 'bolt', name: 'Bolt firewall', kind: 'device', addresses: ['203.0.113.12'] });
    const [f] = run(model([svc({ tenant: 'unassigned', address: '203.0.113.12', port: 23, service: 'telnet', banner: 'method: probed' })], { asset: [known] }));
    expect(f).toMatchObject({ tenant: 'unassigned', evidence: { possibleOwners: ['bolt'], evidenceKind: 'service-name' } });
  });

  it('is deterministic and keeps finding ids stable per service', () => {
    const m = model([svc({ port: 3389 }), svc({ port: 23, service: 'telnet', banner: 'method: probed' })]);
    expect(JSON.stringify(createExposureEngine().run(m, { now }))).toBe(JSON.stringify(run(m)));
    expect(run(m).map((f) => f.severity)).toEqual(['critical', 'high']);
  });
});
