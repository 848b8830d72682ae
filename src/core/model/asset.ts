import { z } from 'zod';
import { AssetId, OrgId, RecordId } from '../ids.js';
import { Criticality, Tags } from './common.js';
import { Timestamp } from '../time.js';

export const ToolKind = z.enum([
  'rmm', 'remote-access', 'password-vault', 'vpn', 'backup-console', 'psa', 'file-transfer', 'firewall', 'edr', 'other',
]);
export type ToolKind = z.infer<typeof ToolKind>;

/** A device, application, cloud tenant or MSP tool that someone owns. */
export const Asset = z.strictObject({
  id: AssetId,
  tenant: OrgId,
  name: z.string().min(1),
  kind: z.enum(['device', 'application', 'cloud-tenant', 'msp-tool']),
  /** For MSP tools: what the tool does. */
  toolKind: ToolKind.optional(),
  vendor: z.string().min(1).optional(),
  product: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
  /** CPE 2.3 formatted string, when known. */
  cpe: z.string().regex(/^cpe:(2\.3:|\/)/, 'must be a CPE 2.3 or 2.2 string').optional(),
  os: z.string().optional(),
  addresses: z.array(z.string().min(1)).default([]),
  hostnames: z.array(z.string().min(1)).default([]),
  internetFacing: z.boolean().default(false),
  criticality: Criticality.default('medium'),
  owner: z.string().optional(),
  /** Count of endpoints an RMM or similar tool manages (for blast-radius figures). */
  managedEndpoints: z.number().int().nonnegative().optional(),
  lastSeen: Timestamp.optional(),
  endOfLife: Timestamp.optional(),
  /** When the asset will be replaced or isolated: the plan that answers an approaching end of life. */
  replacementPlanned: Timestamp.optional(),
  tags: Tags,
});
export type Asset = z.output<typeof Asset>;

/** A service seen listening, typically from a scan. */
export const ExposedService = z.strictObject({
  id: RecordId,
  tenant: OrgId,
  asset: AssetId.optional(),
  address: z.string().min(1),
  port: z.number().int().min(0).max(65535),
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
  service: z.string().optional(),
  product: z.string().optional(),
  version: z.string().optional(),
  banner: z.string().max(4096).optional(),
  internetFacing: z.boolean().default(true),
  observedAt: Timestamp.optional(),
  source: z.string().optional(),
});
export type ExposedService = z.output<typeof ExposedService>;
