import { z } from 'zod';
import { AssetId, OrgId, RecordId } from '../ids.js';
import { Assignee, Tags } from './common.js';
import { Timestamp } from '../time.js';

/** A backup job and what it protects. */
export const BackupJob = z.strictObject({
  id: RecordId,
  tenant: OrgId,
  name: z.string().min(1),
  assets: z.array(AssetId).default([]),
  tool: z.string().optional(),
  frequencyHours: z.number().positive(),
  rpoHours: z.number().positive().optional(),
  rtoHours: z.number().positive().optional(),
  lastSuccess: Timestamp.optional(),
  lastRestoreTest: Timestamp.optional(),
  /** Hours the last restore test took, to compare with the RTO. */
  restoreTestHours: z.number().nonnegative().optional(),
  immutable: z.boolean().default(false),
  offline: z.boolean().default(false),
  isolated: z.boolean().default(false),
  /** Encryption keys held apart from the production environment. */
  keysSeparate: z.boolean().default(false),
  /** Backup console credentials also used by production admins. */
  credentialsShared: z.boolean().default(false),
  tags: Tags,
});
export type BackupJob = z.output<typeof BackupJob>;

export const LogKind = z.enum([
  'authentication', 'directory-audit', 'cloud-audit', 'rmm', 'remote-access', 'vpn', 'firewall', 'edr', 'email', 'dns',
  'endpoint', 'backup', 'application', 'other',
]);

/** A source of logs and how long they are kept. */
export const LogSource = z.strictObject({
  id: RecordId,
  tenant: OrgId,
  name: z.string().min(1),
  kind: LogKind,
  retentionDays: z.number().int().nonnegative(),
  /** Collected into a central store / SIEM. */
  centralized: z.boolean().default(false),
  /** Logs MSP delivery infrastructure (RMM, remote access, VPN). */
  mspInfrastructure: z.boolean().default(false),
  /** The customer can read these logs (MSP activity visible to the customer). */
  customerVisible: z.boolean().default(false),
  asset: AssetId.optional(),
  tags: Tags,
});
export type LogSource = z.output<typeof LogSource>;

/**
 * A contract between an MSP and a customer: services in and out of scope, who
 * owns each control, incident notification and recovery terms.
 */
export const Agreement = z.strictObject({
  id: RecordId,
  tenant: OrgId,
  msp: OrgId,
  title: z.string().min(1),
  start: Timestamp.optional(),
  end: Timestamp.optional(),
  servicesInScope: z.array(z.string().min(1)).default([]),
  servicesOutOfScope: z.array(z.string().min(1)).default([]),
  /** Responsibility matrix: control id → who owns it. */
  responsibilities: z.record(z.string(), Assignee).default({}),
  /** Incident notification covers suspected, not only confirmed, incidents. */
  notifySuspected: z.boolean().default(false),
  notifyWithinHours: z.number().positive().optional(),
  rpoHours: z.number().positive().optional(),
  rtoHours: z.number().positive().optional(),
  tags: Tags,
});
export type Agreement = z.output<typeof Agreement>;

/** An incident response plan of one organization. */
export const IrPlan = z.strictObject({
  id: RecordId,
  tenant: OrgId,
  title: z.string().min(1),
  executive: z.string().optional(),
  technicalLead: z.string().optional(),
  procurement: z.string().optional(),
  mspCompromisePlaybook: z.boolean().default(false),
  hardCopy: z.boolean().default(false),
  updated: Timestamp.optional(),
  tags: Tags,
});
export type IrPlan = z.output<typeof IrPlan>;

/** A tabletop or live exercise of a plan. */
export const Exercise = z.strictObject({
  id: RecordId,
  tenant: OrgId,
  plan: RecordId.optional(),
  date: Timestamp,
  kind: z.enum(['tabletop', 'live', 'walkthrough']).default('tabletop'),
  scenario: z.string().optional(),
  afterActionReport: z.boolean().default(false),
  tags: Tags,
});
export type Exercise = z.output<typeof Exercise>;

/**
 * A decision to accept a risk for a while: findings of the tenant that match
 * (control, subject, CVE — each optional, all given must match) are marked
 * suppressed until `expires`, with the reason kept beside them. An expired
 * suppression no longer applies, so accepted risks come back for review.
 */
export const Suppression = z.strictObject({
  id: RecordId,
  tenant: OrgId,
  control: z.string().regex(/^hg\.ctl\.[a-z0-9-]+\.[a-z0-9-]+$/, 'must be a control id').optional(),
  /** The finding subject's id (an asset, identity, grant ...). */
  subject: z.string().min(1).optional(),
  cve: z.string().regex(/^CVE-\d{4}-\d{4,}$/, 'must look like CVE-2024-1709').optional(),
  reason: z.string().min(1),
  expires: Timestamp,
  by: z.string().optional(),
});
export type Suppression = z.output<typeof Suppression>;
