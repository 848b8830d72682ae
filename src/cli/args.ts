import { parseArgs, type ParseArgsConfig } from 'node:util';
import { HubguardError } from '../core/index.js';

type Options = NonNullable<ParseArgsConfig['options']>;
/** What parseCommandArgs returns: named so that declarations can be emitted for it. */
export type ParsedCommandArgs<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** Parses a command's arguments; unknown options become HG_ERR_USAGE with the usage line. */
export function parseCommandArgs<O extends Options>(args: string[], options: O, usage: string): ParsedCommandArgs<O> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new HubguardError('HG_ERR_USAGE', `${(e as Error).message}\nusage: ${usage}`);
  }
}

/** Reads a positive integer option. */
export function intOption(value: string | undefined, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new HubguardError('HG_ERR_USAGE', `--${name} must be a whole number from 0 to ${max}, got "${value}"`);
  return n;
}

/** The `--db` option every database command takes. */
export const DB_OPTION = { db: { type: 'string' } } as const;
