import { describe, expect, it } from 'vitest';
import { jsonLineIndex, readCollection, sniffContext } from './graph-json.js';
import { collecting } from './test-support.js';
import { caughtHubguardError } from '../../core/test-support.js';

const thrown = caughtHubguardError;

describe('readCollection', () => {
  it('reads one page and locates each entity and its fields by line', () => {
    const text = '{\n  "@odata.context": "x#users",\n  "value": [\n    {"a": 1},\n    {\n      "a": 2,\n      "b": {"c": 3}\n    }\n  ]\n}\n';
    const { ctx, problems } = collecting();
    const r = readCollection(text, 'f', ctx);
    expect(problems).toEqual([]);
    expect(r.contexts).toEqual(['x#users']);
    expect(r.items.map((i) => i.location.line)).toEqual([4, 5]);
    expect(r.items[1]!.locate(['b', 'c'])).toEqual({ file: 'f', line: 7 });
    expect(r.items[1]!.locate(['missing'])).toEqual({ file: 'f', line: 5 });
  });

  it('reads a JSON array of pages, JSON lines of pages and a bare array of entities', () => {
    const { ctx, problems } = collecting();
    const pages = readCollection('[\n{"value": [{"n": 1}]},\n{"value": [\n{"n": 2}]}\n]', 'f', ctx);
    expect(pages.items.map((i) => [i.value.n, i.location.line])).toEqual([[1, 2], [2, 4]]);
    const lines = readCollection('{"value": [{"n": 1}, {"n": 2}], "@odata.nextLink": "ignored"}\n\n{"value": [{"n": 3}]}\n', 'f', ctx);
    expect(lines.items.map((i) => [i.value.n, i.location.line])).toEqual([[1, 1], [2, 1], [3, 3]]);
    const bare = readCollection('[{"n": 1},\n {"n": 2}]', 'f', ctx);
    expect(bare.items.map((i) => [i.value.n, i.location.line])).toEqual([[1, 1], [2, 2]]);
    expect(problems).toEqual([]);
  });

  it('reads Partner Center collections under "items"', () => {
    const { ctx } = collecting();
    expect(readCollection('{"totalCount": 1, "items": [{"id": "x"}]}', 'f', ctx, 'items').items).toHaveLength(1);
  });

  it('throws located JSON errors, for a document and for one JSON line', () => {
    const e = thrown(() => readCollection('{\n  "value": [\n    {"a": 1,}\n  ]\n}', 'f', collecting().ctx));
    expect(e).toMatchObject({ code: 'HG_ERR_JSON', location: { file: 'f', line: 3 } });
    const l = thrown(() => readCollection('{"value": []}\n{"value": [}\n', 'f', collecting().ctx));
    expect(l).toMatchObject({ code: 'HG_ERR_JSON', location: { line: 2 } });
    expect(thrown(() => readCollection('  \n', 'f', collecting().ctx)).code).toBe('HG_ERR_JSON');
    expect(thrown(() => readCollection('id,name\n1,a\n', 'f', collecting().ctx)).code).toBe('HG_ERR_JSON');
  });

  it('reports wrong shapes as located problems and keeps the good entities', () => {
    const { ctx, problems } = collecting();
    expect(readCollection('{"value": {"a": 1}}', 'f', ctx).items).toEqual([]);
    expect(readCollection('{"users": []}', 'f', ctx).items).toEqual([]);
    expect(readCollection('42', 'f', ctx).items).toEqual([]);
    const r = readCollection('{"value": [\n1,\n{"ok": true}\n]}', 'f', ctx);
    expect(r.items.map((i) => i.value)).toEqual([{ ok: true }]);
    expect(problems.map((p) => [p.code, p.location.line])).toEqual([
      ['HG_ERR_VALIDATION', 1],
      ['HG_ERR_VALIDATION', 1],
      ['HG_ERR_VALIDATION', 1],
      ['HG_ERR_VALIDATION', 2],
    ]);
  });
});

describe('jsonLineIndex', () => {
  it('handles escaped quotes and keys, nested arrays and literals', () => {
    const idx = jsonLineIndex('{"a\\"b": [\n true,\n "x\\"y",\n null\n],\n"c": -1.5e3\n}');
    expect(idx.get('a"b')).toBe(1);
    expect(idx.get(['a"b', '1'].join('\u0000'))).toBe(3);
    expect(idx.get(['a"b', '2'].join('\u0000'))).toBe(4);
    expect(idx.get('c')).toBe(6);
  });
});

describe('sniffContext', () => {
  it('finds the @odata.context of the first page', () => {
    expect(sniffContext('[{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", "value": []}]')).toBe('https://graph.microsoft.com/v1.0/$metadata#users');
    expect(sniffContext('{"value": []}')).toBeUndefined();
  });
});
