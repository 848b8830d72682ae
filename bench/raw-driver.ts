// The machine's yardstick for import speed: how fast the raw SQLite driver alone
// inserts rows shaped like Hubguard's record rows (tenant, id, small JSON, stamp)
// with one prepared statement in one transaction, into a table with the same
// primary key, on a fresh file with the store's settings. The import target
// (150,000 rows/s where this does about 600,000) is a quarter of it.
import BetterSqlite3 from 'better-sqlite3';
import { rmSync } from 'node:fs';

export function rawDriverRate(file: string, rows = 1_000_000): number {
  const clean = () => { for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true }); };
  clean();
  const db = new BetterSqlite3(file);
  try {
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('create table t (tenant text not null, id text not null, data text not null, updated_at text not null, primary key (tenant, id))');
    const insert = db.prepare('insert into t values (?, ?, ?, ?)');
    const t0 = performance.now();
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(`customer-${i % 5000}`, `customer-${i % 5000}:r${i}`, `{"n":${i}}`, '2026-11-01T00:00:00.000Z');
    })();
    return Math.round(rows / ((performance.now() - t0) / 1000));
  } finally {
    db.close();
    clean();
  }
}
