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

/**
 * Brings the schema up to date. Idempotent: applied migrations are recorded in
 * `kysely_migration`, and kysely takes a lock (an advisory lock on PostgreSQL)
 * so that two processes opening the same database do not race.
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: Dialect): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(dialect) });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new HubguardError('HG_ERR_DB', `migration ${failed} failed: ${reason}`, undefined, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of all migrations this build knows, in order. */
export const migrationNames = (): string[] => Object.keys(MIGRATIONS);
