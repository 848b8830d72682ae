import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: true, y: null }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('gives the same text before and after a JSON round trip', () => {
    const v = { when: new Date('2026-01-31T12:00:00Z'), n: 1.5e-7, s: 'é\u2028"\\', list: [undefined, NaN, 3] };
    expect(canonicalJson(JSON.parse(JSON.stringify(v)))).toBe(canonicalJson(v));
  });

  it('refuses bigint, which JSON cannot carry', () => {
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
  });
});
