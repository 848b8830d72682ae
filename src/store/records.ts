import type { Kysely } from 'kysely';
import type { RecordKindName, RecordTypes, Scope } from '../core/index.js';
import { atomic, chunks, countAll, guarded, IN_CHUNK, readTenants, type StoreContext } from './context.js';
import { KIND_TABLES, type RecordRow, type RecordTable } from './schema.js';
import { restoreTableIndexes } from './bulk.js';

/** Options of listRecords. */
export interface ListRecordsOptions {
  tenant?: string;
  limit?: number;
  offset?: number;
}

/** Rows per page when iterating. */
const DEFAULT_PAGE = 1_000;

// Every record table has the same shape, so one typed view serves them all: queries
// name the table `records` to the type checker and the real table at run time.
type RecordDb = { records: RecordRow };
/** The kysely handle typed for record tables. */
export const recordDb = (ctx: StoreContext) => ctx.db as unknown as Kysely<RecordDb>;
/** A kind's table, under the name the typed view uses. */
export const tableOf = (kind: RecordKindName) => KIND_TABLES[kind] as RecordTable as unknown as 'records';

/** See Repository.getRecord. */
export async function getRecord<K extends RecordKindName>(
  ctx: StoreContext,
  scope: Scope,
  kind: K,
  id: string,
  tenant?: string,
): Promise<RecordTypes[K] | undefined> {
  const tenants = readTenants(scope, tenant);
  if (tenants?.length === 0) return undefined;
  const table = tableOf(kind);
  const row = await guarded(ctx, `read ${table}`, () =>
    recordDb(ctx)
      .selectFrom(table)
      .select('data')
      .where('id', '=', id)
      .$if(tenants !== undefined, (q) => q.where('tenant', 'in', tenants ?? []))
      .orderBy('tenant')
      .limit(1)
      .executeTakeFirst(),
  );
  return row ? (JSON.parse(row.data) as RecordTypes[K]) : undefined;
}

/** See Repository.listRecords. */
export async function listRecords<K extends RecordKindName>(
  ctx: StoreContext,
  scope: Scope,
  kind: K,
  options: ListRecordsOptions = {},
): Promise<RecordTypes[K][]> {
  const tenants = readTenants(scope, options.tenant);
  if (tenants?.length === 0) return [];
  const table = tableOf(kind);
  const { limit, offset } = options;
  const rows = await guarded(ctx, `list ${table}`, () =>
    recordDb(ctx)
      .selectFrom(table)
      .select('data')
      .$if(tenants !== undefined, (q) => q.where('tenant', 'in', tenants ?? []))
      .orderBy('tenant')
      .orderBy('id')
      // SQLite accepts OFFSET only after a LIMIT.
      .$if(limit !== undefined || offset !== undefined, (q) => q.limit(limit ?? Number.MAX_SAFE_INTEGER))
      .$if(offset !== undefined, (q) => q.offset(offset ?? 0))
      .execute(),
  );
  return rows.map((r) => JSON.parse(r.data) as RecordTypes[K]);
}

/** See Repository.iterateRecords. */
export async function* iterateRecords<K extends RecordKindName>(
  ctx: StoreContext,
  scope: Scope,
  kind: K,
  options: { tenant?: string; pageSize?: number } = {},
): AsyncGenerator<RecordTypes[K], void, undefined> {
  const tenants = readTenants(scope, options.tenant);
  if (tenants?.length === 0) return;
  const table = tableOf(kind);
  const pageSize = Math.max(1, options.pageSize ?? DEFAULT_PAGE);
  let after: { tenant: string; id: string } | undefined;
  for (;;) {
    const cursor = after;
    // Keyset paging on the primary key: each page is an index seek, however deep, and
    // rows inserted meanwhile neither repeat nor shift the pages.
    const page = await guarded(ctx, `iterate ${table}`, () =>
      recordDb(ctx)
        .selectFrom(table)
        .select(['tenant', 'id', 'data'])
        .$if(tenants !== undefined, (q) => q.where('tenant', 'in', tenants ?? []))
        .$if(cursor !== undefined, (q) =>
          q.where((eb) => eb(eb.refTuple('tenant', 'id'), '>', eb.tuple(cursor?.tenant ?? '', cursor?.id ?? ''))),
        )
        .orderBy('tenant')
        .orderBy('id')
        .limit(pageSize)
        .execute(),
    );
    for (const row of page) yield JSON.parse(row.data) as RecordTypes[K];
    const last = page[page.length - 1];
    if (!last || page.length < pageSize) return;
    after = { tenant: last.tenant, id: last.id };
  }
}

/** See Repository.countRecords. */
export async function countRecords(ctx: StoreContext, scope: Scope, kind: RecordKindName, tenant?: string): Promise<number> {
  const tenants = readTenants(scope, tenant);
  if (tenants?.length === 0) return 0;
  const table = tableOf(kind);
  const row = await guarded(ctx, `count ${table}`, () =>
    recordDb(ctx)
      .selectFrom(table)
      .select(countAll().as('n'))
      .$if(tenants !== undefined, (q) => q.where('tenant', 'in', tenants ?? []))
      .executeTakeFirstOrThrow(),
  );
  return Number(row.n);
}

/** See Repository.countsByTenant. */
export async function countsByTenant(
  ctx: StoreContext,
  scope: Scope,
  kind: RecordKindName,
): Promise<{ tenant: string; count: number }[]> {
  const tenants = readTenants(scope);
  if (tenants?.length === 0) return [];
  const table = tableOf(kind);
  const rows = await guarded(ctx, `count ${table}`, () =>
    recordDb(ctx)
      .selectFrom(table)
      .select(['tenant', countAll().as('n')])
      .$if(tenants !== undefined, (q) => q.where('tenant', 'in', tenants ?? []))
      .groupBy('tenant')
      .orderBy('tenant')
      .execute(),
  );
  return rows.map((r) => ({ tenant: r.tenant, count: Number(r.n) }));
}

/** See Repository.existingKeys. */
export async function existingKeys(
  ctx: StoreContext,
  scope: Scope,
  kind: RecordKindName,
  keys: readonly string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const tenants = readTenants(scope);
  if (tenants?.length === 0 || keys.length === 0) return found;
  const table = tableOf(kind);
  // Looking keys up needs the `id` index a bulk write may have dropped.
  if (ctx.raw) restoreTableIndexes(ctx.raw, ctx.tx, table);
  for (const part of chunks([...new Set(keys)], IN_CHUNK)) {
    const rows = await guarded(ctx, `look up ${table}`, () =>
      recordDb(ctx)
        .selectFrom(table)
        .select(['id', 'tenant'])
        .where('id', 'in', part)
        .$if(tenants !== undefined, (q) => q.where('tenant', 'in', tenants ?? []))
        .orderBy('id')
        .orderBy('tenant')
        .execute(),
    );
    // A key held by several tenants reports the first tenant in sort order, on both databases.
    for (const r of rows) if (!found.has(r.id)) found.set(r.id, r.tenant);
  }
  return found;
}

/** See Repository.deleteRecords. */
export async function deleteRecords(
  ctx: StoreContext,
  scope: Scope,
  kind: RecordKindName,
  ids: readonly string[],
  tenant?: string,
): Promise<number> {
  const tenants = readTenants(scope, tenant);
  if (tenants?.length === 0 || ids.length === 0) return 0;
  const table = tableOf(kind);
  return guarded(ctx, `delete from ${table}`, () =>
    atomic(ctx, async (c) => {
      let n = 0;
      for (const part of chunks([...new Set(ids)], IN_CHUNK)) {
        const result = await recordDb(c)
          .deleteFrom(table)
          .where('id', 'in', part)
          .$if(tenants !== undefined, (q) => q.where('tenant', 'in', tenants ?? []))
          .executeTakeFirst();
        n += Number(result.numDeletedRows);
      }
      return n;
    }),
  );
}
