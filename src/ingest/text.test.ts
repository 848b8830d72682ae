import { describe, expect, it } from 'vitest';
import { decodeText, firstInvalidUtf8, lineColumnAt } from './text.js';
import { caughtHubguardError } from '../core/test-support.js';

const enc = (s: string) => new TextEncoder().encode(s);
const fail = caughtHubguardError;

describe('decodeText', () => {
  it('decodes UTF-8 and drops a BOM', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...enc('héllo')]), 'f')).toBe('héllo');
  });
  it('locates invalid UTF-8 by line and column', () => {
    const bytes = new Uint8Array([...enc('ok\nab'), 0xc3, 0x28, ...enc('\n')]);
    const e = fail(() => decodeText(bytes, 'x.csv'));
    expect(e.code).toBe('HG_ERR_ENCODING');
    expect(e.location).toEqual({ file: 'x.csv', line: 2, column: 3 });
  });
  it('rejects overlong encodings and surrogates', () => {
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0xc0, 0xaf]))).toBe(1);
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(new Uint8Array([0xf0, 0x9f, 0x98]))).toBe(0);
    expect(firstInvalidUtf8(enc('plain ✓ 😀'))).toBe(-1);
  });
  it('rejects binary data with NUL bytes', () => {
    expect(fail(() => decodeText(new Uint8Array([0x61, 0, 0x62]), 'b')).code).toBe('HG_ERR_ENCODING');
  });
  it('enforces the size and line-length limits', () => {
    expect(fail(() => decodeText(enc('abc'), 'f', { maxBytes: 2, maxLineLength: 10 })).code).toBe('HG_ERR_FILE_TOO_LARGE');
    const e = fail(() => decodeText(enc('a\nbbbbbbbbbbbb\n'), 'f', { maxBytes: 100, maxLineLength: 5 }));
    expect(e.code).toBe('HG_ERR_LINE_TOO_LONG');
    expect(e.location?.line).toBe(2);
  });
  it('computes line and column of an offset', () => {
    expect(lineColumnAt('ab\ncd\nef', 7)).toEqual({ line: 3, column: 2 });
  });
});
