import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CliContext } from './context.js';
import { main } from './main.js';

/** A captured CLI run: exit code, stdout and stderr. */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in-process with captured output, in `cwd` (a fresh temp folder by default). */
export async function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) => new Writable({ write(c, _e, cb) { add(String(c)); cb(); } });
  const ctx: CliContext = {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    env: { PATH: process.env.PATH, ...opts.env },
    cwd: opts.cwd ?? (await tempDir()),
    interactive: false,
  };
  const code = await main(args, ctx);
  return { code, out, err };
}

/** A fresh temporary folder. */
export const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'hg-cli-'));

/** The repository's fixtures folder. */
export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

/** Imports the example workspace into a fresh SQLite database; returns the database path. */
export async function importedExample(): Promise<string> {
  const db = join(await tempDir(), 'hg.db');
  const r = await runCli(['import', join(FIXTURES, 'workspace', 'example'), '--db', db]);
  if (r.code !== 0) throw new Error(`importing the example failed: ${r.err}`);
  return db;
}
