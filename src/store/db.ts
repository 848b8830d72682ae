import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { HubguardError } from '../core/index.js';
import { migrateToLatest } from './migrations/index.js';
import type { Dialect, Schema } from './schema.js';
import { parseDatabaseUrl, redactUrl } from './url.js';

/** An open database: the kysely handle, which dialect it speaks, and how to close it. */
export interface Database {
  readonly db: Kysely<Schema>;
  readonly dialect: Dialect;
  /**
   * The better-sqlite3 handle behind `db` (SQLite only). The repository runs its
   * hot paths on it with cached prepared statements; anything else should go
   * through `db` so that kysely's connection lock is respected.
   */
  readonly raw?: BetterSqlite3.Database;
  /** Where the database is (a file path or `host:port/database`), safe to print: never a password. */
  readonly where: string;
  /** Closes the connection (SQLite) or the pool (PostgreSQL). Calling it again does nothing. */
  close(): Promise<void>;
}

/** How long a PostgreSQL connection attempt may take before opening fails. */
const PG_CONNECT_TIMEOUT_MS = 10_000;
/** Page size of a new SQLite database file. */
const SQLITE_PAGE_BYTES = 16_384;
/** SQLite page cache, in KiB. */
const SQLITE_CACHE_KIB = 128 * 1024;
/** How long SQLite waits for another process's lock before failing with SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** Options of openDatabase. */
export interface OpenOptions {
  /**
   * Apply pending migrations on open (the default). `false` opens the schema as
   * it is, for `hubguard db`, which reports and changes the schema itself.
   */
  migrate?: boolean;
}

/**
 * Opens (and migrates) the database named by `url`: nothing, `sqlite:<path>`,
 * `:memory:` or a file path open the embedded SQLite database (default
 * `./data/hubguard.db`, folder created); `postgres://...` opens a pool on a
 * PostgreSQL server. Migrations run on every open and are idempotent, unless
 * `options.migrate` is false.
 *
 * @throws HubguardError HG_ERR_CONFIG for an unsupported URL, HG_ERR_DB when the
 *   database cannot be opened, reached or migrated (the message names the file
 *   or host, never the password).
 */
export async function openDatabase(url?: string, options: OpenOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  const database = target.dialect === 'sqlite' ? openSqlite(target.path) : await openPostgres(target.url, target.where);
  if (options.migrate === false) return database;
  try {
    await migrateToLatest(database.db as Kysely<unknown>, database.dialect);
  } catch (e) {
    await database.close().catch(() => undefined);
    if (e instanceof HubguardError) throw e;
    throw new HubguardError('HG_ERR_DB', `cannot migrate ${database.where}: ${describeError(e)}`, undefined, { cause: e });
  }
  return database;
}

function openSqlite(path: string): Database {
  let raw: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    raw = new BetterSqlite3(path);
  } catch (e) {
    throw new HubguardError('HG_ERR_DB', `cannot open SQLite database ${path}: ${describeError(e)}`, undefined, { cause: e });
  }
  try {
    // Wait out another process's write lock for a while before reporting the file busy.
    raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    // 16 KiB pages for a new file (an existing one keeps its own): records are JSON of a
    // few hundred bytes, and a bulk import of a million of them writes and commits about
    // 1.6x faster than with 4 KiB pages (measured; 32 and 64 KiB are slower again).
    raw.pragma(`page_size = ${SQLITE_PAGE_BYTES}`);
    // WAL lets readers run while an import writes; NORMAL is durable at each
    // checkpoint and safe against corruption in WAL mode, and much faster than FULL.
    if (path !== ':memory:') walMode(raw);
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    // The default 2 MB page cache thrashes once tables pass a few hundred thousand
    // rows: 128 MB (used only as needed) doubles bulk import speed at a million rows.
    raw.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  } catch (e) {
    raw.close();
    throw new HubguardError('HG_ERR_DB', `cannot use SQLite database ${path}: ${describeError(e)}`, undefined, { cause: e });
  }
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: raw }) });
  return { db, dialect: 'sqlite', raw, where: path, close: once(() => db.destroy()) };
}

/**
 * Puts a SQLite file in WAL mode. While a bulk import holds the file in rollback
 * journal mode (see bulkJournal) the switch is refused at once; the file is
 * still usable, and it goes back to WAL when the import ends.
 */
function walMode(raw: BetterSqlite3.Database): void {
  try {
    raw.pragma('journal_mode = WAL');
  } catch (e) {
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
  }
}

async function openPostgres(url: string, where: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
  // An idle client that loses its server emits 'error' on the pool; unhandled, that
  // would crash the process. The pool drops the client; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new HubguardError('HG_ERR_DB', `cannot connect to PostgreSQL at ${where}: ${describeError(e)}`, undefined, {
      cause: e,
    });
  }
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', where, close: once(() => db.destroy()) };
}

/** Wraps a close function so that a second call returns the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

/**
 * A one-line reason for a driver error. Node reports a refused connection to a
 * name with several addresses as an AggregateError with an empty message, so
 * the inner errors are used; URLs in messages are redacted.
 */
export function describeError(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) {
    return [...new Set(e.errors.map((x: unknown) => describeError(x)))].join('; ');
  }
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY') return `${e.message}: another process is writing to it (a large import holds the file until it commits); try again when it has finished`;
    const text = e.message || (typeof code === 'string' ? code : e.name);
    return redactUrl(text);
  }
  return redactUrl(String(e));
}
