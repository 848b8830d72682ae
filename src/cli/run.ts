// The process entry of the CLI: `tsx src/cli/run.ts <command> ...`.
import { main } from './main.js';

// A reader that stops early (`hubguard findings | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

process.exitCode = await main(process.argv.slice(2));
