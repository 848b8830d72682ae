import { z } from 'zod';

/**
 * Timestamps are ISO 8601 strings with a zone (`2026-01-31T12:00:00Z` or an
 * offset); a bare date (`2026-01-31`) is taken as midnight UTC. Stored as the
 * normalized UTC ISO string so that text comparison orders them.
 */
export const Timestamp = z
  .string()
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(s) && !Number.isNaN(Date.parse(s)),
    'must be an ISO 8601 date or a date-time with a zone',
  )
  .transform((s) => new Date(s.length === 10 ? `${s}T00:00:00Z` : s).toISOString());
export type Timestamp = z.output<typeof Timestamp>;

/** Injected clock, so engines and tests do not read the wall clock. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
/** A clock stopped at one instant, for tests and reproducible runs. */
export const fixedClock = (at: string | Date): Clock => {
  const d = new Date(at);
  return { now: () => new Date(d) };
};

/** Whole days from `earlier` to `later`, rounded down. */
export function daysBetween(earlier: string | Date, later: string | Date): number {
  return Math.floor((new Date(later).getTime() - new Date(earlier).getTime()) / 86_400_000);
}
