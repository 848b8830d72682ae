import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { HubguardError } from '../../core/index.js';
import type { Dialect } from '../schema.js';
import { initialMigration } from './0001-initial.js';
import { feedsMigration } from './0002-feeds.js';
import { suppressionsMigration } from './0003-suppressions.js';

/**
 * Every migration, imported statically so that a bundled or compiled Hubguard
 * needs no migration folder on disk. Names sort in the order they apply; never
 * rename or edit one that has shipped — add a new one.
 */
const MIGRATIONS: Readonly<Record<string, (dialect: Dialect) => Migration>> = {
  '0001-initial': initialMigration,
  '0002-feeds': feedsMigration,
  '0003-suppressions': suppressionsMigration,
};

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(Object.fromEntries(Object.entries(MIGRATIONS).map(([name, m]) => [name, m(this.dialect)])));
  }
}

/** A kysely Migrator over Hubguard's migrations (applied ones are recorded in `kysely_migration`). */
export function createMigrator(db: Kysely<unknown>, dialect: Dialect): Migrator {
  return new Migrator({ db, provider: new StaticMigrationProvider(dialect) });
}

/**
 * The reason of a failed migration run, in words an operator can act on: a
 * database migrated by a newer Hubguard has migrations this build does not know.
 */
export function migrationFailureReason(error: unknown, describe: (e: unknown) => string): string {
  const reason = describe(error);
  const unknown = /previously executed migration (\S+) is missing/.exec(reason)?.[1];
  return unknown ? newerSchemaReason(unknown) : reason;
}

/** Why a database that has migration `unknown`, which this build does not know, cannot be used or migrated. */
export function newerSchemaReason(unknown: string): string {
  const last = migrationNames().at(-1) ?? '';
  return (
    `the database has migration ${unknown}, which this Hubguard does not know (a newer release migrated it): ` +
    `use that release, or roll back with its \`hubguard db migrate --to ${last}\` first`
  );
}

/**
 * Brings the schema up to date. Idempotent: applied migrations are recorded in
 * `kysely_migration`, and kysely takes a lock (an advisory lock on PostgreSQL)
 * so that two processes opening the same database do not race.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const result: MigrationResultSet = await createMigrator(db, dialect).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = migrationFailureReason(result.error, (e) => (e instanceof Error ? e.message : String(e)));
    if (!failed) throw new HubguardError('HG_ERR_DB', reason, undefined, { cause: result.error });
    throw new HubguardError('HG_ERR_DB', `migration ${failed} failed: ${reason}`, undefined, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of all migrations this build knows, in order. */
export const migrationNames = (): string[] => Object.keys(MIGRATIONS);
