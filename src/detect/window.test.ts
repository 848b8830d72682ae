import { describe, expect, it } from 'vitest';
import { DistinctWindow, ringCount, ringLength, ringPush, ringSpan, type Ring } from './window.js';

describe('ring of times', () => {
  it('keeps the last N times and counts those in a window', () => {
    const r: Ring = { ring: 1, pos: 0 };
    expect(ringCount(r, 0)).toBe(1);
    for (const t of [2, 3, 10, 11]) ringPush(r, t, 1, 3);
    expect(ringLength(r)).toBe(3);
    expect(ringCount(r, 0)).toBe(3);
    expect(ringCount(r, 10)).toBe(2);
    expect(ringSpan(r, 0)).toEqual({ first: 3, last: 11 });
    ringPush(r, 20, 99, 3);
    expect(ringCount(r, 20)).toBe(3);
  });
});

describe('distinct window', () => {
  it('counts distinct values with tallies, prunes by age, and caps', () => {
    const d = new DistinctWindow();
    for (let i = 0; i < 30; i++) d.touch(`u${i % 25}`, i, 1, i % 2 === 0, 20);
    expect(d.size).toBe(20);
    expect(d.truncated).toBe(true);
    expect(d.total).toBe(25);
    d.prune(15);
    // u0..u4 were seen again at 25..29, u15..u19 at 15..19; u20..u24 were refused at the cap.
    expect(d.size).toBe(10);
    expect(d.total).toBe(15);
    d.remove('u0');
    expect(d.get('u0')).toBeUndefined();
  });
});
