import { describe, expect, it } from 'vitest';
import { catalog } from '../catalog/catalog.js';
import { demoContext } from './context.js';
import { generateDemo } from './index.js';
import { customerProfile } from './profile.js';
import { technicianCount } from './staff.js';

const ws = generateDemo({ customers: 30, seed: 4 });
const byTenant = <T extends { tenant: string }>(rows: Iterable<T>) => {
  const m = new Map<string, T[]>();
  for (const r of rows) m.set(r.tenant, [...(m.get(r.tenant) ?? []), r]);
  return m;
};
const customers = [...ws.organization()].filter((o) => o.kind === 'customer');
const identities = byTenant(ws.identity());
const groups = byTenant(ws.group());
const roles = byTenant(ws.role());
const grants = byTenant(ws.grant());
const assets = byTenant(ws.asset());
const services = byTenant(ws.service());
const agreements = byTenant(ws.agreement());

describe('customer tenants', () => {
  it('have 10 to 60 staff, a service account, break-glass access and a privileged admin group', () => {
    for (const c of customers) {
      const ids = identities.get(c.id) ?? [];
      const staff = ids.filter((x) => x.kind === 'human' && x.enabled !== false);
      expect(staff.length, c.id).toBeGreaterThanOrEqual(10);
      expect(staff.length, c.id).toBeLessThanOrEqual(60);
      expect(ids.some((x) => x.kind === 'service')).toBe(true);
      expect(ids.some((x) => (x.tags ?? []).includes('break-glass'))).toBe(true);
      const admin = (groups.get(c.id) ?? []).filter((g) => g.privileged);
      expect(admin.map((g) => g.name)).toSatisfy((names: string[]) => names.length === 1 && ['Domain Admins', 'IT Admins'].includes(names[0] ?? ''));
    }
  });

  it('carry the Entra ID roles with their template ids', () => {
    for (const c of customers) {
      const names = Object.fromEntries((roles.get(c.id) ?? []).map((r) => [r.name, r]));
      expect(names['Global Administrator']?.privilege).toBe('global-admin');
      expect(names['Global Administrator']?.templateId).toBe('62e90394-69f5-4237-9190-012177145e10');
      expect(names['Exchange Administrator']?.privilege).toBe('admin');
      expect(names['Helpdesk Administrator']?.privilege).toBe('operator');
      expect(names['User Administrator']?.privilege).toBe('admin');
      expect(names['Security Reader']?.privilege).toBe('read');
    }
  });

  it('are reached by the MSP through GDAP, RMM, remote access, VPN and the vault', () => {
    for (const c of customers) {
      const g = grants.get(c.id) ?? [];
      const rmm = g.find((x) => x.via === 'rmm');
      expect(rmm).toMatchObject({ principalKind: 'tool', privilege: 'system', tool: 'northwind-msp:n-central' });
      expect(g.some((x) => x.via === 'remote-access' && x.principalKind === 'tool')).toBe(true);
      expect(g.some((x) => x.via === 'vpn' && x.targetKind === 'asset')).toBe(true);
      expect(g.some((x) => x.via === 'password-vault')).toBe(true);
      const gdap = g.filter((x) => x.via === 'gdap');
      expect(gdap.length).toBeGreaterThanOrEqual(6);
      for (const x of gdap) {
        // GDAP relationships last at most two years.
        expect(Date.parse(x.expiresAt ?? '') - Date.parse(x.grantedAt ?? '')).toBeLessThanOrEqual(730 * 86_400_000);
        expect(['standing', 'jit']).toContain(x.mode);
      }
      // Customers keep 2 to 8 Global Admins of their own.
      const own = g.filter((x) => x.via === 'directory' && x.privilege === 'global-admin');
      expect(own.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('own a Microsoft 365 tenant, servers, workstations and a firewall answering on 443', () => {
    for (const c of customers) {
      const a = assets.get(c.id) ?? [];
      expect(a.filter((x) => x.kind === 'cloud-tenant')).toHaveLength(1);
      expect(a.some((x) => (x.tags ?? []).includes('server'))).toBe(true);
      expect(a.some((x) => (x.tags ?? []).includes('workstation'))).toBe(true);
      const fw = a.find((x) => (x.tags ?? []).includes('firewall'));
      expect(fw?.cpe).toMatch(/^cpe:2\.3:o:(fortinet:fortios|sonicwall:sonicos):/);
      expect((services.get(c.id) ?? []).some((s) => s.asset === fw?.id && s.port === 443 && s.internetFacing)).toBe(true);
    }
  });

  it('have an agreement assigning every catalog control', () => {
    const ids = catalog().controls.map((x) => x.id).sort();
    for (const c of customers) {
      const [a, ...more] = agreements.get(c.id) ?? [];
      expect(more).toHaveLength(0);
      expect(a?.msp).toBe('northwind-msp');
      expect(Object.keys(a?.responsibilities ?? {}).sort()).toEqual(ids);
      expect(a?.servicesInScope?.length).toBeGreaterThan(0);
      expect(a?.servicesOutOfScope?.length).toBeGreaterThan(0);
    }
  });

  it('spread over the MSP\'s sectors with one or two domains each', () => {
    const sectors = new Set(customers.map((c) => c.sector));
    for (const s of ['healthcare', 'hospital', 'legal']) expect(sectors.has(s as never), s).toBe(true);
    expect(sectors.size).toBeGreaterThanOrEqual(6);
    for (const c of customers) expect(c.domains?.length).toBeGreaterThanOrEqual(1);
    for (const c of customers) expect(c.domains?.length).toBeLessThanOrEqual(2);
  });

  it('get unique tenant ids and readable names even at 5,000 customers', () => {
    const ctx = demoContext({ customers: 5000, seed: 2 });
    const ids = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const p = customerProfile(ctx, i);
      expect(p.name).not.toMatch(/[{}]/);
      ids.add(p.id);
    }
    expect(ids.size).toBe(5000);
  });
});

describe('the MSP', () => {
  const msp = identities.get('northwind-msp') ?? [];
  const techs = msp.filter((x) => (x.tags ?? []).includes('technician'));

  it('has about 8 technicians plus one per ten customers, most with strong MFA', () => {
    expect(techs).toHaveLength(technicianCount(30));
    expect(technicianCount(30)).toBe(11);
    expect(technicianCount(100_000)).toBe(400);
    const strong = techs.filter((x) => (x.mfa ?? []).some((m) => ['fido2', 'authenticator-push', 'windows-hello', 'totp'].includes(m)));
    expect(strong.length / techs.length).toBeGreaterThan(0.5);
    for (const x of techs) expect(x.username).toMatch(/^[a-z]+\d*@northwind-msp\.example$/);
    expect(msp.filter((x) => x.kind === 'service').map((x) => x.id)).toEqual(
      expect.arrayContaining(['svc-ncentral@northwind-msp.example', 'svc-veeam@northwind-msp.example']),
    );
  });

  it('runs the named tools at their exact versions', () => {
    const tools = (assets.get('northwind-msp') ?? []).filter((a) => a.kind === 'msp-tool');
    const v = (product: string) => tools.find((t) => t.product === product)?.version;
    expect(v('ScreenConnect')).toBe('23.9.7');
    expect(v('NetScaler ADC')).toBe('13.1-49.13');
    expect(v('PAN-OS')).toBe('10.2.9');
    expect(v('Connect Secure')).toBe('22.4R2.1');
    expect(v('FortiGate 200F')).toBe('7.4.2');
    expect(new Set(tools.map((t) => t.toolKind))).toEqual(
      new Set(['rmm', 'remote-access', 'vpn', 'firewall', 'backup-console', 'password-vault', 'psa', 'file-transfer']),
    );
  });

  it('counts every customer endpoint as managed by the RMM', () => {
    const rmm = (assets.get('northwind-msp') ?? []).find((a) => a.toolKind === 'rmm');
    let endpoints = 0;
    for (const c of customers) {
      endpoints += (assets.get(c.id) ?? []).filter((a) => ['server', 'workstation', 'laptop'].some((t) => (a.tags ?? []).includes(t))).length;
    }
    expect(rmm?.managedEndpoints).toBe(endpoints);
  });
});
