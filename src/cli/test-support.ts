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

/** A CLI context whose output is captured, in `cwd` (a fresh temp folder by default), for running commands directly. */
export async function capturedContext(opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ ctx: CliContext; out: { stdout: string; stderr: string } }> {
  const out = { stdout: '', stderr: '' };
  const sink = (k: 'stdout' | 'stderr') => new Writable({ write(c, _e, cb) { out[k] += String(c); cb(); } });
  const ctx: CliContext = { stdout: sink('stdout'), stderr: sink('stderr'), env: { PATH: process.env.PATH, ...opts.env }, cwd: opts.cwd ?? (await tempDir()), interactive: false };
  return { ctx, out };
}

/** Runs the CLI in-process with captured output, in `cwd` (a fresh temp folder by default). */
export async function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const { ctx, out } = await capturedContext(opts);
  const code = await main(args, ctx);
  return { code, out: out.stdout, err: out.stderr };
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
