import { AsyncLocalStorage } from 'node:async_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { assertInScope, HubguardError, type Clock, type Scope } from '../core/index.js';
import type { Database } from './db.js';
import { describeError } from './db.js';
import type { Dialect, Schema } from './schema.js';
import { bulkJournal, restoreIndexes } from './bulk.js';

/**
 * A level of a transaction (the transaction itself, or one savepoint in it).
 * Operations started at one level run one after another: savepoints must nest
 * strictly, and a sibling's rollback must not take another call's writes with it.
 */
interface Frame {
  tail: Promise<void>;
}

/** State of one open transaction, shared by every repository bound to it. */
export interface TxState {
  /** Set when the transaction committed or rolled back: a leaked repository must not write outside it. */
  done: boolean;
  /** Counter for nested savepoint names. */
  savepoints: number;
  /** The transaction's top level. */
  root: Frame;
  /** SQLite bulk writes of this transaction, per table (see bulk.ts). */
  bulk?: Map<string, BulkTable>;
}

/** Rows written to one table in a transaction, and the secondary indexes dropped until it commits. */
export interface BulkTable {
  /** Rows the table held (its largest rowid) when the transaction first wrote to it. */
  before: number;
  written: number;
  /** `create index` statements of the indexes dropped, to run again before commit. */
  dropped?: string[];
}

/**
 * What the store functions run against: the root database, or one transaction
 * of it. Internal to src/store; callers use `Repository`.
 */
export interface StoreContext {
  readonly database: Database;
  /** The root kysely instance, or the transaction's. */
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  readonly raw?: BetterSqlite3.Database;
  readonly tx?: TxState;
  readonly clock: Clock;
}

/**
 * The tenants a read may see: `undefined` means every tenant. An explicit
 * tenant outside the scope is refused rather than silently read as empty, so a
 * route that asks for the wrong tenant fails loudly.
 */
export function readTenants(scope: Scope, tenant?: string): readonly string[] | undefined {
  if (tenant !== undefined) {
    assertInScope(scope, tenant);
    return [tenant];
  }
  return scope.kind === 'all' ? undefined : scope.tenants;
}

/** Splits a list into chunks of at most `size` items. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Keys per `IN (...)` list. SQLite allows 32,766 parameters per statement and
 * PostgreSQL 65,535; a few hundred keeps statements small and leaves room for
 * the scope's tenant list in the same query.
 */
export const IN_CHUNK = 500;

/** The transaction, and the level of it, that the current async call chain runs in. */
const activeTx = new AsyncLocalStorage<{ database: Database; state: TxState; frame: Frame }>();

/**
 * Inside a transaction, runs `fn` after every operation started earlier at the
 * same level, and gives it a fresh level of its own for what it starts (so an
 * operation that nests another does not wait for itself). Outside one, runs it.
 * Callers may then use Promise.all inside a transaction: the single connection
 * runs statements one at a time anyway, so nothing is lost.
 */
async function serialized<T>(ctx: StoreContext, fn: () => Promise<T>): Promise<T> {
  const tx = ctx.tx;
  if (!tx) return fn();
  const active = activeTx.getStore();
  const frame = active?.state === tx ? active.frame : tx.root;
  const previous = frame.tail;
  let release!: () => void;
  frame.tail = new Promise<void>((resolve) => (release = resolve));
  await previous;
  try {
    checkOpen(ctx);
    return await activeTx.run({ database: ctx.database, state: tx, frame: { tail: Promise.resolve() } }, fn);
  } finally {
    release();
  }
}

/**
 * Throws if the context's transaction has already finished, or if code inside
 * a transaction uses the outer repository instead of the one it was given: on
 * SQLite that call would wait forever for the connection the transaction
 * holds, and on PostgreSQL it would run outside the transaction.
 */
export function checkOpen(ctx: StoreContext): void {
  if (ctx.tx?.done) {
    throw new HubguardError('HG_ERR_INTERNAL', 'repository used after its transaction finished');
  }
  const active = activeTx.getStore();
  if (!ctx.tx && active && active.database === ctx.database && !active.state.done) {
    throw new HubguardError('HG_ERR_INTERNAL', "inside a transaction, use the transaction's repository");
  }
}

/** How a new transaction is run. */
export interface TransactionOptions {
  /**
   * The transaction writes a large share of the database (a big import): on a
   * SQLite file it runs with a rollback journal when it can (see bulkJournal).
   * Ignored for savepoints and on PostgreSQL.
   */
  bulk?: boolean;
}

/**
 * Runs `fn` all-or-nothing: in a new transaction, or in a savepoint when the
 * context is already inside one (so a failed step can be caught by the caller
 * without leaving half its writes in the outer transaction).
 */
export async function atomic<T>(ctx: StoreContext, fn: (ctx: StoreContext) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  checkOpen(ctx);
  const tx = ctx.tx;
  if (tx) {
    return serialized(ctx, async () => {
      const name = `hg_sp_${++tx.savepoints}`;
      await sql.raw(`savepoint ${name}`).execute(ctx.db);
      try {
        const result = await fn(ctx);
        await sql.raw(`release savepoint ${name}`).execute(ctx.db);
        return result;
      } catch (e) {
        // The first error is the one worth reporting; if undoing fails too, the
        // caller's transaction fails and rolls back as a whole.
        await sql
          .raw(`rollback to savepoint ${name}`)
          .execute(ctx.db)
          .then(() => sql.raw(`release savepoint ${name}`).execute(ctx.db))
          .catch(() => undefined);
        throw e;
      }
    });
  }
  const state: TxState = { done: false, savepoints: 0, root: { tail: Promise.resolve() } };
  const run = (db: Kysely<Schema>) =>
    db.transaction().execute((trx) =>
      activeTx.run({ database: ctx.database, state, frame: state.root }, async () => {
        const inner = { ...ctx, db: trx, tx: state };
        const result = await fn(inner);
        if (ctx.raw) restoreIndexes(ctx.raw, state);
        return result;
      }),
    );
  try {
    const raw = ctx.raw;
    if (!options.bulk || !raw) return await run(ctx.database.db);
    // The journal mode changes only between transactions: hold the one connection across both switches.
    return await ctx.database.db.connection().execute(async (conn) => {
      const restore = bulkJournal(raw);
      try {
        return await run(conn);
      } finally {
        restore();
      }
    });
  } finally {
    state.done = true;
  }
}

/**
 * Runs synchronous work on the raw better-sqlite3 handle, all-or-nothing.
 * Inside a transaction the handle is already ours (kysely holds its one
 * connection for the whole transaction), and better-sqlite3 nests with a
 * savepoint. Outside one, the work first takes kysely's connection lock: else
 * it could run in the middle of another caller's open transaction on the same
 * connection and be committed or rolled back with it.
 */
export async function rawAtomic<T>(ctx: StoreContext, raw: BetterSqlite3.Database, fn: () => T): Promise<T> {
  checkOpen(ctx);
  if (ctx.tx) return serialized(ctx, async () => raw.transaction(fn)());
  // BEGIN IMMEDIATE takes the write lock up front, so a read-then-write (the audit
  // chain) cannot fail half-way with SQLITE_BUSY because another process wrote first.
  return ctx.database.db.connection().execute(async () => raw.transaction(fn).immediate());
}

/** Runs a store operation, turning driver errors into HG_ERR_DB (HubguardErrors pass through). */
export async function guarded<T>(ctx: StoreContext, operation: string, fn: () => Promise<T>): Promise<T> {
  checkOpen(ctx);
  return serialized(ctx, async () => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof HubguardError) throw e;
      throw new HubguardError('HG_ERR_DB', `${operation} on ${ctx.database.where}: ${describeError(e)}`, undefined, {
        cause: e,
      });
    }
  });
}

/** `count(*)` as a number on both databases (pg returns bigint counts as strings). */
export const countAll = () => sql<number>`cast(count(*) as integer)`;

/** Statements prepared once per SQLite handle: compiling SQL costs more than running it. */
const statementCache = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** A cached prepared statement on a raw SQLite handle. */
export function prepared(raw: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  let cache = statementCache.get(raw);
  if (!cache) statementCache.set(raw, (cache = new Map()));
  let stmt = cache.get(text);
  if (!stmt) cache.set(text, (stmt = raw.prepare(text)));
  return stmt;
}
