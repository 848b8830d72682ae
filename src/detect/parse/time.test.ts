import { describe, expect, it } from 'vitest';
import { civilToMs, epochByMagnitude, parseAnyTime, parseBsd, parseIso } from './time.js';
import type { ParseContext } from './types.js';

const ctx = (fileTime?: number, tz?: number): ParseContext => ({ file: 'f', line: 1, state: {}, fileTime, tzOffsetMinutes: tz });
const iso = (t: number) => new Date(t).toISOString();

describe('civil date arithmetic', () => {
  it('agrees with Date.UTC over leap years and rejects impossible dates', () => {
    for (const [y, m, d] of [[1970, 1, 1], [2000, 2, 29], [2024, 12, 31], [2100, 3, 1], [1999, 12, 31]] as const) {
      expect(civilToMs(y, m, d, 13, 14, 15, 16)).toBe(Date.UTC(y, m - 1, d, 13, 14, 15, 16));
    }
    expect(civilToMs(2025, 2, 29, 0, 0, 0, 0)).toBeNaN();
    expect(civilToMs(2025, 13, 1, 0, 0, 0, 0)).toBeNaN();
  });
});

describe('parseIso', () => {
  it('reads zones, fractions and the space separator', () => {
    expect(iso(parseIso('2026-03-04T10:20:00.123456+01:00'))).toBe('2026-03-04T09:20:00.123Z');
    expect(iso(parseIso('2026-03-04T10:20:00.1234567Z'))).toBe('2026-03-04T10:20:00.123Z');
    expect(iso(parseIso('2026-03-04 10:20:00-0530'))).toBe('2026-03-04T15:50:00.000Z');
    expect(iso(parseIso('2026-03-04T10:20'))).toBe('2026-03-04T10:20:00.000Z');
    expect(iso(parseIso('2026-03-04T10:20:00', 0, 120))).toBe('2026-03-04T08:20:00.000Z');
  });
  it('rejects malformed stamps', () => {
    for (const bad of ['2026-3-04T10:00:00Z', '2026-02-30T00:00:00Z', '2026-03-04T25:00:00Z', 'x']) expect(parseIso(bad), bad).toBeNaN();
  });
});

describe('parseBsd (RFC 3164)', () => {
  it('reads padded, bare and zero-padded days, fractions and the Cisco year', () => {
    const c = ctx(Date.UTC(2026, 5, 1));
    expect(iso(parseBsd('Mar  4 10:00:01 h', 0, c))).toBe('2026-03-04T10:00:01.000Z');
    expect(iso(parseBsd('Mar 4 10:00:01 h', 0, c))).toBe('2026-03-04T10:00:01.000Z');
    expect(iso(parseBsd('Mar 04 10:00:01.250 h', 0, c))).toBe('2026-03-04T10:00:01.250Z');
    expect(iso(parseBsd('Dec 13 2013 16:22:38 h', 0, c))).toBe('2013-12-13T16:22:38.000Z');
  });
  it('picks the latest year that is not after the file time', () => {
    const c = ctx(Date.UTC(2026, 0, 3));
    expect(iso(parseBsd('Dec 31 23:00:00', 0, c))).toBe('2025-12-31T23:00:00.000Z');
    expect(iso(parseBsd('Jan  2 23:00:00', 0, c))).toBe('2026-01-02T23:00:00.000Z');
    // A January stamp read on New Year's Eve (zone skew) belongs to the new year.
    expect(iso(parseBsd('Jan  1 00:30:00', 0, ctx(Date.UTC(2025, 11, 31, 23, 0))))).toBe('2026-01-01T00:30:00.000Z');
    // Feb 29 exists only in the year the rule picks if it is a leap year.
    expect(parseBsd('Feb 29 10:00:00', 0, ctx(Date.UTC(2026, 5, 1)))).toBeNaN();
    expect(iso(parseBsd('Feb 29 10:00:00', 0, ctx(Date.UTC(2028, 5, 1))))).toBe('2028-02-29T10:00:00.000Z');
  });
  it('applies the configured zone of zone-less stamps', () => {
    expect(iso(parseBsd('Mar  4 10:00:00', 0, ctx(Date.UTC(2026, 5, 1), 60)))).toBe('2026-03-04T09:00:00.000Z');
  });
});

describe('parseAnyTime', () => {
  it('reads the forms exports use', () => {
    const c = ctx(Date.UTC(2026, 5, 1));
    expect(iso(parseAnyTime('2026-03-04T23:00:00Z', c))).toBe('2026-03-04T23:00:00.000Z');
    expect(iso(parseAnyTime('3/4/2026, 11:02:00.500 PM', c))).toBe('2026-03-04T23:02:00.500Z');
    expect(iso(parseAnyTime('3/4/2026 12:02:00 AM', c))).toBe('2026-03-04T00:02:00.000Z');
    expect(iso(parseAnyTime(1772665330, c))).toBe('2026-03-04T23:02:10.000Z');
    expect(iso(parseAnyTime('1772665330123', c))).toBe('2026-03-04T23:02:10.123Z');
    expect(iso(parseAnyTime('Mar  4 10:00:00', c))).toBe('2026-03-04T10:00:00.000Z');
    expect(parseAnyTime('yesterday', c)).toBeNaN();
    expect(parseAnyTime(null, c)).toBeNaN();
  });
  it('tells epoch units apart by size', () => {
    const ms = Date.UTC(2026, 2, 4);
    expect(epochByMagnitude(ms / 1000)).toBe(ms);
    expect(epochByMagnitude(ms)).toBe(ms);
    expect(epochByMagnitude(ms * 1000)).toBe(ms);
    expect(epochByMagnitude(ms * 1e6)).toBe(ms);
  });
});
