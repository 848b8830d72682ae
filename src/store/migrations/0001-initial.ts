import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../schema.js';

/**
 * The record tables of the first schema. Frozen here rather than read from
 * KIND_TABLES: a kind added later gets its own migration (0003 creates
 * `suppressions`), so that each migration creates and drops the same tables
 * whatever kinds the model has today.
 */
const RECORD_TABLES = [
  'organizations',
  'identities',
  'groups',
  'memberships',
  'roles',
  'grants',
  'assets',
  'services',
  'backups',
  'log_sources',
  'agreements',
  'ir_plans',
  'exercises',
] as const;

/** The other tables of the first schema, in the order `up` creates them. */
const OTHER_TABLES = ['findings', 'alerts', 'audit_log', 'import_runs'] as const;

/**
 * The first schema: one table per record kind, findings, alerts, the audit log
 * and import runs. Every statement is `if not exists` because SQLite runs DDL
 * outside a transaction: a crash half-way must not make the next open fail.
 */
export function initialMigration(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const table of RECORD_TABLES) {
        await db.schema
          .createTable(table)
          .ifNotExists()
          .addColumn('tenant', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint(`${table}_pk`, ['tenant', 'id'])
          .execute();
        // Importers resolve references by key alone (existingKeys), across tenants.
        await db.schema.createIndex(`${table}_id_idx`).ifNotExists().on(table).column('id').execute();
      }

      await db.schema
        .createTable('findings')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('control', 'text', (c) => c.notNull())
        .addColumn('area', 'text', (c) => c.notNull())
        .addColumn('engine', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('severity_rank', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('subject_kind', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('findings_pk', ['tenant', 'id'])
        .execute();
      const findingIndexes: Record<string, string[]> = {
        findings_status_rank_idx: ['status', 'severity_rank'],
        findings_engine_idx: ['engine', 'status', 'tenant'],
        findings_area_idx: ['area', 'status'],
        findings_control_idx: ['control'],
        findings_subject_idx: ['subject_kind', 'subject_id'],
      };
      for (const [name, columns] of Object.entries(findingIndexes)) {
        await db.schema.createIndex(name).ifNotExists().on('findings').columns(columns).execute();
      }

      await db.schema
        .createTable('alerts')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('detector', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('severity_rank', 'integer', (c) => c.notNull())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('alerts_pk', ['tenant', 'id'])
        .execute();
      await db.schema.createIndex('alerts_detector_idx').ifNotExists().on('alerts').columns(['detector']).execute();
      await db.schema.createIndex('alerts_rank_idx').ifNotExists().on('alerts').columns(['severity_rank', 'last_seen']).execute();

      await db.schema
        .createTable('audit_log')
        .ifNotExists()
        .$call((t) =>
          dialect === 'postgres'
            ? t.addColumn('seq', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
            : t.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement()),
        )
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('tenant', 'text')
        .addColumn('target', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_tenant_idx').ifNotExists().on('audit_log').columns(['tenant', 'seq']).execute();

      await db.schema
        .createTable('import_runs')
        .ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('counts', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('import_runs_started_idx').ifNotExists().on('import_runs').column('started_at').execute();
    },
    /**
     * Drops every table of the first schema, last created first (there are no
     * foreign keys; indexes go with their tables). This removes all of
     * Hubguard's workspace data, findings, alerts, import runs and the audit log
     * itself: nothing of it comes back by migrating up again.
     */
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [...RECORD_TABLES, ...OTHER_TABLES].reverse()) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
