import { createInterface } from 'node:readline/promises';
import { HubguardError } from '../core/index.js';
import { openDatabase, type Database } from '../store/db.js';
import { Repository } from '../store/repository.js';
import { checkMigrationName, migrateSchema, planSchemaChange, schemaStatus, type SchemaChange, type SchemaStatus, type SchemaTarget } from '../store/schema-state.js';
import { DB_OPTION, parseCommandArgs } from './args.js';
import { type CliContext, type Command, println } from './context.js';
import { cliActor, databaseUrl } from './db.js';
import { renderTable } from './table.js';

const USAGE = ['hubguard db status [--db <url>] [--json]', '       hubguard db migrate [--to <name> | --down] [--yes] [--db <url>] [--json]'].join('\n');

const SUMMARY = 'Database schema: status (applied and pending migrations), migrate up, or down before running an older release';

/** The table whose loss `db migrate` cannot record: the audit log itself. */
const AUDIT_TABLE = 'audit_log';

/** What the db command needs from outside: injected so tests can answer the confirmation. */
export interface DbCommandDeps {
  /**
   * Asks a yes/no question on the terminal. Used only when the context is
   * interactive; undefined when there is no terminal to read an answer from.
   */
  ask?: (question: string, ctx: CliContext) => Promise<boolean>;
}

/** Asks on stderr and reads the answer from standard input: only `y` or `yes` agrees. */
async function askOnTerminal(question: string, ctx: CliContext): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: ctx.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** Opens the database as it is: `db` reports and changes the schema itself, so nothing migrates on open. */
async function withSchema<T>(option: string | undefined, ctx: CliContext, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(databaseUrl(option, ctx), { migrate: false });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** Where the schema is, in words. */
const schemaAt = (name: string | null): string => (name ? `at ${name}` : 'empty (no migration applied)');

function printStatus(status: SchemaStatus, ctx: CliContext): void {
  const rows = [
    ...status.migrations.map((m) => [m.name, m.appliedAt ? 'applied' : 'pending', m.appliedAt ?? '-']),
    ...status.unknown.map((n) => [n, 'unknown to this release', '-']),
  ];
  println(ctx.stdout, renderTable(['migration', 'state', 'applied at'], rows));
  println(ctx.stdout, `database: ${status.where}`);
  if (status.unknown.length) {
    println(ctx.stdout, `schema: newer than this Hubguard (${status.unknown.join(', ')}): use the newer release`);
  } else if (!status.pending.length) {
    println(ctx.stdout, `schema: at ${status.current ?? '-'}, the latest this Hubguard knows`);
  } else {
    println(ctx.stdout, `schema: ${schemaAt(status.current)}; ${status.pending.length} pending, applied by \`hubguard db migrate\` or by any other command when it opens the database`);
  }
}

/** Whether the audit log table exists (it is created by the first migration and dropped by its down). */
async function hasAuditLog(database: Database): Promise<boolean> {
  return (await database.db.introspection.getTables()).some((t) => t.name === AUDIT_TABLE);
}

/**
 * Records a schema change (or a failed one) in the audit log when the log is
 * there to hold it. Returns whether it was recorded.
 */
async function auditChange(database: Database, ctx: CliContext, details: Record<string, unknown>): Promise<boolean> {
  if (!(await hasAuditLog(database))) return false;
  await new Repository(database).appendAudit({ at: new Date(), actor: cliActor(ctx), action: 'db.migrate', details });
  return true;
}

/** Reads the target of `db migrate`; `--to` and `--down` exclude each other. */
function migrateTarget(to: string | undefined, down: boolean): SchemaTarget {
  if (to !== undefined && down) throw new HubguardError('HG_ERR_USAGE', '--to and --down exclude each other');
  // Checked before the database is opened, so that a mistyped name creates no database file.
  if (to !== undefined) return { to: checkMigrationName(to) };
  return down ? { down: 1 } : { latest: true };
}

/**
 * Stops a down-migration that was not agreed to: `--yes`, or a yes on the
 * terminal. Without a terminal nothing is asked: the refusal says to pass --yes.
 */
async function confirmDown(plan: SchemaChange, yes: boolean, ctx: CliContext, deps: DbCommandDeps): Promise<void> {
  if (plan.direction !== 'down' || yes) return;
  const what = `undoes ${plan.ran.join(', ')} and drops their tables with the data in them`;
  const audit = plan.ran.includes('0001-initial') ? ', the audit log included' : '';
  if (ctx.interactive && deps.ask) {
    if (await deps.ask(`Migrating down to ${plan.to ?? 'an empty schema'} ${what}${audit}. Go ahead?`, ctx)) return;
    throw new HubguardError('HG_ERR_USAGE', 'migration cancelled: nothing was changed');
  }
  throw new HubguardError('HG_ERR_USAGE', `migrating down to ${plan.to ?? 'an empty schema'} ${what}${audit}: pass --yes to go ahead`);
}

/** Runs `db migrate`: plans, confirms a down, migrates, records the change in the audit log. */
async function migrate(database: Database, target: SchemaTarget, yes: boolean, ctx: CliContext, deps: DbCommandDeps) {
  const plan = planSchemaChange(await schemaStatus(database), target);
  if (plan.direction === 'none') return { change: plan, audited: false };
  await confirmDown(plan, yes, ctx, deps);
  let change: SchemaChange;
  try {
    change = await migrateSchema(database, target);
  } catch (e) {
    // Record the failure with where the schema ended (SQLite keeps the migrations done before it).
    const after = await schemaStatus(database).catch(() => undefined);
    const error = e instanceof Error ? e.message : String(e);
    await auditChange(database, ctx, { direction: plan.direction, from: plan.from, target: plan.to, reached: after ? after.current : 'unknown', failed: true, error }).catch(() => false);
    throw e;
  }
  const audited = await auditChange(database, ctx, { direction: change.direction, from: change.from, to: change.to, migrations: change.ran });
  return { change, audited };
}

function printChange(change: SchemaChange, json: boolean, audited: boolean, ctx: CliContext): void {
  const at = schemaAt(change.to);
  if (json) println(ctx.stdout, JSON.stringify({ ...change, audited }));
  else if (change.direction === 'none') println(ctx.stdout, `schema: already ${at}; nothing to do`);
  else println(ctx.stdout, `${change.direction === 'up' ? 'applied' : 'undid'} ${change.ran.join(', ')}; schema: ${at}`);
  if (change.direction === 'none') return;
  if (!audited) println(ctx.stderr, 'note: the audit log was dropped with 0001-initial, so this change is not recorded in it');
  if (change.direction === 'down') {
    println(
      ctx.stderr,
      'note: any command of this Hubguard release migrates the database up again when it opens it; run the older release now (or `hubguard db migrate` to return to this one)',
    );
  }
}

/** The `db` command with its outside world injected. */
export function createDbCommand(deps: DbCommandDeps): Command {
  return {
    name: 'db',
    summary: SUMMARY,
    usage: USAGE,
    async run(args, ctx) {
      const [sub, ...rest] = args;
      if (sub === 'status') {
        const { values } = parseCommandArgs(rest, { ...DB_OPTION, json: { type: 'boolean' } }, USAGE);
        const status = await withSchema(values.db, ctx, schemaStatus);
        if (values.json) println(ctx.stdout, JSON.stringify(status));
        else printStatus(status, ctx);
        return 0;
      }
      if (sub === 'migrate') {
        const { values } = parseCommandArgs(
          rest,
          { ...DB_OPTION, to: { type: 'string' }, down: { type: 'boolean' }, yes: { type: 'boolean' }, json: { type: 'boolean' } },
          USAGE,
        );
        const target = migrateTarget(values.to, values.down === true);
        const { change, audited } = await withSchema(values.db, ctx, (database) => migrate(database, target, values.yes === true, ctx, deps));
        printChange(change, values.json === true, audited, ctx);
        return 0;
      }
      println(ctx.stderr, `usage: ${USAGE}`);
      return 2;
    },
  };
}

/** The `db` command: asks on a terminal only when standard input is one. */
export const dbCommand: Command = createDbCommand({ ask: process.stdin.isTTY ? askOnTerminal : undefined });
