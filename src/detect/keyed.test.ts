import { describe, expect, it } from 'vitest';
import { KeyedStore, type Stamped } from './keyed.js';

const st = (k0: string, last: number, k1?: string, k2?: string): Stamped => ({ k0, k1, k2, last, queued: 0 });

describe('keyed store', () => {
  it('evicts keys whose last event left the window, including touched ones later', () => {
    const s = new KeyedStore<Stamped>(0, 100);
    for (let i = 0; i < 10; i++) s.add(st(`k${i}`, i));
    s.get(st('k0', 0))!.last = 50; // touched after being queued
    s.evict(5);
    expect([...s.values()].map((v) => v.k0).sort()).toEqual(['k0', 'k5', 'k6', 'k7', 'k8', 'k9']);
    s.evict(60);
    expect(s.size).toBe(0);
    expect(s.queueLength).toBe(0);
  });

  it('sheds the oldest keys past its cap and counts them', () => {
    const s = new KeyedStore<Stamped>(0, 3);
    for (let i = 0; i < 10; i++) s.add(st(`k${i}`, i));
    expect(s.size).toBe(3);
    expect(s.shed).toBe(7);
    expect([...s.values()].map((v) => v.k0)).toEqual(['k7', 'k8', 'k9']);
  });

  it('nests key parts and drops inner maps with their last key', () => {
    const s = new KeyedStore<Stamped>(2, 100);
    s.add(st('t', 1, 'root', '203.0.113.10'));
    s.add(st('t', 2, 'root', '198.51.100.7'));
    s.add(st('t', 9, 'alice', '198.51.100.7'));
    expect(s.get(st('t', 0, 'root', '198.51.100.7'))?.last).toBe(2);
    expect(s.get(st('t', 0, 'bob', '198.51.100.7'))).toBeUndefined();
    s.evict(5);
    expect([...s.values()].map((v) => `${v.k1}@${v.k2}`)).toEqual(['alice@198.51.100.7']);
    expect(s.size).toBe(1);
  });

  it('keeps its queue proportional to the live keys', () => {
    const s = new KeyedStore<Stamped>(1, 1_000_000);
    for (let i = 0; i < 100_000; i++) {
      s.add(st('t', i, `k${i}`));
      if (i % 100 === 0) s.evict(i - 1_000);
    }
    expect(s.size).toBeLessThanOrEqual(1_100);
    expect(s.queueLength).toBeLessThan(3_000);
  });
});
