import { resolve } from 'node:path';
import { generateDemo } from '../demo/index.js';
import { writeWorkspace } from '../ingest/workspace/write.js';
import { intOption, parseCommandArgs } from './args.js';
import { type CliContext, type Command, println } from './context.js';

const USAGE = 'hubguard demo [--customers N] [--seed S] [--now YYYY-MM-DD] <dir>';

/**
 * Agreements hold a nested responsibility matrix, so they are written as JSON
 * (fast to read at any size); every other kind is CSV.
 */
const FORMATS = { agreement: 'json' } as const;

/** Writes the demo workspace to a folder; returns the rows written per file. */
export async function writeDemo(dir: string, customers: number, seed: number, now: Date): Promise<Record<string, number>> {
  return writeWorkspace(dir, generateDemo({ customers, seed, now }), FORMATS);
}

/** Today at midnight UTC: demo data is dated relative to it, and stays the same all day. */
export const today = (): Date => new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Write a realistic demo MSP workspace (deterministic for a seed)',
  usage: USAGE,
  async run(args, ctx: CliContext) {
    const { values, positionals } = parseCommandArgs(args, { customers: { type: 'string' }, seed: { type: 'string' }, now: { type: 'string' } }, USAGE);
    if (positionals.length !== 1) {
      println(ctx.stderr, `usage: ${USAGE}`);
      return 2;
    }
    const customers = intOption(values.customers, 'customers', 24, 100_000);
    const seed = intOption(values.seed, 'seed', 1);
    const now = values.now ? new Date(`${values.now}T00:00:00Z`) : today();
    if (Number.isNaN(now.getTime())) {
      println(ctx.stderr, `hubguard: --now must be a date like 2026-11-01 [HG_ERR_USAGE]`);
      return 2;
    }
    const dir = resolve(ctx.cwd, positionals[0]!);
    const t0 = performance.now();
    const counts = await writeDemo(dir, customers, seed, now);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    println(ctx.stdout, `wrote ${total.toLocaleString('en-US')} records for ${customers} customers to ${dir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  },
};
