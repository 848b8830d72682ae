import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../schema.js';

/**
 * The local vulnerability feed store: KEV, EPSS, NVD CVE configurations and
 * CVE JSON 5 (CISA ADP SSVC) data. These tables hold public, global data and
 * have no tenant column on purpose: a CVE's KEV entry or EPSS score is the
 * same for every customer, and nothing in them is any tenant's information.
 * Per-tenant results (findings) reference CVE ids and stay tenant-scoped.
 * Every statement is `if not exists`, as in 0001.
 */
const FEED_TABLES = ['feeds', 'feed_kev', 'feed_epss', 'feed_nvd', 'feed_cve5'] as const;

export function feedsMigration(dialect: Dialect): Migration {
  const float = dialect === 'postgres' ? 'double precision' : 'real';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('feeds')
        .ifNotExists()
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('feed_date', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('imported_at', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('meta', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('feed_kev')
        .ifNotExists()
        .addColumn('cve', 'text', (c) => c.primaryKey())
        .addColumn('vendor', 'text', (c) => c.notNull())
        .addColumn('product', 'text', (c) => c.notNull())
        .addColumn('date_added', 'text', (c) => c.notNull())
        .addColumn('due_date', 'text', (c) => c.notNull())
        .addColumn('ransomware', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('feed_kev_product_idx').ifNotExists().on('feed_kev').columns(['vendor', 'product']).execute();

      await db.schema
        .createTable('feed_epss')
        .ifNotExists()
        .addColumn('cve', 'text', (c) => c.primaryKey())
        .addColumn('epss', float, (c) => c.notNull())
        .addColumn('percentile', float, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('feed_nvd')
        .ifNotExists()
        .addColumn('cve', 'text', (c) => c.primaryKey())
        .addColumn('published', 'text')
        .addColumn('last_modified', 'text')
        .addColumn('configurations', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('feed_cve5')
        .ifNotExists()
        .addColumn('cve', 'text', (c) => c.primaryKey())
        .addColumn('automatable', 'text')
        .addColumn('technical_impact', 'text')
        .addColumn('exploitation', 'text')
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
    },
    /**
     * Drops what `up` created, the index first, then the tables last created
     * first (there are no foreign keys). The feed data is lost: the bundled KEV snapshot and NVD excerpt load again on
     * first use, anything else needs `hubguard feeds import` or `feeds update`.
     */
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('feed_kev_product_idx').ifExists().execute();
      for (const table of [...FEED_TABLES].reverse()) await db.schema.dropTable(table).ifExists().execute();
    },
  };
}
