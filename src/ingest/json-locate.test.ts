import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, jsonRecordOffsets } from './json-locate.js';

describe('jsonErrorOffset', () => {
  it('accepts valid JSON', () => {
    for (const t of ['[]', '{}', ' [1, -2.5e3, "a\\"b\\u00e9", true, false, null, {"k": [{}]}] ', '"x"', '0']) {
      expect(jsonErrorOffset(t), t).toBe(-1);
    }
  });
  it('points at the first error', () => {
    expect(jsonErrorOffset('[{"id": "a",\n "tenant": }]')).toBe(24);
    expect(jsonErrorOffset('[1, 2,]')).toBe(6);
    expect(jsonErrorOffset('{"a" 1}')).toBe(5);
    expect(jsonErrorOffset('[1 2]')).toBe(3);
    expect(jsonErrorOffset('[1]]')).toBe(3);
    expect(jsonErrorOffset('[')).toBe(1);
    expect(jsonErrorOffset('{"a": "\u0001"}')).toBe(7);
    expect(jsonErrorOffset("{'a': 1}")).toBe(1);
  });
  it('survives deep nesting without recursion', () => {
    expect(jsonErrorOffset('['.repeat(100000) + ']'.repeat(100000))).toBe(-1);
  });
});

describe('jsonRecordOffsets', () => {
  it('finds every element of the top-level array and of arrays under top-level keys', () => {
    const t = '[\n{"a": "x,[y]\\"", "b": [1, 2]},\n 3,\n"s"\n]';
    expect(jsonRecordOffsets(t).get('')!.map((o) => t[o])).toEqual(['{', '3', '"']);
    const k = '{"identities": [ {"id": "a"}, {"id": "b"} ], "groups": [], "x": {"y": [1]}}';
    const m = jsonRecordOffsets(k);
    expect(m.get('identities')!.map((o) => k.slice(o, o + 11))).toEqual(['{"id": "a"}', '{"id": "b"}']);
    expect(m.get('groups')).toEqual([]);
    expect(m.has('y')).toBe(false);
  });
});
