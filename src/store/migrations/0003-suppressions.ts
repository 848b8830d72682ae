import type { Kysely, Migration } from 'kysely';

/** The record table of suppressions (accepted risks with an expiry), shaped like every record table. */
export function suppressionsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('suppressions')
        .ifNotExists()
        .addColumn('tenant', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('suppressions_pk', ['tenant', 'id'])
        .execute();
      await db.schema.createIndex('suppressions_id_idx').ifNotExists().on('suppressions').column('id').execute();
    },
    /**
     * Drops the table with its index. The suppression records (accepted risks) are
     * lost and cannot be restored by migrating up again: import them again. The
     * findings they covered stay `suppressed` until their engine runs again.
     */
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('suppressions_id_idx').ifExists().execute();
      await db.schema.dropTable('suppressions').ifExists().execute();
    },
  };
}
