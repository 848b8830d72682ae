import type { Kysely, MigrationResultSet, Migrator } from 'kysely';
import { HubguardError } from '../core/index.js';
import { describeError, type Database } from './db.js';
import { createMigrator, migrationFailureReason, migrationNames, newerSchemaReason } from './migrations/index.js';

/** One migration this Hubguard knows, and when it was applied to the database (ISO 8601), if it was. */
export interface MigrationState {
  name: string;
  appliedAt?: string;
}

/** Where a database's schema stands against the migrations of this Hubguard. */
export interface SchemaStatus {
  /** The database (file path or `host:port/database`), never a password. */
  where: string;
  /** Every migration this Hubguard knows, in order. */
  migrations: MigrationState[];
  /** The last applied migration, or null for a database without Hubguard's schema. */
  current: string | null;
  /** The last migration this Hubguard knows. */
  latest: string;
  /** Migrations not applied yet, in the order they would run. */
  pending: string[];
  /** Applied migrations this Hubguard does not know: a newer release migrated the database. */
  unknown: string[];
}

/** Where to take the schema: the latest migration, one step down, or a named migration (up or down). */
export type SchemaTarget = { latest: true } | { down: 1 } | { to: string };

/**
 * What a migration run did (or, from planSchemaChange, would do). `ran` lists
 * the migrations applied (up) or undone (down), in the order they run.
 */
export interface SchemaChange {
  direction: 'up' | 'down' | 'none';
  from: string | null;
  to: string | null;
  ran: string[];
}

const MIGRATION_TABLE = 'kysely_migration';

/**
 * Reads the schema state of an open database (open it with `{ migrate: false }`
 * to see it as it is).
 *
 * @throws HubguardError HG_ERR_DB naming the database when it cannot be read.
 */
export async function schemaStatus(database: Database): Promise<SchemaStatus> {
  const db = database.db as unknown as Kysely<unknown>;
  try {
    const infos = await createMigrator(db, database.dialect).getMigrations();
    const migrations = infos.map((m): MigrationState => (m.executedAt ? { name: m.name, appliedAt: m.executedAt.toISOString() } : { name: m.name }));
    const applied = migrations.filter((m) => m.appliedAt !== undefined).map((m) => m.name);
    const known = new Set(migrationNames());
    const unknown = (await appliedNames(database)).filter((n) => !known.has(n)).sort();
    return {
      where: database.where,
      migrations,
      current: unknown.at(-1) ?? applied.at(-1) ?? null,
      latest: migrationNames().at(-1) ?? '',
      pending: migrations.filter((m) => m.appliedAt === undefined).map((m) => m.name),
      unknown,
    };
  } catch (e) {
    throw new HubguardError('HG_ERR_DB', `cannot read the schema state of ${database.where}: ${describeError(e)}`, undefined, { cause: e });
  }
}

/** Names recorded in the migration table, known or not (none when the table does not exist yet). */
async function appliedNames(database: Database): Promise<string[]> {
  const tables = await database.db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === MIGRATION_TABLE)) return [];
  const db = database.db as unknown as Kysely<Record<typeof MIGRATION_TABLE, { name: string }>>;
  return (await db.selectFrom(MIGRATION_TABLE).select('name').execute()).map((r) => r.name);
}

/**
 * Returns `name` when it is one of this Hubguard's migrations.
 *
 * @throws HubguardError HG_ERR_USAGE listing the names otherwise.
 */
export function checkMigrationName(name: string, names: readonly string[] = migrationNames()): string {
  if (!names.includes(name)) throw new HubguardError('HG_ERR_USAGE', `unknown migration "${name}": use one of ${names.join(', ')}`);
  return name;
}

/**
 * What migrating `status` to `target` would do, without doing it.
 *
 * @throws HubguardError HG_ERR_USAGE for a migration name this Hubguard does not
 *   know (the message lists the names); HG_ERR_DB when the database has
 *   migrations this Hubguard does not know.
 */
export function planSchemaChange(status: SchemaStatus, target: SchemaTarget): SchemaChange {
  const names = status.migrations.map((m) => m.name);
  if ('to' in target) checkMigrationName(target.to, names);
  const newest = status.unknown.at(-1);
  if (newest) throw new HubguardError('HG_ERR_DB', `cannot migrate ${status.where}: ${newerSchemaReason(newest)}`);
  const applied = status.migrations.filter((m) => m.appliedAt !== undefined).map((m) => m.name);
  const from = status.current;
  // The index of the migration to end at; -1 is the empty schema.
  const index = 'to' in target ? names.indexOf(target.to) : 'down' in target ? Math.max(applied.length - 2, -1) : names.length - 1;
  if (index + 1 < applied.length) {
    const undone = applied.slice(index + 1).reverse();
    return { direction: 'down', from, to: names[index] ?? null, ran: undone };
  }
  const applying = names.slice(applied.length, index + 1);
  return applying.length ? { direction: 'up', from, to: names[index] ?? null, ran: applying } : { direction: 'none', from, to: from, ran: [] };
}

/**
 * Migrates the schema of an open database to `target` and returns what ran. On
 * PostgreSQL a run is one transaction: a failure leaves the schema as it was.
 * SQLite runs DDL outside transactions, so a failure keeps the migrations that
 * completed before it (every statement is idempotent: running again resumes).
 *
 * @throws HubguardError HG_ERR_USAGE for an unknown migration name; HG_ERR_DB
 *   naming the database and the failed migration when a migration fails.
 */
export async function migrateSchema(database: Database, target: SchemaTarget): Promise<SchemaChange> {
  const plan = planSchemaChange(await schemaStatus(database), target);
  if (plan.direction === 'none') return plan;
  const migrator = createMigrator(database.db as unknown as Kysely<unknown>, database.dialect);
  const result = await run(migrator, target);
  const ran = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const what = failed ? `migration ${failed} (${plan.direction}) failed` : `migrating ${plan.direction} failed`;
    throw new HubguardError('HG_ERR_DB', `cannot migrate ${database.where}: ${what}: ${migrationFailureReason(result.error, describeError)}`, undefined, {
      cause: result.error,
    });
  }
  return { ...plan, ran };
}

function run(migrator: Migrator, target: SchemaTarget): Promise<MigrationResultSet> {
  if ('to' in target) return migrator.migrateTo(target.to);
  if ('down' in target) return migrator.migrateDown();
  return migrator.migrateToLatest();
}
