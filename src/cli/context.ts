import type { Writable } from 'node:stream';

/** What a command needs from its surroundings; tests pass their own. */
export interface CliContext {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stderr is a terminal (progress bars are drawn only then). */
  interactive: boolean;
}

/** A CLI command: parses its own arguments, returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** The process's own context. */
export const processContext = (): CliContext => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  interactive: Boolean(process.stderr.isTTY),
});

/** Writes a line to a stream. */
export const println = (out: Writable, line = ''): void => {
  out.write(`${line}\n`);
};
