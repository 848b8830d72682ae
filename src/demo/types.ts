import type { z } from 'zod';
import type {
  AccessGrant, Agreement, Asset, BackupJob, Exercise, ExposedService, Group, Identity, IrPlan, LogSource, Membership,
  Organization, RecordKindName, Role, Suppression,
} from '../core/index.js';

/**
 * The workspace input shape of each record kind: what a workspace file holds
 * (ISO timestamps, enums as strings, optional defaults), before the schema's
 * parse fills defaults and normalizes.
 */
export interface DemoRecordInputs {
  organization: z.input<typeof Organization>;
  identity: z.input<typeof Identity>;
  group: z.input<typeof Group>;
  membership: z.input<typeof Membership>;
  role: z.input<typeof Role>;
  grant: z.input<typeof AccessGrant>;
  asset: z.input<typeof Asset>;
  service: z.input<typeof ExposedService>;
  backup: z.input<typeof BackupJob>;
  logSource: z.input<typeof LogSource>;
  agreement: z.input<typeof Agreement>;
  irPlan: z.input<typeof IrPlan>;
  exercise: z.input<typeof Exercise>;
  suppression: z.input<typeof Suppression>;
}

/**
 * A demo workspace: one function per record kind that streams that kind's
 * records. Each call starts a fresh pass, so a kind can be read any number of
 * times and always yields the same sequence.
 */
export type DemoWorkspace = { [K in RecordKindName]: () => Iterable<DemoRecordInputs[K]> };

/** Options of the demo generator. */
export interface DemoOptions {
  /** Number of customers of the MSP (default 24). */
  customers?: number;
  /** Seed: the same (customers, seed, now) always gives the same workspace (default 1). */
  seed?: number;
  /** The instant the workspace describes; every date is relative to it (default 2026-11-01T00:00:00Z). */
  now?: Date;
}

/** Every deliberate weakness the demo plants, by stable code. */
export const FLAW_CODES = [
  'standing-global-admin',
  'legacy-dap',
  'gdap-autoextend-global-admin',
  'technician-without-mfa',
  'technician-weak-mfa',
  'shared-admin-credential',
  'departed-technician-active',
  'stale-account',
  'msp-account-in-customer-admin-group',
  'ended-agreement-standing-access',
  'notify-confirmed-only',
  'slow-incident-notification',
  'unassigned-controls',
  'short-log-retention',
  'backup-never-restore-tested',
  'ir-plan-without-msp-playbook',
  'missing-ir-plan',
  'ir-plan-not-exercised',
  'internet-facing-rdp',
  'internet-facing-smb',
  'remote-access-console-internet-facing',
  'kev-vulnerable-msp-tool',
  'kev-vulnerable-device',
  'end-of-life-software',
] as const;
/** Stable code of one kind of planted weakness. */
export type FlawCode = (typeof FLAW_CODES)[number];

/** One planted weakness: what it is, whose it is, and the record that shows it. */
export interface DemoFlaw {
  flaw: FlawCode;
  /** Organization the weakness belongs to (the MSP or a customer). */
  tenant: string;
  /** The record that carries it: a record kind name and its natural key. */
  subject: { kind: RecordKindName; id: string };
  description: string;
}
