import { describe, expect, it } from 'vitest';
import { daysBetween, Timestamp } from './time.js';

describe('Timestamp', () => {
  it('normalizes dates and date-times with a zone to UTC ISO strings', () => {
    expect(Timestamp.parse('2026-11-01')).toBe('2026-11-01T00:00:00.000Z');
    expect(Timestamp.parse('2026-11-01T08:00:00+01:00')).toBe('2026-11-01T07:00:00.000Z');
    expect(Timestamp.parse('2026-11-01T08:00Z')).toBe('2026-11-01T08:00:00.000Z');
    expect(Timestamp.parse('2026-11-01T08:00:00.123Z')).toBe('2026-11-01T08:00:00.123Z');
    expect(Timestamp.parse('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
  });
  it('rejects times without a zone, impossible dates and other text', () => {
    for (const bad of ['2026-11-01T08:00:00', '2026-02-29', '2026-02-30', '2026-13-01', '2026-04-31T00:00:00Z', 'last tuesday', '', '2026-11-01 08:00:00Z']) {
      expect(Timestamp.safeParse(bad).success, bad).toBe(false);
    }
  });
  it('keeps strings already in the stored form, checking their calendar all the same', () => {
    for (const ok of ['2026-01-31T12:00:00.000Z', '2024-02-29T23:59:59.999Z', '2000-02-29T00:00:00.000Z']) expect(Timestamp.parse(ok)).toBe(ok);
    for (const bad of ['2026-02-30T00:00:00.000Z', '2023-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-00-10T00:00:00.000Z', '2026-01-01T12:60:00.000Z']) {
      expect(Timestamp.safeParse(bad).success, bad).toBe(false);
    }
    // ISO 8601's end of day is the next day's midnight.
    expect(Timestamp.parse('2026-01-31T24:00:00.000Z')).toBe('2026-02-01T00:00:00.000Z');
  });

  it('counts whole days', () => {
    expect(daysBetween('2026-01-01', '2026-01-31T23:00:00Z')).toBe(30);
  });
});
