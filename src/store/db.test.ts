import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allTenants } from '../core/index.js';
import { describeError, openDatabase } from './db.js';
import { Repository } from './repository.js';

const dir = mkdtempSync(join(tmpdir(), 'hubguard-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('creates the folder of a SQLite file and opens it in WAL mode with foreign keys on', async () => {
    const path = join(dir, 'nested', 'deeper', 'hg.db');
    const database = await openDatabase(path);
    try {
      expect(database.dialect).toBe('sqlite');
      expect(database.where).toBe(path);
      expect(database.raw?.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(database.raw?.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(database.raw?.pragma('synchronous', { simple: true })).toBe(1);
      expect(database.raw?.pragma('page_size', { simple: true })).toBe(16384);
    } finally {
      await database.close();
      await database.close();
    }
  });

  it('keeps the page size of an existing file', async () => {
    const path = join(dir, 'old-4k.db');
    const old = new BetterSqlite3(path);
    old.pragma('page_size = 4096');
    old.exec('create table t (x)');
    old.close();
    const database = await openDatabase(path);
    try {
      expect(database.raw?.pragma('page_size', { simple: true })).toBe(4096);
      expect(database.raw?.prepare('select count(*) as n from t').get()).toEqual({ n: 0 });
    } finally {
      await database.close();
    }
  });

  it('opens an in-memory database that works like a file one', async () => {
    const database = await openDatabase(':memory:');
    try {
      const repo = new Repository(database);
      await repo.appendAudit({ at: '2026-01-01T00:00:00Z', actor: 't', action: 'x' });
      expect(await repo.verifyAudit(allTenants('t'))).toMatchObject({ ok: true, entries: 1 });
    } finally {
      await database.close();
    }
  });

  it('reports a file that is not a database as HG_ERR_DB naming the file', async () => {
    const path = join(dir, 'not-a-db.db');
    writeFileSync(path, 'this is not sqlite '.repeat(100));
    await expect(openDatabase(`sqlite:${path}`)).rejects.toMatchObject({
      code: 'HG_ERR_DB',
      message: expect.stringContaining(path),
    });
  });

  it('reports an unreachable PostgreSQL server as HG_ERR_DB naming the host, never the password', async () => {
    // Port 1 on the loopback address refuses at once: no server needed for this test.
    const err = await openDatabase('postgres://hubguard:top-secret-pw@127.0.0.1:1/hubguard').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'HG_ERR_DB', message: expect.stringContaining('127.0.0.1:1/hubguard') });
    expect(String((err as Error).message)).not.toContain('top-secret-pw');
    expect(String(err)).not.toContain('top-secret-pw');
  });

  it('refuses an unsupported URL scheme as a configuration error', async () => {
    await expect(openDatabase('mysql://root@localhost/hg')).rejects.toMatchObject({ code: 'HG_ERR_CONFIG' });
  });
});

describe('describeError', () => {
  it('says why a SQLite file is busy and what to do', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(describeError(busy)).toMatch(/^database is locked: another process is writing to it .*try again when it has finished$/);
  });
});
