import { describe, expect, it } from 'vitest';
import { Rng, hash32, rngFor } from './prng.js';

describe('hash32', () => {
  it('is stable and separates parts', () => {
    expect(hash32(1, 'customer', 42)).toBe(hash32(1, 'customer', 42));
    expect(hash32('ab', 'c')).not.toBe(hash32('a', 'bc'));
    expect(hash32(1, 41)).not.toBe(hash32(1, 42));
  });
});

describe('Rng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = Array.from({ length: 20 }, ((r) => () => r.u32())(new Rng(5)));
    const b = Array.from({ length: 20 }, ((r) => () => r.u32())(new Rng(5)));
    const c = Array.from({ length: 20 }, ((r) => () => r.u32())(new Rng(6)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('keeps draws in range', () => {
    const r = rngFor('range');
    for (let k = 0; k < 2000; k++) {
      const f = r.next();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      const n = r.int(10, 60);
      expect(n).toBeGreaterThanOrEqual(10);
      expect(n).toBeLessThanOrEqual(60);
    }
  });

  it('covers every value of a small range', () => {
    const r = rngFor('cover');
    const seen = new Set<number>();
    for (let k = 0; k < 500; k++) seen.add(r.int(1, 6));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('samples distinct elements', () => {
    const s = rngFor('sample').sample([1, 2, 3, 4, 5, 6, 7], 5);
    expect(new Set(s).size).toBe(5);
    expect(rngFor('short').sample([1, 2], 5)).toHaveLength(2);
  });

  it('honours weights', () => {
    const r = rngFor('weights');
    let heavy = 0;
    for (let k = 0; k < 1000; k++) if (r.weighted([['a', 9], ['b', 1]] as const) === 'a') heavy++;
    expect(heavy).toBeGreaterThan(800);
  });
});
