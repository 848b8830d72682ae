import { z } from 'zod';
import { ControlId, OrgId, RecordId } from '../ids.js';
import { Duty, Severity } from './common.js';
import { Timestamp } from '../time.js';

/** What a finding or alert is about. */
export const Subject = z.strictObject({ kind: z.string().min(1), id: z.string().min(1), name: z.string().optional() });

/**
 * A finding: an engine's verdict that a control is not met, with evidence.
 * Its id is deterministic (engine + control + subject), so re-running an engine
 * updates findings instead of piling up copies.
 */
export const Finding = z.strictObject({
  id: RecordId,
  tenant: OrgId,
  control: ControlId,
  engine: z.string().min(1),
  severity: Severity,
  duty: Duty,
  title: z.string().min(1),
  detail: z.string().default(''),
  subject: Subject,
  evidence: z.record(z.string(), z.unknown()).default({}),
  status: z.enum(['open', 'resolved', 'suppressed']).default('open'),
  firstSeen: Timestamp,
  lastSeen: Timestamp,
});
export type Finding = z.output<typeof Finding>;

/** An alert from the streaming detectors. */
export const Alert = z.strictObject({
  id: RecordId,
  tenant: OrgId,
  detector: z.string().min(1),
  severity: Severity,
  controls: z.array(ControlId).min(1),
  title: z.string().min(1),
  entities: z.record(z.string(), z.array(z.string())).default({}),
  firstSeen: Timestamp,
  lastSeen: Timestamp,
  count: z.number().int().nonnegative(),
  evidence: z.array(z.strictObject({ file: z.string(), line: z.number().int().positive(), raw: z.string() })).default([]),
});
export type Alert = z.output<typeof Alert>;

/** One entry of the tamper-evident audit log: each entry hashes the previous one. */
export const AuditEntry = z.strictObject({
  seq: z.number().int().positive(),
  at: Timestamp,
  actor: z.string().min(1),
  action: z.string().min(1),
  tenant: OrgId.optional(),
  target: z.string().optional(),
  details: z.record(z.string(), z.unknown()).default({}),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.output<typeof AuditEntry>;
