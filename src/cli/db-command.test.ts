import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { allTenants } from '../core/index.js';
import { openDatabase } from '../store/db.js';
import { Repository } from '../store/repository.js';
import type { SchemaStatus } from '../store/schema-state.js';
import type { CliContext } from './context.js';
import { createDbCommand } from './db-command.js';
import { importedExample, runCli, tempDir } from './test-support.js';

const NAMES = ['0001-initial', '0002-feeds', '0003-suppressions'];

async function status(db: string): Promise<SchemaStatus> {
  const r = await runCli(['db', 'status', '--db', db, '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.out) as SchemaStatus;
}

/** The db.migrate entries of the audit log (oldest first), and the number of organizations (opened as it is, without migrating). */
async function inspect(db: string): Promise<{ audit: Record<string, unknown>[]; organizations: number }> {
  const d = await openDatabase(db, { migrate: false });
  try {
    const repo = new Repository(d);
    const audit = (await repo.listAudit(allTenants('test'))).filter((e) => e.action === 'db.migrate').map((e) => e.details).reverse();
    return { audit, organizations: (await repo.listRecords(allTenants('test'), 'organization', {})).length };
  } finally {
    await d.close();
  }
}

/** Runs the db command object directly with an interactive context and a given answer. */
async function interactive(args: string[], answer: boolean) {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) => new Writable({ write(c, _e, cb) { add(String(c)); cb(); } });
  const ctx: CliContext = { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env: { PATH: process.env.PATH }, cwd: await tempDir(), interactive: true };
  const questions: string[] = [];
  const cmd = createDbCommand({ ask: (q) => (questions.push(q), Promise.resolve(answer)) });
  const code = await cmd.run(args, ctx).catch((e: unknown) => e);
  return { code, out, err, questions };
}

describe('hubguard db', () => {
  it('lists applied migrations with their times, as a table and as JSON', async () => {
    const db = await importedExample();
    const table = await runCli(['db', 'status', '--db', db]);
    expect(table.code).toBe(0);
    for (const n of NAMES) expect(table.out).toMatch(new RegExp(`${n}\\s+applied\\s+\\d{4}-\\d{2}-\\d{2}T`));
    expect(table.out).toContain('schema: at 0003-suppressions, the latest this Hubguard knows');

    const s = await status(db);
    expect(s).toMatchObject({ where: db, current: '0003-suppressions', latest: '0003-suppressions', pending: [], unknown: [] });
    expect(s.migrations.map((m) => m.name)).toEqual(NAMES);
    expect(s.migrations.every((m) => typeof m.appliedAt === 'string')).toBe(true);
  });

  it('refuses to go down without --yes when nobody can be asked, and changes nothing', async () => {
    const db = await importedExample();
    const r = await runCli(['db', 'migrate', '--down', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/migrating down to 0002-feeds undoes 0003-suppressions and drops their tables with the data in them: pass --yes to go ahead \[HG_ERR_USAGE\]/);
    expect((await status(db)).pending).toEqual([]);
  });

  it('goes down one step with --yes, records it in the audit log, and comes back up', async () => {
    const db = await importedExample();
    const before = await inspect(db);
    const down = await runCli(['db', 'migrate', '--down', '--yes', '--db', db]);
    expect(down.code).toBe(0);
    expect(down.out).toContain('undid 0003-suppressions; schema: at 0002-feeds');
    expect(down.err).toMatch(/migrates the database up again when it opens it/);
    expect(await status(db)).toMatchObject({ current: '0002-feeds', pending: ['0003-suppressions'] });

    const up = await runCli(['db', 'migrate', '--db', db, '--json']);
    expect(up.code).toBe(0);
    expect(JSON.parse(up.out)).toEqual({ direction: 'up', from: '0002-feeds', to: '0003-suppressions', ran: ['0003-suppressions'], audited: true });
    const again = await runCli(['db', 'migrate', '--db', db]);
    expect(again.out).toContain('schema: already at 0003-suppressions; nothing to do');

    const after = await inspect(db);
    expect(after.organizations).toBe(before.organizations);
    expect(after.audit).toEqual([
      { direction: 'down', from: '0003-suppressions', to: '0002-feeds', migrations: ['0003-suppressions'] },
      { direction: 'up', from: '0002-feeds', to: '0003-suppressions', migrations: ['0003-suppressions'] },
    ]);
  });

  it('goes to a named migration down and up; other commands migrate up again on open', async () => {
    const db = await importedExample();
    const down = await runCli(['db', 'migrate', '--to', '0001-initial', '--yes', '--db', db, '--json']);
    expect(down.code).toBe(0);
    expect(JSON.parse(down.out)).toMatchObject({ direction: 'down', to: '0001-initial', ran: ['0003-suppressions', '0002-feeds'], audited: true });
    expect((await inspect(db)).organizations).toBeGreaterThan(0);

    const up = await runCli(['db', 'migrate', '--to', '0002-feeds', '--db', db]);
    expect(up.code).toBe(0);
    expect(up.out).toContain('applied 0002-feeds; schema: at 0002-feeds');

    expect((await runCli(['findings', '--db', db])).code).toBe(0);
    expect((await status(db)).pending).toEqual([]);
  });

  it('says so when going below 0001-initial drops the audit log itself', async () => {
    const db = join(await tempDir(), 'hg.db');
    expect((await runCli(['db', 'migrate', '--db', db])).code).toBe(0);
    const r = await runCli(['db', 'migrate', '--to', '0001-initial', '--yes', '--db', db]);
    expect(r.code).toBe(0);
    const refused = await runCli(['db', 'migrate', '--down', '--db', db]);
    expect(refused.err).toMatch(/undoes 0001-initial .*, the audit log included: pass --yes/);
    const last = await runCli(['db', 'migrate', '--down', '--yes', '--db', db, '--json']);
    expect(JSON.parse(last.out)).toEqual({ direction: 'down', from: '0001-initial', to: null, ran: ['0001-initial'], audited: false });
    expect(last.err).toContain('the audit log was dropped with 0001-initial, so this change is not recorded in it');
    expect(await status(db)).toMatchObject({ current: null, pending: NAMES });
  });

  it('reports a failed migration as HG_ERR_DB naming the database, and records the failure', async () => {
    const db = await importedExample();
    expect((await runCli(['db', 'migrate', '--down', '--yes', '--db', db])).code).toBe(0);
    const d = await openDatabase(db, { migrate: false });
    await sql`create view suppressions as select 1 as id`.execute(d.db);
    await d.close();
    const r = await runCli(['db', 'migrate', '--db', db]);
    expect(r.code).toBe(70);
    expect(r.err).toContain(`cannot migrate ${db}: migration 0003-suppressions (up) failed: `);
    expect(r.err).toMatch(/\[HG_ERR_DB\]\n$/);
    expect((await inspect(db)).audit.at(-1)).toMatchObject({ direction: 'up', from: '0002-feeds', target: '0003-suppressions', reached: '0002-feeds', failed: true });
  });

  it('rejects an unknown migration name, listing the names, before opening the database', async () => {
    const db = join(await tempDir(), 'hg.db');
    const r = await runCli(['db', 'migrate', '--to', '0009-nope', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown migration "0009-nope": use one of 0001-initial, 0002-feeds, 0003-suppressions [HG_ERR_USAGE]');
    expect(existsSync(db)).toBe(false);
    expect((await runCli(['db', 'migrate', '--to', '0001-initial', '--down', '--db', db])).code).toBe(2);
    expect((await runCli(['db', 'rollback', '--db', db])).code).toBe(2);
  });

  it('asks on a terminal instead of refusing, and does nothing on a no', async () => {
    const db = await importedExample();
    const no = await interactive(['migrate', '--down', '--db', db], false);
    expect(no.questions).toEqual(['Migrating down to 0002-feeds undoes 0003-suppressions and drops their tables with the data in them. Go ahead?']);
    expect(no.code).toMatchObject({ code: 'HG_ERR_USAGE', message: expect.stringContaining('cancelled') });
    expect((await status(db)).pending).toEqual([]);

    const yes = await interactive(['migrate', '--down', '--db', db], true);
    expect(yes.code).toBe(0);
    expect((await status(db)).pending).toEqual(['0003-suppressions']);
  });
});
