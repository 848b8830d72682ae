import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { describeError, openDatabase, type Database } from '../db.js';
import { parseDatabaseUrl } from '../url.js';

/**
 * Runs `suite` against a fresh PostgreSQL database when HUBGUARD_TEST_DATABASE_URL
 * names a server (e.g. postgres://postgres@127.0.0.1:5432/postgres): the database
 * is created for the run and dropped afterwards. When the variable is set but the
 * server cannot be reached, the suite fails: a broken server must not pass as a
 * skipped one. When it is unset, the suite is skipped with a name saying how to run it.
 */
export function onPostgres(prefix: string, suite: (open: () => Promise<Database>) => void): void {
  const serverUrl = process.env.HUBGUARD_TEST_DATABASE_URL;
  const target = serverUrl ? parseDatabaseUrl(serverUrl) : undefined;
  const label =
    target?.dialect === 'postgres'
      ? `PostgreSQL at ${target.where} (HUBGUARD_TEST_DATABASE_URL)`
      : 'PostgreSQL (skipped: set HUBGUARD_TEST_DATABASE_URL=postgres://user@host:5432/postgres to run)';

  describe.skipIf(!serverUrl)(label, () => {
    const name = `${prefix}_${randomBytes(6).toString('hex')}`;
    let testUrl = '';
    let created = false;

    const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
      const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
      await client.connect();
      try {
        return await fn(client);
      } finally {
        await client.end();
      }
    };

    beforeAll(async () => {
      if (target?.dialect !== 'postgres') throw new Error('HUBGUARD_TEST_DATABASE_URL must be a postgres:// URL');
      try {
        await admin((c) => c.query(`create database ${name}`));
      } catch (e) {
        throw new Error(`HUBGUARD_TEST_DATABASE_URL is set but ${target.where} is unusable: ${describeError(e)}`, { cause: e });
      }
      created = true;
      const u = new URL(serverUrl ?? '');
      u.pathname = `/${name}`;
      testUrl = u.toString();
    });

    afterAll(async () => {
      // WITH (FORCE) ends connections a failed test may have left open (PostgreSQL 13+).
      if (created) await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    });

    suite(() => openDatabase(testUrl));
  });
}
