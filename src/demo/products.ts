/**
 * Real products and versions the demo inventory runs, with CPE 2.3 names,
 * vendor end-of-life dates and the CISA KEV entries the deliberately
 * vulnerable versions are listed under. The KEV notes let demoFlaws name the
 * CVE a vulnerability engine is expected to match.
 */

/** One product version as it appears in an inventory. */
export interface Product {
  vendor: string;
  product: string;
  version: string;
  /** Operating system line as an inventory agent reports it. */
  os?: string;
  cpe?: string;
  /** Vendor end of (extended) support, YYYY-MM-DD. */
  endOfLife?: string;
  /** Known-exploited CVEs (CISA KEV) affecting exactly this version. */
  kev?: readonly string[];
}

const p = (x: Product): Product => x;

/** Workstation operating systems. */
export const WORKSTATION_OS = {
  win11Pro25h2: p({
    vendor: 'Microsoft', product: 'Windows 11 Pro', version: '25H2', os: 'Windows 11 Pro 25H2 (build 26200)',
    cpe: 'cpe:2.3:o:microsoft:windows_11_25h2:-:*:*:*:*:*:x64:*', endOfLife: '2027-10-12',
  }),
  win11Ent24h2: p({
    vendor: 'Microsoft', product: 'Windows 11 Enterprise', version: '24H2', os: 'Windows 11 Enterprise 24H2 (build 26100)',
    cpe: 'cpe:2.3:o:microsoft:windows_11_24h2:-:*:*:*:*:*:x64:*', endOfLife: '2027-10-12',
  }),
  // Windows 10 left support on 2025-10-14; small offices keep a few for old scanners and software.
  win10Pro22h2: p({
    vendor: 'Microsoft', product: 'Windows 10 Pro', version: '22H2', os: 'Windows 10 Pro 22H2 (build 19045)',
    cpe: 'cpe:2.3:o:microsoft:windows_10_22h2:-:*:*:*:*:*:x64:*', endOfLife: '2025-10-14',
  }),
  macos15: p({
    vendor: 'Apple', product: 'macOS', version: '15.6', os: 'macOS Sequoia 15.6',
    cpe: 'cpe:2.3:o:apple:macos:15.6:*:*:*:*:*:*:*',
  }),
} as const;

/** Server operating systems. */
export const SERVER_OS = {
  ws2025: p({
    vendor: 'Microsoft', product: 'Windows Server 2025 Standard', version: '24H2', os: 'Windows Server 2025 Standard (build 26100)',
    cpe: 'cpe:2.3:o:microsoft:windows_server_2025:-:*:*:*:*:*:*:*', endOfLife: '2034-11-14',
  }),
  ws2022: p({
    vendor: 'Microsoft', product: 'Windows Server 2022 Standard', version: '21H2', os: 'Windows Server 2022 Standard (build 20348)',
    cpe: 'cpe:2.3:o:microsoft:windows_server_2022:-:*:*:*:*:*:*:*', endOfLife: '2031-10-14',
  }),
  ws2019: p({
    vendor: 'Microsoft', product: 'Windows Server 2019 Standard', version: '1809', os: 'Windows Server 2019 Standard (build 17763)',
    cpe: 'cpe:2.3:o:microsoft:windows_server_2019:-:*:*:*:*:*:*:*', endOfLife: '2029-01-09',
  }),
  ws2016: p({
    vendor: 'Microsoft', product: 'Windows Server 2016 Standard', version: '1607', os: 'Windows Server 2016 Standard (build 14393)',
    cpe: 'cpe:2.3:o:microsoft:windows_server_2016:-:*:*:*:*:*:*:*', endOfLife: '2027-01-12',
  }),
  ws2012r2: p({
    vendor: 'Microsoft', product: 'Windows Server 2012 R2 Standard', version: '6.3.9600', os: 'Windows Server 2012 R2 Standard (build 9600)',
    cpe: 'cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*', endOfLife: '2023-10-10',
  }),
} as const;

/** On-premises Exchange, still found at customers that never finished moving to Exchange Online. */
export const EXCHANGE_2016_CU23 = p({
  vendor: 'Microsoft', product: 'Exchange Server 2016', version: 'CU23 (15.1.2507)',
  cpe: 'cpe:2.3:a:microsoft:exchange_server:2016:cumulative_update_23:*:*:*:*:*:*', endOfLife: '2025-10-14',
});

/** Customer perimeter and network devices: patched versions and known-exploited ones. */
export const NETWORK = {
  fortios749: p({
    vendor: 'Fortinet', product: 'FortiGate 60F', version: '7.4.9', os: 'FortiOS 7.4.9',
    cpe: 'cpe:2.3:o:fortinet:fortios:7.4.9:*:*:*:*:*:*:*',
  }),
  fortios742: p({
    vendor: 'Fortinet', product: 'FortiGate 60F', version: '7.4.2', os: 'FortiOS 7.4.2',
    cpe: 'cpe:2.3:o:fortinet:fortios:7.4.2:*:*:*:*:*:*:*', kev: ['CVE-2024-21762', 'CVE-2024-23113'],
  }),
  fortios725: p({
    vendor: 'Fortinet', product: 'FortiGate 40F', version: '7.2.5', os: 'FortiOS 7.2.5',
    cpe: 'cpe:2.3:o:fortinet:fortios:7.2.5:*:*:*:*:*:*:*', kev: ['CVE-2024-21762', 'CVE-2024-23113'],
  }),
  sonicos712: p({
    vendor: 'SonicWall', product: 'SonicWall TZ370', version: '7.1.2-7019', os: 'SonicOS 7.1.2-7019',
    cpe: 'cpe:2.3:o:sonicwall:sonicos:7.1.2-7019:*:*:*:*:*:*:*',
  }),
  sonicos701: p({
    vendor: 'SonicWall', product: 'SonicWall TZ370', version: '7.0.1-5035', os: 'SonicOS 7.0.1-5035',
    cpe: 'cpe:2.3:o:sonicwall:sonicos:7.0.1-5035:*:*:*:*:*:*:*', kev: ['CVE-2024-40766'],
  }),
  iosxe1794a: p({
    vendor: 'Cisco', product: 'Catalyst 9300', version: '17.9.4a', os: 'Cisco IOS XE 17.9.4a',
    cpe: 'cpe:2.3:o:cisco:ios_xe:17.9.4a:*:*:*:*:*:*:*',
  }),
  // 17.9.4a fixed the web UI implant chain; 17.9.3 is still exposed to it when the HTTP server is on.
  iosxe1793: p({
    vendor: 'Cisco', product: 'Catalyst 9300', version: '17.9.3', os: 'Cisco IOS XE 17.9.3',
    cpe: 'cpe:2.3:o:cisco:ios_xe:17.9.3:*:*:*:*:*:*:*', kev: ['CVE-2023-20198', 'CVE-2023-20273'],
  }),
} as const;

/** Office printers: firmware rarely has a CPE in an inventory export. */
export const PRINTERS: readonly Product[] = [
  p({ vendor: 'HP', product: 'Color LaserJet Pro MFP M479fdw', version: '2409081_000553' }),
  p({ vendor: 'Brother', product: 'MFC-L8900CDW', version: 'ZC' }),
  p({ vendor: 'Canon', product: 'imageRUNNER ADVANCE DX C3826i', version: '46.05' }),
];

/** The Microsoft 365 plan of a customer tenant. */
export const M365 = p({ vendor: 'Microsoft', product: 'Microsoft 365 Business Premium', version: 'cloud' });

/** Is the product past its vendor end of support at `nowMs`? */
export const isEndOfLife = (prod: Product, nowMs: number): boolean =>
  prod.endOfLife !== undefined && Date.parse(`${prod.endOfLife}T00:00:00Z`) < nowMs;
