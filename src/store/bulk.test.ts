import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { allTenants } from '../core/index.js';
import { BULK_ROWS, noteBulkWrite } from './bulk.js';
import type { TxState } from './context.js';
import { openDatabase, type Database } from './db.js';
import { Repository } from './repository.js';

const indexesOf = (raw: BetterSqlite3.Database, table: string) =>
  (raw.prepare(`select name from sqlite_master where type = 'index' and tbl_name = ? and sql is not null`).all(table) as { name: string }[]).map((r) => r.name);

const tx = (): TxState => ({ done: false, savepoints: 0, root: { tail: Promise.resolve() } });

describe('bulk writes on SQLite', () => {
  it('drops a table\'s secondary indexes once a transaction has written enough rows to it, and not before', () => {
    const raw = new BetterSqlite3(':memory:');
    raw.exec('create table t (tenant text, id text, primary key (tenant, id)); create index t_id on t(id);');
    const state = tx();
    noteBulkWrite(raw, state, 't', BULK_ROWS - 1);
    expect(indexesOf(raw, 't')).toEqual(['t_id']);
    noteBulkWrite(raw, state, 't', 1);
    expect(indexesOf(raw, 't')).toEqual([]);
    expect(state.bulk?.get('t')?.dropped).toEqual(['CREATE INDEX t_id on t(id)']);
  });

  it('keeps the indexes of a table that held more rows than the transaction writes', () => {
    const raw = new BetterSqlite3(':memory:');
    raw.exec('create table t (tenant text, id text, primary key (tenant, id)); create index t_id on t(id);');
    const insert = raw.prepare('insert into t values (?, ?)');
    raw.transaction(() => { for (let i = 0; i < BULK_ROWS * 2; i++) insert.run('a', String(i)); })();
    const state = tx();
    noteBulkWrite(raw, state, 't', BULK_ROWS + 10);
    expect(indexesOf(raw, 't')).toEqual(['t_id']);
  });

  describe('through the repository', () => {
    let database: Database | undefined;
    afterEach(async () => database?.close());

    const rows = (n: number, tenant = 'acme') =>
      Array.from({ length: n }, (_, i) => [tenant, `${tenant}:a${i}`, JSON.stringify({ id: `${tenant}:a${i}`, tenant, name: `A${i}`, kind: 'device' })] as const);

    it('builds the dropped index again before commit, and keeps lookups by key right inside the transaction', async () => {
      database = await openDatabase(':memory:');
      const repo = new Repository(database);
      const scope = allTenants('test');
      await repo.upsertRecords(scope, 'organization', [{ id: 'acme', name: 'Acme', kind: 'customer' }]);
      let seenInside: Map<string, string> | undefined;
      await repo.transaction(async (t) => {
        await t.upsertSerialized(scope, 'asset', rows(BULK_ROWS + 5));
        expect(indexesOf(database!.raw!, 'assets')).toEqual([]);
        seenInside = await t.existingKeys(scope, 'asset', ['acme:a7', 'acme:nope']);
        expect(indexesOf(database!.raw!, 'assets')).toEqual(['assets_id_idx']);
        await t.upsertSerialized(scope, 'asset', rows(10, 'acme').map((r) => [r[0], `${r[1]}-late`, r[2]] as const));
      });
      expect([...seenInside!]).toEqual([['acme:a7', 'acme']]);
      expect(indexesOf(database.raw!, 'assets')).toEqual(['assets_id_idx']);
      expect(database.raw!.prepare(`select count(*) as n from assets indexed by assets_id_idx where id like 'acme:%'`).get()).toEqual({ n: BULK_ROWS + 15 });
    });

    it('leaves the indexes and the rows as they were when the transaction fails', async () => {
      database = await openDatabase(':memory:');
      const repo = new Repository(database);
      const scope = allTenants('test');
      await repo.upsertRecords(scope, 'organization', [{ id: 'acme', name: 'Acme', kind: 'customer' }]);
      await expect(repo.transaction(async (t) => {
        await t.upsertSerialized(scope, 'asset', rows(BULK_ROWS));
        throw new Error('stop');
      })).rejects.toThrow('stop');
      expect(indexesOf(database.raw!, 'assets')).toEqual(['assets_id_idx']);
      expect(database.raw!.prepare('select count(*) as n from assets').get()).toEqual({ n: 0 });
    });
  });

  describe('bulk transactions on a SQLite file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hubguard-bulk-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    let n = 0;
    const open = async () => {
      const database = await openDatabase(join(dir, `bulk-${++n}.db`));
      const repo = new Repository(database);
      await repo.upsertRecords(allTenants('test'), 'organization', [{ id: 'acme', name: 'Acme', kind: 'customer' }]);
      return { database, repo, raw: database.raw!, journal: () => database.raw!.pragma('journal_mode', { simple: true }) };
    };
    const org = (id: string) => ({ id, name: id, kind: 'customer' });

    it('run with a rollback journal when the file is theirs alone, and leave it in WAL mode', async () => {
      const { database, repo, journal } = await open();
      let inside: unknown;
      await repo.transaction(async (t) => {
        inside = journal();
        await t.upsertRecords(allTenants('test'), 'organization', [org('bravo')]);
      }, { bulk: true });
      expect(inside).toBe('delete');
      expect(journal()).toBe('wal');
      expect(await repo.countRecords(allTenants('test'), 'organization')).toBe(2);
      await database.close();
    });

    it('roll back whole and go back to WAL mode when they fail', async () => {
      const { database, repo, journal } = await open();
      await expect(repo.transaction(async (t) => {
        await t.upsertRecords(allTenants('test'), 'organization', [org('bravo')]);
        throw new Error('stop');
      }, { bulk: true })).rejects.toThrow('stop');
      expect(journal()).toBe('wal');
      expect(await repo.countRecords(allTenants('test'), 'organization')).toBe(1);
      expect(existsSync(`${database.where}-journal`)).toBe(false);
      await database.close();
    });

    it('stay in WAL mode while another connection has the file open', async () => {
      const { database, repo, journal } = await open();
      const other = new BetterSqlite3(database.where);
      other.prepare('select count(*) from organizations').get();
      let inside: unknown;
      await repo.transaction(async (t) => {
        inside = journal();
        await t.upsertRecords(allTenants('test'), 'organization', [org('bravo')]);
      }, { bulk: true });
      expect(inside).toBe('wal');
      expect(other.prepare('select count(*) as n from organizations').get()).toEqual({ n: 2 });
      other.close();
      await database.close();
    });

    it('leave nothing behind when the process dies half-way: the next open rolls back and returns to WAL', async () => {
      const { database } = await open();
      await database.close();
      // A process that writes in a bulk transaction and dies before it commits.
      const script = join(dir, 'die.mts');
      writeFileSync(script, [
        `import { openDatabase } from ${JSON.stringify(join(import.meta.dirname, 'db.ts'))};`,
        `import { Repository } from ${JSON.stringify(join(import.meta.dirname, 'repository.ts'))};`,
        `const repo = new Repository(await openDatabase(${JSON.stringify(database.where)}));`,
        `await repo.transaction(async (t) => {`,
        `  const orgs = Array.from({ length: 20000 }, (_, i) => ({ id: 'o' + i, name: 'Org ' + i, kind: 'customer' }));`,
        `  await t.upsertRecords({ kind: 'all', actor: 'test' }, 'organization', orgs);`,
        `  process.kill(process.pid, 'SIGKILL');`,
        `}, { bulk: true });`,
      ].join('\n'));
      const child = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
      expect(child.signal, child.stderr).toBe('SIGKILL');
      expect(existsSync(`${database.where}-journal`)).toBe(true);
      const again = await openDatabase(database.where);
      expect(again.raw!.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(again.raw!.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(await new Repository(again).countRecords(allTenants('test'), 'organization')).toBe(1);
      await again.close();
    });

    it('let the file be opened while they run', async () => {
      const { database, repo } = await open();
      await repo.transaction(async (t) => {
        await t.upsertRecords(allTenants('test'), 'organization', [org('bravo')]);
        const reader = await openDatabase(database.where);
        expect(await new Repository(reader).countRecords(allTenants('test'), 'organization')).toBe(1);
        await reader.close();
      }, { bulk: true });
      await database.close();
      const again = await openDatabase(database.where);
      expect(again.raw!.pragma('journal_mode', { simple: true })).toBe('wal');
      await again.close();
    });
  });
});
