/**
 * Timestamp parsing without `Date.parse` on the hot path: log timestamps are
 * read digit by digit and turned into epoch milliseconds with the civil-date
 * arithmetic of H. Hinnant's `days_from_civil` (exact for the proleptic
 * Gregorian calendar). All functions return NaN on malformed input.
 */
import type { ParseContext } from './types.js';

const DAY = 86_400_000;

/** Days since 1970-01-01 of a civil date (month 1-12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Days in a month (1-12). */
export const daysInMonth = (y: number, m: number): number => (m === 2 && isLeap(y) ? 29 : (MONTH_DAYS[m - 1] as number));

/** Epoch ms of a civil date-time in UTC, or NaN when a field is out of range. */
export function civilToMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  if (h > 23 || mi > 59 || s > 60) return NaN;
  // Consecutive log lines share their date: remember the last one.
  if (y !== last.y || mo !== last.mo || d !== last.d) {
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return NaN;
    last.y = y;
    last.mo = mo;
    last.d = d;
    last.base = daysFromCivil(y, mo, d) * DAY;
  }
  return last.base + h * 3_600_000 + mi * 60_000 + Math.min(s, 59) * 1000 + ms;
}

const last = { y: 0, mo: 0, d: 0, base: 0 };

/** Reads `n` decimal digits at `i`; -1 when any is not a digit. */
export function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Where the last successful parse ended (index after the timestamp). */
export const cursor = { end: 0 };

/**
 * Parses an RFC 3339 / ISO 8601 timestamp at `i`: `YYYY-MM-DD[T ]HH:MM[:SS[.frac]][Z|±HH[:]MM]`.
 * Without a zone the time is local to `defaultOffsetMin` (default UTC). Sets
 * {@link cursor}.end.
 */
export function parseIso(s: string, i = 0, defaultOffsetMin = 0): number {
  const y = digits(s, i, 4);
  if (y < 0 || s.charCodeAt(i + 4) !== 45) return NaN;
  const mo = digits(s, i + 5, 2);
  const d = digits(s, i + 8, 2);
  if (mo < 0 || d < 0 || s.charCodeAt(i + 7) !== 45) return NaN;
  let p = i + 10;
  let h = 0;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  const sep = s.charCodeAt(p);
  if (sep === 84 || sep === 116 || (sep === 32 && digits(s, p + 1, 2) >= 0)) {
    h = digits(s, p + 1, 2);
    mi = digits(s, p + 4, 2);
    if (h < 0 || mi < 0 || s.charCodeAt(p + 3) !== 58) return NaN;
    p += 6;
    if (s.charCodeAt(p) === 58) {
      sec = digits(s, p + 1, 2);
      if (sec < 0) return NaN;
      p += 3;
      if (s.charCodeAt(p) === 46 || s.charCodeAt(p) === 44) {
        p++;
        let scale = 100;
        while (p < s.length) {
          const c = s.charCodeAt(p) - 48;
          if (c < 0 || c > 9) break;
          ms += c * scale;
          scale /= 10;
          p++;
        }
        ms = Math.floor(ms);
      }
    }
  }
  let t = civilToMs(y, mo, d, h, mi, sec, ms);
  const z = s.charCodeAt(p);
  if (z === 90 || z === 122) p++;
  else if (z === 43 || z === 45) {
    const oh = digits(s, p + 1, 2);
    let om = 0;
    let q = p + 3;
    if (s.charCodeAt(q) === 58) q++;
    const m2 = digits(s, q, 2);
    if (m2 >= 0) {
      om = m2;
      q += 2;
    } else if (q !== p + 3) return NaN;
    if (oh < 0 || oh > 23 || om > 59) return NaN;
    const off = (oh * 60 + om) * 60_000;
    t += z === 43 ? -off : off;
    p = q;
  } else t -= defaultOffsetMin * 60_000;
  cursor.end = p;
  return t;
}

/** Month number (1-12) of an English three-letter abbreviation at `i`, case-insensitive; 0 if none. */
export function monthAt(s: string, i: number): number {
  const k = ((s.charCodeAt(i) | 0x20) << 16) | ((s.charCodeAt(i + 1) | 0x20) << 8) | (s.charCodeAt(i + 2) | 0x20);
  switch (k) {
    case 0x6a616e: return 1; // jan
    case 0x666562: return 2; // feb
    case 0x6d6172: return 3; // mar
    case 0x617072: return 4; // apr
    case 0x6d6179: return 5; // may
    case 0x6a756e: return 6; // jun
    case 0x6a756c: return 7; // jul
    case 0x617567: return 8; // aug
    case 0x736570: return 9; // sep
    case 0x6f6374: return 10; // oct
    case 0x6e6f76: return 11; // nov
    case 0x646563: return 12; // dec
    default: return 0;
  }
}

/** A day of slack before calling a year-less time "in the future": the zone of such stamps is unknown. */
const FUTURE_SLACK = DAY;

interface YearCache {
  year: number;
  /** Epoch ms of 1 January of `year` and of the year after: the cache holds while the reference lies between. */
  start: number;
  end: number;
  /** Epoch ms of the first day of each month (index 1-12) in `year` and `year - 1`. */
  cur: Float64Array;
  prev: Float64Array;
}

function yearCache(ctx: ParseContext, ref: number): YearCache {
  const c = ctx.state.bsdYear as YearCache | undefined;
  if (c && ref >= c.start && ref < c.end) return c;
  const year = new Date(ref).getUTCFullYear();
  const n: YearCache = {
    year,
    start: daysFromCivil(year, 1, 1) * DAY,
    end: daysFromCivil(year + 1, 1, 1) * DAY,
    cur: new Float64Array(13),
    prev: new Float64Array(13),
  };
  for (let m = 1; m <= 12; m++) {
    n.cur[m] = daysFromCivil(year, m, 1) * DAY;
    n.prev[m] = daysFromCivil(year - 1, m, 1) * DAY;
  }
  ctx.state.bsdYear = n;
  return n;
}

/**
 * Parses an RFC 3164 timestamp at `i`: `Mmm dd HH:MM:SS` with the day space-
 * or zero-padded or bare, optional `.fraction`, and the Cisco variant with a
 * year (`Mmm dd yyyy HH:MM:SS`). A missing year is inferred: the latest year
 * that does not put the time after the file time (RFC 3164 §4.1.2 leaves the
 * year out), so a file that runs from December into January dates December
 * in the earlier year. Sets {@link cursor}.end.
 */
export function parseBsd(s: string, i: number, ctx: ParseContext): number {
  const mo = monthAt(s, i);
  if (mo === 0 || s.charCodeAt(i + 3) !== 32) return NaN;
  let p = i + 4;
  if (s.charCodeAt(p) === 32) p++;
  let d = s.charCodeAt(p) - 48;
  if (d < 0 || d > 9) return NaN;
  p++;
  const c = s.charCodeAt(p) - 48;
  if (c >= 0 && c <= 9) {
    d = d * 10 + c;
    p++;
  }
  if (s.charCodeAt(p) !== 32) return NaN;
  p++;
  let year = -1;
  if (s.charCodeAt(p + 4) === 32) {
    year = digits(s, p, 4);
    if (year < 0) return NaN;
    p += 5;
  }
  const h = digits(s, p, 2);
  const mi = digits(s, p + 3, 2);
  const sec = digits(s, p + 6, 2);
  if (h < 0 || mi < 0 || sec < 0 || s.charCodeAt(p + 2) !== 58 || s.charCodeAt(p + 5) !== 58) return NaN;
  if (h > 23 || mi > 59 || sec > 60 || d < 1 || d > 31) return NaN;
  p += 8;
  let ms = 0;
  if (s.charCodeAt(p) === 46) {
    p++;
    let scale = 100;
    while (p < s.length) {
      const x = s.charCodeAt(p) - 48;
      if (x < 0 || x > 9) break;
      ms += x * scale;
      scale /= 10;
      p++;
    }
    ms = Math.floor(ms);
  }
  cursor.end = p;
  const offset = (ctx.tzOffsetMinutes ?? 0) * 60_000;
  if (year >= 0) return civilToMs(year, mo, d, h, mi, sec, ms) - offset;
  const ref = ctx.fileTime ?? Date.now();
  const yc = yearCache(ctx, ref);
  const intra = (d - 1) * DAY + h * 3_600_000 + mi * 60_000 + Math.min(sec, 59) * 1000 + ms - offset;
  // A January stamp read just before New Year's Day (clock or zone skew) belongs to the next year.
  if (mo === 1 && yc.end + intra <= ref + FUTURE_SLACK) return yc.end + intra;
  const t = (yc.cur[mo] as number) + intra;
  if (t <= ref + FUTURE_SLACK) return d <= daysInMonth(yc.year, mo) ? t : NaN;
  return d <= daysInMonth(yc.year - 1, mo) ? (yc.prev[mo] as number) + intra : NaN;
}

/**
 * Parses the time forms found in JSON and CSV exports: ISO 8601, epoch
 * seconds / milliseconds / microseconds / nanoseconds (by magnitude), RFC 3164,
 * and the Azure portal's `M/D/YYYY, h:mm:ss[.fff] AM` (UTC).
 */
export function parseAnyTime(v: unknown, ctx: ParseContext): number {
  if (typeof v === 'number') return epochByMagnitude(v);
  if (typeof v !== 'string') return NaN;
  const s = v.trim();
  if (s.length === 0) return NaN;
  const c0 = s.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    if (s.charCodeAt(4) === 45) return parseIso(s, 0, ctx.tzOffsetMinutes ?? 0);
    if (/^\d+(\.\d+)?$/.test(s)) return epochByMagnitude(Number(s));
    const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(?: ?([AP]M))?$/i.exec(s);
    if (m) {
      let h = Number(m[4]);
      const pm = m[8]?.toUpperCase();
      if (pm && (h < 1 || h > 12)) return NaN;
      if (pm === 'PM' && h < 12) h += 12;
      if (pm === 'AM' && h === 12) h = 0;
      const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
      return civilToMs(Number(m[3]), Number(m[1]), Number(m[2]), h, Number(m[5]), Number(m[6]), ms);
    }
    return NaN;
  }
  return parseBsd(s, 0, ctx);
}

/** Epoch number in s, ms, µs or ns, told apart by size (valid for 1973-2286). */
export function epochByMagnitude(n: number): number {
  if (!Number.isFinite(n) || n <= 0) return NaN;
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  if (n < 1e17) return Math.floor(n / 1000);
  return Math.floor(n / 1e6);
}
