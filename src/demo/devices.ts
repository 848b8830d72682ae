import { daysAgo, randomAgo, type DemoContext } from './context.js';
import { rngFor, type Rng } from './prng.js';
import { EXCHANGE_2016_CU23, M365, NETWORK, PRINTERS, SERVER_OS, WORKSTATION_OS, type Product } from './products.js';
import type { CustomerProfile } from './profile.js';
import type { People } from './people.js';
import type { DemoFlaw, DemoRecordInputs } from './types.js';

type In<K extends keyof DemoRecordInputs> = DemoRecordInputs[K];

/** The keys of a customer's key assets, known from the profile alone (grants and backups point at them). */
export interface DeviceLayout {
  firewall: string;
  m365: string;
  /** Server asset keys, domain controller first when there is one. */
  servers: string[];
  domainController?: string;
}

/** A customer's inventory and what a scan of it saw listening. */
export interface Devices extends DeviceLayout {
  assets: In<'asset'>[];
  services: In<'service'>[];
  flaws: DemoFlaw[];
}

/** Server roles in the order a growing office adds them. */
const serverRoles = (p: CustomerProfile): string[] =>
  (p.activeDirectory ? ['DC01', 'FS01', 'APP01', 'HV01', 'DC02', 'APP02'] : ['FS01', 'APP01', 'HV01', 'APP02']).slice(0, p.servers);

const assetKey = (p: CustomerProfile, name: string) => `${p.id}:${p.hostPrefix.toLowerCase()}-${name.toLowerCase()}`;

/** Derives the keys of a customer's servers, firewall and cloud tenant without building the inventory. */
export function deviceLayout(p: CustomerProfile): DeviceLayout {
  const roles = serverRoles(p);
  const servers = roles.map((r) => assetKey(p, r));
  if (p.legacy.ws2012r2) servers.push(assetKey(p, 'SQL01'));
  if (p.legacy.exchange2016) servers.push(assetKey(p, 'EX01'));
  return {
    firewall: assetKey(p, 'FW01'),
    m365: `${p.id}:m365`,
    servers,
    ...(roles.includes('DC01') ? { domainController: assetKey(p, 'DC01') } : {}),
  };
}

/** Inventory fields of a product, in the asset record's shape. */
export function productFields(prod: Product): Pick<In<'asset'>, 'vendor' | 'product' | 'version' | 'cpe' | 'os' | 'endOfLife'> {
  return {
    vendor: prod.vendor,
    product: prod.product,
    version: prod.version,
    ...(prod.cpe ? { cpe: prod.cpe } : {}),
    ...(prod.os ? { os: prod.os } : {}),
    ...(prod.endOfLife ? { endOfLife: new Date(`${prod.endOfLife}T00:00:00Z`).toISOString() } : {}),
  };
}

/** What the line-of-business server of each sector runs, for names that read like a real inventory. */
const APP_ROLE: Record<string, string> = {
  healthcare: 'practice management and imaging', hospital: 'EHR interface engine', legal: 'document management',
  manufacturing: 'ERP and MES', education: 'student information system', finance: 'tax and accounting suite',
  nonprofit: 'donor management', construction: 'estimating and project accounting', retail: 'point of sale back office',
};

const pickServerOs = (rng: Rng): Product => rng.weighted([[SERVER_OS.ws2022, 5], [SERVER_OS.ws2019, 4], [SERVER_OS.ws2025, 2], [SERVER_OS.ws2016, 1]]);

/** Derives a customer's assets and exposed services. */
export function customerDevices(ctx: DemoContext, p: CustomerProfile, people: People): Devices {
  const rng = rngFor(ctx.seed, 'customer', p.i, 'devices');
  const t = p.id;
  const assets: In<'asset'>[] = [];
  const services: In<'service'>[] = [];
  const flaws: DemoFlaw[] = [];
  const host = (name: string) => `${p.hostPrefix}-${name}`;
  const assetId = (name: string) => assetKey(p, name);
  const layout = deviceLayout(p);
  const fqdn = (name: string) => `${host(name).toLowerCase()}.${p.activeDirectory ? p.adDomain : p.domain}`;
  const seen = () => randomAgo(ctx, rng, 0, 2);

  // Servers: a domain controller where there is AD, then file, application and virtualization hosts.
  const { servers, domainController } = layout;
  serverRoles(p).forEach((name, k) => {
    const id = assetId(name);
    const what = name.startsWith('DC') ? 'domain controller' : name.startsWith('FS') ? 'file server' : name.startsWith('HV') ? 'Hyper-V host' : APP_ROLE[p.sector];
    assets.push({
      id, tenant: t, name: `${host(name)} (${what})`, kind: 'device', ...productFields(pickServerOs(rng)),
      addresses: [`${p.lan}.${10 + k}`], hostnames: [fqdn(name)], criticality: name.startsWith('DC') || name.startsWith('APP') ? 'high' : 'medium',
      owner: people.itContact.id, lastSeen: seen(), tags: ['server'],
    });
  });
  if (p.legacy.ws2012r2) {
    const id = assetId('SQL01');
    assets.push({
      id, tenant: t, name: `${host('SQL01')} (legacy ${APP_ROLE[p.sector]} database)`, kind: 'device', ...productFields(SERVER_OS.ws2012r2),
      addresses: [`${p.lan}.30`], hostnames: [fqdn('SQL01')], criticality: 'high', owner: people.itContact.id, lastSeen: seen(), tags: ['server', 'legacy'],
    });
  }
  let exchange: string | undefined;
  if (p.legacy.exchange2016) {
    exchange = assetId('EX01');
    assets.push({
      id: exchange, tenant: t, name: `${host('EX01')} (Exchange Server 2016)`, kind: 'device', ...productFields(EXCHANGE_2016_CU23),
      os: SERVER_OS.ws2016.os, addresses: [`${p.lan}.31`], hostnames: [fqdn('EX01'), `mail.${p.domain}`], internetFacing: true,
      criticality: 'high', owner: people.itContact.id, lastSeen: seen(), tags: ['server', 'mail'],
    });
  }

  // Workstations: Windows 11 mostly; Windows 10 only where the end-of-life flaw is placed; a few Macs.
  for (let k = 0; k < p.workstations; k++) {
    const mac = k >= p.legacy.win10 && k < p.legacy.win10 + p.macs;
    const os = k < p.legacy.win10 ? WORKSTATION_OS.win10Pro22h2 : mac ? WORKSTATION_OS.macos15 : rng.chance(0.8) ? WORKSTATION_OS.win11Pro25h2 : WORKSTATION_OS.win11Ent24h2;
    const name = mac ? `MAC${String(k + 1).padStart(3, '0')}` : `WS${String(k + 1).padStart(3, '0')}`;
    const owner = people.persons[k % people.persons.length];
    assets.push({
      id: assetId(name), tenant: t, name: host(name), kind: 'device', ...productFields(os),
      addresses: [`${p.lan}.${100 + k}`], hostnames: [fqdn(name)], criticality: 'low',
      ...(owner ? { owner: owner.id } : {}), lastSeen: seen(), tags: [mac ? 'laptop' : 'workstation'],
    });
  }

  // Perimeter: the firewall doubles as the SSL VPN gateway, as at most small offices.
  const fwProduct =
    p.kevOn === 'firewall'
      ? p.firewall === 'fortinet' ? rng.pick([NETWORK.fortios742, NETWORK.fortios725]) : NETWORK.sonicos701
      : p.firewall === 'fortinet' ? NETWORK.fortios749 : NETWORK.sonicos712;
  const firewall = assetId('FW01');
  assets.push({
    id: firewall, tenant: t, name: `${host('FW01')} (${fwProduct.product})`, kind: 'device', ...productFields(fwProduct),
    addresses: [`${p.lan}.1`, p.publicV4, p.publicV6], hostnames: [`vpn.${p.domain}`], internetFacing: true,
    criticality: 'high', owner: people.itContact.id, lastSeen: seen(), tags: ['firewall', 'vpn'],
  });
  let switchProduct: Product | undefined;
  if (p.switch) {
    switchProduct = p.kevOn === 'switch' ? NETWORK.iosxe1793 : NETWORK.iosxe1794a;
    assets.push({
      id: assetId('SW01'), tenant: t, name: `${host('SW01')} (core switch)`, kind: 'device', ...productFields(switchProduct),
      addresses: [`${p.lan}.2`], hostnames: [fqdn('SW01')], criticality: 'high', lastSeen: seen(), tags: ['switch'],
    });
  }
  for (let k = 0; k < p.printers; k++) {
    const name = `PRN${String(k + 1).padStart(2, '0')}`;
    assets.push({
      id: assetId(name), tenant: t, name: host(name), kind: 'device', ...productFields(rng.pick(PRINTERS)),
      addresses: [`${p.lan}.${20 + k}`], criticality: 'low', lastSeen: seen(), tags: ['printer'],
    });
  }
  const m365 = `${t}:m365`;
  assets.push({
    id: m365, tenant: t, name: `Microsoft 365 tenant (${p.domain})`, kind: 'cloud-tenant', ...productFields(M365),
    hostnames: [...p.domains], criticality: p.criticality === 'critical' ? 'critical' : 'high', owner: people.executive.id,
  });

  // What an external scan and the internal discovery scan saw.
  const scanned = (days: number) => daysAgo(ctx, days + rng.next());
  const ext = (port: number, service: string, product: string, asset: string) =>
    services.push({
      id: `${t}:ext:${port}-tcp`, tenant: t, asset, address: p.publicV4, port, protocol: 'tcp', service, product,
      internetFacing: true, observedAt: scanned(rng.int(1, 6)), source: 'external-scan',
    });
  ext(443, 'https', p.firewall === 'fortinet' ? 'FortiGate SSL VPN' : 'SonicWall SSL VPN', firewall);
  if (exchange) {
    // Published through the firewall: OWA shares 443 with the VPN portal via a second public name, SMTP on 25.
    ext(25, 'smtp', 'Microsoft Exchange smtpd', exchange);
    services.push({
      id: `${t}:ext:owa-443-tcp`, tenant: t, asset: exchange, address: p.publicV6, port: 443, service: 'https',
      product: 'Microsoft Exchange Outlook Web App', internetFacing: true, observedAt: scanned(2), source: 'external-scan',
    });
  }
  const rdpTarget = servers.find((s) => s.endsWith('-app01')) ?? servers[0];
  if (ctx.has('internet-facing-rdp', p.i) && rdpTarget) {
    ext(3389, 'ms-wbt-server', 'Microsoft Terminal Services', rdpTarget);
    flaws.push({
      flaw: 'internet-facing-rdp', tenant: t, subject: { kind: 'service', id: `${t}:ext:3389-tcp` },
      description: `RDP (3389/tcp) on ${p.publicV4} is forwarded to ${rdpTarget} at ${p.name} and answers from the internet.`,
    });
  }
  const smbTarget = servers.find((s) => s.endsWith('-fs01')) ?? servers[0];
  if (ctx.has('internet-facing-smb', p.i) && smbTarget) {
    ext(445, 'microsoft-ds', 'Microsoft Windows SMB', smbTarget);
    flaws.push({
      flaw: 'internet-facing-smb', tenant: t, subject: { kind: 'service', id: `${t}:ext:445-tcp` },
      description: `SMB (445/tcp) on ${p.publicV4} reaches the file server ${smbTarget} at ${p.name} from the internet.`,
    });
  }
  for (const s of servers) {
    const a = assets.find((x) => x.id === s);
    const address = a?.addresses?.[0] ?? `${p.lan}.10`;
    const internal = (port: number, service: string, product: string, proto: 'tcp' | 'udp' = 'tcp') =>
      services.push({
        id: `${s}:${port}-${proto}`, tenant: t, asset: s, address, port, protocol: proto, service, product,
        internetFacing: false, observedAt: scanned(rng.int(0, 3)), source: 'internal-scan',
      });
    internal(3389, 'ms-wbt-server', 'Microsoft Terminal Services');
    internal(5985, 'http', 'Microsoft HTTPAPI httpd 2.0 (WinRM)');
    if (s === domainController) {
      internal(53, 'domain', 'Simple DNS Plus');
      internal(88, 'kerberos-sec', 'Microsoft Windows Kerberos');
      internal(389, 'ldap', 'Microsoft Windows Active Directory LDAP');
    }
    if (s.endsWith('-fs01') || s === domainController) internal(445, 'microsoft-ds', 'Microsoft Windows SMB');
  }

  for (const a of assets) {
    const prod = a.id === firewall ? fwProduct : a.id.endsWith('-sw01') ? switchProduct : undefined;
    if (prod?.kev && p.kevOn) {
      flaws.push({
        flaw: 'kev-vulnerable-device', tenant: t, subject: { kind: 'asset', id: a.id },
        description: `${a.name} at ${p.name} runs ${prod.os ?? prod.version}, affected by ${prod.kev.join(' and ')} (CISA KEV).`,
      });
    }
    if (a.endOfLife && Date.parse(a.endOfLife) < ctx.nowMs) {
      flaws.push({
        flaw: 'end-of-life-software', tenant: t, subject: { kind: 'asset', id: a.id },
        description: `${a.name} at ${p.name} runs ${a.product} ${a.version}, out of vendor support since ${a.endOfLife.slice(0, 10)}.`,
      });
    }
  }
  return { ...layout, assets, services, flaws };
}
