import type BetterSqlite3 from 'better-sqlite3';
import type { BulkTable, TxState } from './context.js';

/**
 * Rows a transaction must have written to a table before its secondary indexes
 * are dropped for the rest of the transaction. Below this, keeping the index
 * up to date row by row costs less than building it again.
 */
export const BULK_ROWS = 50_000;

/**
 * Bulk loads on SQLite: an index kept up to date row by row costs more than
 * the table write itself (a fresh 1.2 M-row import spends a third of its write
 * time in the `id` index), while building it once from the finished table is a
 * sort. So when a transaction has written at least BULK_ROWS rows to a table,
 * and at least as many as the table held before, the table's secondary indexes
 * are dropped and built again just before the transaction commits. A rollback
 * brings them back by itself. The bound on rows held before keeps a small import
 * into a large table from rebuilding the large table's indexes.
 */
export function noteBulkWrite(raw: BetterSqlite3.Database, tx: TxState, table: string, rows: number): void {
  tx.bulk ??= new Map();
  let t = tx.bulk.get(table);
  if (!t) {
    const top = raw.prepare(`select max(rowid) as n from "${table}"`).get() as { n: number | null };
    tx.bulk.set(table, (t = { before: top.n ?? 0, written: 0 }));
  }
  t.written += rows;
  if (t.dropped || t.written < BULK_ROWS || t.written < t.before) return;
  const indexes = raw
    .prepare(`select name, sql from sqlite_master where type = 'index' and tbl_name = ? and sql is not null`)
    .all(table) as { name: string; sql: string }[];
  t.dropped = indexes.map((i) => i.sql);
  for (const i of indexes) raw.exec(`drop index "${i.name}"`);
}

/** Builds the dropped indexes of one table again now (before a read that needs them). */
export function restoreTableIndexes(raw: BetterSqlite3.Database, tx: TxState | undefined, table: string): void {
  const t = tx?.bulk?.get(table);
  if (t?.dropped) rebuild(raw, t);
}

/** Builds every index the transaction dropped again; called just before it commits. */
export function restoreIndexes(raw: BetterSqlite3.Database, tx: TxState): void {
  for (const t of tx.bulk?.values() ?? []) if (t.dropped) rebuild(raw, t);
}

function rebuild(raw: BetterSqlite3.Database, t: BulkTable): void {
  for (const sql of t.dropped ?? []) raw.exec(sql);
  t.dropped = undefined;
  // Rows written from here on are kept in the index as they come.
  t.before = Number.MAX_SAFE_INTEGER;
}

/**
 * A transaction that writes a large share of a SQLite file commits much faster
 * with a rollback journal than in WAL mode. In WAL mode every page is written
 * twice: once to the WAL at commit, and again when the checkpoint copies it into
 * the database (for a fresh million-row import the checkpoint is most of the
 * commit). A rollback journal keeps only the pages that existed before the
 * transaction; new pages go straight into the file, and a crash still rolls the
 * whole transaction back.
 *
 * The switch needs the database to itself: when another connection has the
 * file open, the pragma fails at once and the transaction stays in WAL mode.
 * While the transaction runs, others may read until it starts writing pages
 * out, then wait for it. Returns how to switch back after commit or rollback.
 */
export function bulkJournal(raw: BetterSqlite3.Database): () => void {
  try {
    if (raw.pragma('journal_mode', { simple: true }) !== 'wal') return () => undefined;
    if (raw.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') return () => undefined;
  } catch {
    return () => undefined; // SQLITE_BUSY: another connection has the file open
  }
  // A rollback journal is safe against power loss only when synced on every commit.
  raw.pragma('synchronous = FULL');
  return () => {
    raw.pragma('synchronous = NORMAL');
    try {
      raw.pragma('journal_mode = WAL');
    } catch {
      // Someone opened the file meanwhile; the next open switches it back (openDatabase).
    }
  };
}
