import { HubguardError, formatProblem, ValidationFailed } from '../core/index.js';
import { type CliContext, type Command, println, processContext } from './context.js';
import { COMMANDS } from './commands.js';

function help(ctx: CliContext): void {
  println(ctx.stdout, 'Usage: hubguard <command> [options]\n\nCommands:');
  for (const c of COMMANDS) println(ctx.stdout, `  ${c.name.padEnd(14)} ${c.summary}`);
  println(ctx.stdout, '\nRun `hubguard <command> --help` for the options of one command.');
}

/** Runs the CLI with the given arguments; returns the exit code. */
export async function main(argv: string[], ctx: CliContext = processContext()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(ctx);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    println(ctx.stdout, '0.1.0');
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    println(ctx.stderr, `hubguard: unknown command '${name}' [HG_ERR_USAGE]`);
    help(ctx);
    return 2;
  }
  try {
    const cmd: Command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      println(ctx.stdout, `Usage: ${cmd.usage}\n\n${cmd.summary}`);
      return 0;
    }
    return await cmd.run(rest, ctx);
  } catch (err) {
    return reportError(err, ctx);
  }
}

/** Prints an error the way users should see it: located problems, then the code. Exit 1 for input, 70 for bugs. */
export function reportError(err: unknown, ctx: CliContext): number {
  if (err instanceof ValidationFailed) {
    for (const p of err.problems) println(ctx.stderr, formatProblem(p));
    println(ctx.stderr, `hubguard: ${err.problems.length} problem(s); nothing was written`);
    return 1;
  }
  if (err instanceof HubguardError) {
    println(ctx.stderr, `hubguard: ${err.toString()}`);
    return err.code === 'HG_ERR_USAGE' ? 2 : err.userFault ? 1 : 70;
  }
  println(ctx.stderr, `hubguard: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)} [HG_ERR_INTERNAL]`);
  return 70;
}
