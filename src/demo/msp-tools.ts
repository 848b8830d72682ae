import type { ToolKind } from '../core/index.js';
import { randomAgo, type DemoContext } from './context.js';
import { rngFor } from './prng.js';
import { MSP, MSP_TOOLS } from './staff.js';
import type { DemoFlaw, DemoRecordInputs } from './types.js';

type In<K extends keyof DemoRecordInputs> = DemoRecordInputs[K];

/** One tool of the MSP's delivery stack, as its inventory and an external scan describe it. */
interface ToolSpec {
  id: string;
  name: string;
  toolKind: ToolKind;
  vendor: string;
  product: string;
  version: string;
  cpe?: string;
  host: string;
  /** Public listener ports, when the tool answers from the internet. */
  ports: readonly number[];
  /** Known-exploited CVEs of exactly this version (CISA KEV). */
  kev?: readonly string[];
  tags?: readonly string[];
}

/**
 * The MSP's tools. Several run versions from the KEV catalog: the appliances
 * that opened MSPs to mass exploitation in 2023-2024. The Citrix, Palo Alto and
 * Ivanti gateways came with acquired smaller MSPs and were never consolidated.
 */
export const TOOL_SPECS: readonly ToolSpec[] = [
  {
    id: MSP_TOOLS.rmm, name: 'N-central (RMM)', toolKind: 'rmm', vendor: 'N-able', product: 'N-central', version: '2025.3.1',
    cpe: 'cpe:2.3:a:n-able:n-central:2025.3.1:*:*:*:*:*:*:*', host: `rmm.${MSP.domain}`, ports: [443],
  },
  {
    id: MSP_TOOLS.remote, name: 'ScreenConnect (remote access)', toolKind: 'remote-access', vendor: 'ConnectWise', product: 'ScreenConnect',
    version: '23.9.7', cpe: 'cpe:2.3:a:connectwise:screenconnect:23.9.7:*:*:*:*:*:*:*', host: `support.${MSP.domain}`, ports: [443, 8041],
    kev: ['CVE-2024-1709'],
  },
  {
    id: MSP_TOOLS.vpn, name: 'FortiGate 200F (HQ firewall and SSL VPN)', toolKind: 'vpn', vendor: 'Fortinet', product: 'FortiGate 200F',
    version: '7.4.2', cpe: 'cpe:2.3:o:fortinet:fortios:7.4.2:*:*:*:*:*:*:*', host: `vpn.${MSP.domain}`, ports: [443, 10443],
    kev: ['CVE-2024-21762', 'CVE-2024-23113'],
  },
  {
    id: MSP_TOOLS.citrix, name: 'NetScaler ADC (Citrix Gateway)', toolKind: 'remote-access', vendor: 'Citrix', product: 'NetScaler ADC',
    version: '13.1-49.13', cpe: 'cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-49.13:*:*:*:*:*:*:*',
    host: `gateway.${MSP.domain}`, ports: [443], kev: ['CVE-2023-4966'], tags: ['acquired'],
  },
  {
    id: MSP_TOOLS.globalProtect, name: 'PA-440 (GlobalProtect portal)', toolKind: 'firewall', vendor: 'Palo Alto Networks', product: 'PAN-OS',
    version: '10.2.9', cpe: 'cpe:2.3:o:paloaltonetworks:pan-os:10.2.9:-:*:*:*:*:*:*', host: `gp.${MSP.domain}`, ports: [443],
    kev: ['CVE-2024-3400'], tags: ['acquired'],
  },
  {
    id: MSP_TOOLS.ivanti, name: 'Ivanti Connect Secure (legacy VPN)', toolKind: 'vpn', vendor: 'Ivanti', product: 'Connect Secure',
    version: '22.4R2.1', cpe: 'cpe:2.3:a:ivanti:connect_secure:22.4:r2.1:*:*:*:*:*:*', host: `access.${MSP.domain}`, ports: [443],
    kev: ['CVE-2023-46805', 'CVE-2024-21887'], tags: ['acquired'],
  },
  {
    id: MSP_TOOLS.backup, name: 'Veeam Backup & Replication server', toolKind: 'backup-console', vendor: 'Veeam',
    product: 'Veeam Backup & Replication', version: '12.1.2.172', cpe: 'cpe:2.3:a:veeam:veeam_backup_\\&_replication:12.1.2.172:*:*:*:*:*:*:*',
    host: `nw-vbr01.ad.${MSP.domain}`, ports: [], kev: ['CVE-2024-40711'],
  },
  {
    id: MSP_TOOLS.vault, name: 'Devolutions Server (password vault)', toolKind: 'password-vault', vendor: 'Devolutions', product: 'Devolutions Server',
    version: '2024.3.12.0', cpe: 'cpe:2.3:a:devolutions:devolutions_server:2024.3.12.0:*:*:*:*:*:*:*', host: `vault.ad.${MSP.domain}`, ports: [],
  },
  {
    id: MSP_TOOLS.psa, name: 'ConnectWise PSA (ticketing and billing)', toolKind: 'psa', vendor: 'ConnectWise', product: 'ConnectWise PSA',
    version: '2025.1', host: `psa.${MSP.domain}`, ports: [], tags: ['saas'],
  },
  {
    id: MSP_TOOLS.fileTransfer, name: 'MOVEit Transfer (customer file exchange)', toolKind: 'file-transfer', vendor: 'Progress', product: 'MOVEit Transfer',
    version: '2024.0.2', cpe: 'cpe:2.3:a:progress:moveit_transfer:2024.0.2:*:*:*:*:*:*:*', host: `files.${MSP.domain}`, ports: [443, 22],
  },
];

/** Public service names by port, as nmap reports them. */
const PORT_SERVICE: Record<number, string> = { 22: 'ssh', 443: 'https', 8041: 'screenconnect-relay', 10443: 'https-alt' };

/** The MSP tool assets; `managedEndpoints` is the RMM's reach over every customer. */
export function mspToolAssets(ctx: DemoContext, managedEndpoints: number): In<'asset'>[] {
  const rng = rngFor(ctx.seed, 'msp', 'tools');
  return TOOL_SPECS.map((s, k) => ({
    id: s.id, tenant: MSP.id, name: s.name, kind: 'msp-tool', toolKind: s.toolKind, vendor: s.vendor, product: s.product, version: s.version,
    ...(s.cpe ? { cpe: s.cpe } : {}),
    addresses: s.ports.length ? [`203.0.113.${10 + k}`] : [`10.200.0.${10 + k}`], hostnames: [s.host],
    internetFacing: s.ports.length > 0, criticality: 'critical', owner: `${MSP.id}:msp-admins`,
    ...(s.toolKind === 'rmm' ? { managedEndpoints } : {}),
    ...(s.tags?.includes('saas') ? {} : { lastSeen: randomAgo(ctx, rng, 0, 1) }),
    tags: ['msp-tool', ...(s.tags ?? [])],
  }));
}

/** What an external scan of the MSP's public addresses saw. */
export function mspToolServices(ctx: DemoContext): In<'service'>[] {
  const rng = rngFor(ctx.seed, 'msp', 'tool-services');
  return TOOL_SPECS.flatMap((s, k) =>
    s.ports.map((port) => ({
      id: `${s.id}:${port}-tcp`, tenant: MSP.id, asset: s.id, address: `203.0.113.${10 + k}`, port, protocol: 'tcp' as const,
      service: PORT_SERVICE[port] ?? 'unknown', product: `${s.vendor} ${s.product}`, version: s.version,
      internetFacing: true, observedAt: randomAgo(ctx, rng, 1, 5), source: 'external-scan',
    })),
  );
}

/** Planted weaknesses of the tool stack: known-exploited versions and the public remote-access console. */
export function mspToolFlaws(): DemoFlaw[] {
  const flaws: DemoFlaw[] = [];
  for (const s of TOOL_SPECS) {
    if (s.kev) {
      flaws.push({
        flaw: 'kev-vulnerable-msp-tool', tenant: MSP.id, subject: { kind: 'asset', id: s.id },
        description: `${s.name} runs ${s.product} ${s.version}, affected by ${s.kev.join(' and ')} (CISA KEV); it reaches every customer.`,
      });
    }
  }
  flaws.push({
    flaw: 'remote-access-console-internet-facing', tenant: MSP.id, subject: { kind: 'asset', id: MSP_TOOLS.remote },
    description: `The ScreenConnect console (support.${MSP.domain}) answers from the internet, one login away from every customer's endpoints.`,
  });
  return flaws;
}
