import { z } from 'zod';

/**
 * Timestamps are ISO 8601 strings with a zone (`2026-01-31T12:00:00Z` or an
 * offset); a bare date (`2026-01-31`) is taken as midnight UTC. Stored as the
 * normalized UTC ISO string so that text comparison orders them.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const num = (s: string, at: number, len: number): number => {
  let n = 0;
  for (let i = at; i < at + len; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
};
const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/** A string already in the stored form (`2026-01-31T12:00:00.000Z`) naming a real instant. */
function isCanonical(s: string): boolean {
  if (s.length !== 24 || !CANONICAL.test(s)) return false;
  const month = num(s, 5, 2);
  const day = num(s, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > MONTH_DAYS[month - 1]! || (month === 2 && day === 29 && !isLeap(num(s, 0, 4)))) return false;
  return num(s, 11, 2) < 24 && num(s, 14, 2) < 60 && num(s, 17, 2) < 60;
}

export const Timestamp = z.string().transform((s, ctx) => {
  // Already in the stored form (the common case on re-imports and exports): keep the string.
  if (isCanonical(s)) return s;
  const m = ISO.exec(s);
  const month = m ? Number(m[2]) : 0;
  const day = m ? Number(m[3]) : 0;
  // A calendar check of its own: Date.parse would roll 2026-02-30 over into March.
  const leap = m && isLeap(Number(m[1]));
  const t = m ? Date.parse(m[4] ? s : `${s}T00:00:00Z`) : NaN;
  if (!m || month < 1 || month > 12 || day < 1 || day > MONTH_DAYS[month - 1]! || (month === 2 && day === 29 && !leap) || Number.isNaN(t)) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date or a date-time with a zone' });
    return z.NEVER;
  }
  return new Date(t).toISOString();
});
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
