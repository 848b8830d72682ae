import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { allTenants } from '../core/index.js';
import { openDatabase, type Database } from './db.js';
import { Repository } from './repository.js';
import { migrateSchema, planSchemaChange, schemaStatus } from './schema-state.js';
import { onPostgres } from './test-support/postgres.js';

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
];

/** The tables and secondary indexes each migration adds. */
const STEPS = [
  {
    name: '0001-initial',
    tables: [...RECORD_TABLES, 'findings', 'alerts', 'audit_log', 'import_runs'],
    indexes: [
      ...RECORD_TABLES.map((t) => `${t}_id_idx`),
      'findings_status_rank_idx',
      'findings_engine_idx',
      'findings_area_idx',
      'findings_control_idx',
      'findings_subject_idx',
      'alerts_detector_idx',
      'alerts_rank_idx',
      'audit_log_tenant_idx',
      'import_runs_started_idx',
    ],
  },
  { name: '0002-feeds', tables: ['feeds', 'feed_kev', 'feed_epss', 'feed_nvd', 'feed_cve5'], indexes: ['feed_kev_product_idx'] },
  { name: '0003-suppressions', tables: ['suppressions'], indexes: ['suppressions_id_idx'] },
];

/** What the schema holds after the first `applied` migrations. */
const expected = (applied: number) => ({
  tables: STEPS.slice(0, applied).flatMap((s) => s.tables).sort(),
  indexes: STEPS.slice(0, applied).flatMap((s) => s.indexes).sort(),
});

/** Hubguard's tables and `_idx` indexes as they are in the database. */
async function schemaOf(database: Database): Promise<{ tables: string[]; indexes: string[] }> {
  const tables = (await database.db.introspection.getTables()).map((t) => t.name).sort();
  const indexes =
    database.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'index' and name like '%\_idx' escape '\\'`.execute(database.db)
      : await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and indexname like '%\_idx'`.execute(database.db);
  return { tables, indexes: indexes.rows.map((r) => r.name).sort() };
}

const ROW = { data: '{}', updated_at: '2026-01-01T00:00:00.000Z' };

/** Up, down step by step, and up again, on any database. `open` opens the same (migrated) database each time. */
function migrationsContract(label: string, open: () => Promise<Database>): void {
  describe(`schema migrations on ${label}`, () => {
    it('goes down one step at a time and up again, each step leaving exactly its tables and indexes', async () => {
      const database = await open();
      try {
        const names = STEPS.map((s) => s.name);
        expect(await schemaOf(database)).toEqual(expected(3));
        expect((await schemaStatus(database)).current).toBe('0003-suppressions');

        for (let applied = 3; applied > 0; applied--) {
          const change = await migrateSchema(database, { down: 1 });
          expect(change).toEqual({ direction: 'down', from: names[applied - 1], to: names[applied - 2] ?? null, ran: [names[applied - 1]] });
          expect(await schemaOf(database)).toEqual(expected(applied - 1));
          const status = await schemaStatus(database);
          expect(status.current).toBe(names[applied - 2] ?? null);
          expect(status.pending).toEqual(names.slice(applied - 1));
        }
        expect(await migrateSchema(database, { down: 1 })).toEqual({ direction: 'none', from: null, to: null, ran: [] });

        expect(await migrateSchema(database, { to: '0002-feeds' })).toEqual({ direction: 'up', from: null, to: '0002-feeds', ran: ['0001-initial', '0002-feeds'] });
        expect(await schemaOf(database)).toEqual(expected(2));
        expect(await migrateSchema(database, { latest: true })).toEqual({ direction: 'up', from: '0002-feeds', to: '0003-suppressions', ran: ['0003-suppressions'] });
        expect(await schemaOf(database)).toEqual(expected(3));
        expect(await migrateSchema(database, { latest: true })).toMatchObject({ direction: 'none', ran: [] });

        const status = await schemaStatus(database);
        expect(status.pending).toEqual([]);
        expect(status.migrations.every((m) => m.appliedAt !== undefined && !Number.isNaN(Date.parse(m.appliedAt)))).toBe(true);
      } finally {
        await database.close();
      }
    });

    it('keeps the data of tables a down does not touch', async () => {
      const database = await open();
      try {
        const db = database.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
        const repo = new Repository(database);
        await db.insertInto('organizations').values({ tenant: 'acme', id: 'acme', ...ROW }).execute();
        await db.insertInto('suppressions').values({ tenant: 'acme', id: 's1', ...ROW }).execute();
        await db
          .insertInto('feeds')
          .values({ name: 'kev', version: '1', feed_date: '2026-01-01', source: 'x', format: 'json', imported_at: ROW.updated_at, count: 0, meta: '{}' })
          .execute();
        await repo.appendAudit({ at: ROW.updated_at, actor: 'test', action: 'before' });

        expect(await migrateSchema(database, { to: '0001-initial' })).toMatchObject({ direction: 'down', ran: ['0003-suppressions', '0002-feeds'] });
        expect(await db.selectFrom('organizations').select('id').execute()).toEqual([{ id: 'acme' }]);
        await migrateSchema(database, { latest: true });
        expect(await db.selectFrom('organizations').select('id').execute()).toEqual([{ id: 'acme' }]);
        expect(await db.selectFrom('suppressions').select('id').execute()).toEqual([]);
        expect(await db.selectFrom('feeds').select('name').execute()).toEqual([]);
        expect(await repo.verifyAudit(allTenants('test'))).toMatchObject({ ok: true, entries: 1 });
      } finally {
        await database.close();
      }
    });

    it('undoes a migration whose tables are already gone (downs are idempotent)', async () => {
      const database = await open();
      try {
        await database.db.schema.dropTable('suppressions').execute();
        expect(await migrateSchema(database, { down: 1 })).toMatchObject({ ran: ['0003-suppressions'] });
        expect(await schemaOf(database)).toEqual(expected(2));
        await migrateSchema(database, { latest: true });
      } finally {
        await database.close();
      }
    });

    it('refuses a database migrated by a newer Hubguard, naming the unknown migration', async () => {
      const database = await open();
      try {
        const db = database.db as unknown as Kysely<{ kysely_migration: { name: string; timestamp: string } }>;
        await db.insertInto('kysely_migration').values({ name: '9999-future', timestamp: new Date().toISOString() }).execute();
        const status = await schemaStatus(database);
        expect(status).toMatchObject({ current: '9999-future', unknown: ['9999-future'], pending: [] });
        await expect(migrateSchema(database, { latest: true })).rejects.toMatchObject({
          code: 'HG_ERR_DB',
          message: expect.stringContaining(`cannot migrate ${database.where}: the database has migration 9999-future, which this Hubguard does not know (a newer release migrated it)`),
        });
        const again = await open().catch((e: unknown) => e);
        expect(again).toMatchObject({ code: 'HG_ERR_DB', message: expect.stringContaining('9999-future, which this Hubguard does not know') });
        await db.deleteFrom('kysely_migration').where('name', '=', '9999-future').execute();
      } finally {
        await database.close();
      }
    });
  });
}

describe('planSchemaChange', () => {
  const status = {
    where: 'x.db',
    migrations: [{ name: '0001-initial', appliedAt: '2026-01-01T00:00:00.000Z' }, { name: '0002-feeds' }],
    current: '0001-initial',
    latest: '0002-feeds',
    pending: ['0002-feeds'],
    unknown: [],
  };

  it('rejects an unknown migration name as a usage error listing the names', () => {
    expect(() => planSchemaChange(status, { to: '0007-nope' })).toThrow(/unknown migration "0007-nope": use one of 0001-initial, 0002-feeds/);
  });

  it('plans without running', () => {
    expect(planSchemaChange(status, { latest: true })).toEqual({ direction: 'up', from: '0001-initial', to: '0002-feeds', ran: ['0002-feeds'] });
    expect(planSchemaChange(status, { down: 1 })).toEqual({ direction: 'down', from: '0001-initial', to: null, ran: ['0001-initial'] });
    expect(planSchemaChange(status, { to: '0001-initial' })).toEqual({ direction: 'none', from: '0001-initial', to: '0001-initial', ran: [] });
  });
});

const dir = mkdtempSync(join(tmpdir(), 'hubguard-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

migrationsContract('SQLite', () => openDatabase(`sqlite:${join(dir, 'schema.db')}`));
onPostgres('hubguard_schema_test', (open) => migrationsContract('PostgreSQL', open));

describe('openDatabase({ migrate: false })', () => {
  it('leaves a new database without Hubguard schema', async () => {
    const database = await openDatabase(':memory:', { migrate: false });
    try {
      expect(await schemaOf(database)).toEqual({ tables: [], indexes: [] });
      const status = await schemaStatus(database);
      expect(status).toMatchObject({ current: null, latest: '0003-suppressions', pending: ['0001-initial', '0002-feeds', '0003-suppressions'], unknown: [] });
    } finally {
      await database.close();
    }
  });
});
