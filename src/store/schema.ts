import type { Generated } from 'kysely';
import type { RecordKindName, Severity } from '../core/index.js';

/**
 * One row of a record table. Records are stored whole as JSON (`data`), keyed
 * by their tenant and natural key: the model is validated by zod before it gets
 * here, so the database does not repeat the model's columns.
 */
export interface RecordRow {
  tenant: string;
  /** The kind's natural key (`RecordKind.key`). */
  id: string;
  /** JSON of the validated record. */
  data: string;
  /** When `data` last changed (ISO 8601 UTC). */
  updated_at: string;
}

/** One row of `findings`. The lifecycle columns (status, first/last seen) win over `data`. */
export interface FindingRow {
  id: string;
  tenant: string;
  control: string;
  /** Area slug of the control (`mfa`, `backups`, ...). */
  area: string;
  engine: string;
  severity: Severity;
  /** critical=4, high=3, medium=2, low=1, info=0: sortable and filterable. */
  severity_rank: number;
  status: 'open' | 'resolved' | 'suppressed';
  subject_kind: string;
  subject_id: string;
  title: string;
  /** JSON of the whole Finding as the engine reported it. */
  data: string;
  first_seen: string;
  last_seen: string;
}

/** One row of `alerts`. The merge columns (first/last seen, count) win over `data`. */
export interface AlertRow {
  id: string;
  tenant: string;
  detector: string;
  severity: Severity;
  severity_rank: number;
  first_seen: string;
  last_seen: string;
  count: number;
  data: string;
}

/** One row of the hash-chained `audit_log`. */
export interface AuditRow {
  /** Assigned by the repository (last + 1) under a lock, so the chain has no gaps. */
  seq: Generated<number | string>;
  at: string;
  actor: string;
  action: string;
  tenant: string | null;
  target: string | null;
  /** JSON object. */
  details: string;
  prev_hash: string;
  hash: string;
}

/** One row of `import_runs`. */
export interface ImportRunRow {
  id: string;
  started_at: string;
  finished_at: string | null;
  source: string;
  actor: string;
  /** JSON object of counters (records per kind, rejected lines, ...). */
  counts: string;
}

/** Table name of each record kind. */
export const KIND_TABLES = {
  organization: 'organizations',
  identity: 'identities',
  group: 'groups',
  membership: 'memberships',
  role: 'roles',
  grant: 'grants',
  asset: 'assets',
  service: 'services',
  backup: 'backups',
  logSource: 'log_sources',
  agreement: 'agreements',
  irPlan: 'ir_plans',
  exercise: 'exercises',
  suppression: 'suppressions',
} as const satisfies Record<RecordKindName, string>;

/** The name of a record table. */
export type RecordTable = (typeof KIND_TABLES)[RecordKindName];

/** The whole database, as kysely sees it. */
export type Schema = { [T in RecordTable]: RecordRow } & {
  findings: FindingRow;
  alerts: AlertRow;
  audit_log: AuditRow;
  import_runs: ImportRunRow;
};

/** Severity as a number, so that "at least high" is one comparison in SQL. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

/** The two databases Hubguard runs on. */
export type Dialect = 'sqlite' | 'postgres';
