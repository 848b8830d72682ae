import { join } from 'node:path';
import { openDatabase, type Database } from '../store/db.js';
import { Repository } from '../store/repository.js';
import type { CliContext } from './context.js';

/** The database a command uses: `--db`, else DATABASE_URL, else ./data/hubguard.db under the working folder. */
export function databaseUrl(option: string | undefined, ctx: CliContext): string {
  return option ?? ctx.env.DATABASE_URL ?? join(ctx.cwd, 'data', 'hubguard.db');
}

/** Opens the database, runs `fn` with a repository, and always closes it. */
export async function withRepository<T>(option: string | undefined, ctx: CliContext, fn: (repo: Repository, db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(databaseUrl(option, ctx));
  try {
    return await fn(new Repository(db), db);
  } finally {
    await db.close();
  }
}

/** The actor recorded in the audit log for CLI actions. */
export const cliActor = (ctx: CliContext): string => `cli:${ctx.env.USER ?? ctx.env.USERNAME ?? 'local'}`;
